import type { ApiInstance } from '../api-instance.js';
import { BatchParams, BatchTransactionsPage, BatchTransactionsQuery, BatchView } from '../../ingestion/batch.schemas.js';
import type { BatchService } from '../../ingestion/batch.service.js';
import { problems } from '../schemas.js';

const errors = problems(['invalid_parameter', 'not_found']);

export function batchRoutes(app: ApiInstance, batches: BatchService): void {
  app.get(
    '/api/batches/:batch_id',
    {
      config: { scope: 'ingest' },
      schema: {
        operationId: 'getBatch',
        summary: "A batch's status and its transactions counted by status",
        tags: ['ingestion'],
        params: BatchParams,
        response: { 200: BatchView, ...errors },
      },
    },
    (request) => batches.getBatch(request.principal.integrationId, request.params.batch_id),
  );

  app.get(
    '/api/batches/:batch_id/transactions',
    {
      config: { scope: 'ingest' },
      schema: {
        operationId: 'listBatchTransactions',
        summary: "Pages through a batch's transactions with their enrichment",
        tags: ['ingestion'],
        params: BatchParams,
        querystring: BatchTransactionsQuery,
        response: { 200: BatchTransactionsPage, ...errors },
      },
    },
    (request) => batches.listTransactions(request.principal.integrationId, request.params.batch_id, request.query),
  );
}
