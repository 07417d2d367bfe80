import type { ApiInstance } from '../api-instance.js';
import { CorrectionBody } from '../../corrections/correction.schemas.js';
import type { CorrectionService } from '../../corrections/correction.service.js';
import { AccountTransactionParams, TransactionView } from '../../transactions/transaction.schemas.js';
import { problems } from '../schemas.js';

/** Correcting a transaction's category (contract §11). */
export function correctionRoutes(app: ApiInstance, corrections: CorrectionService): void {
  app.patch(
    '/api/accounts/:account_id/transactions/:transaction_id',
    {
      config: { scope: 'ingest' },
      // The service reports body problems as validation_error, each by pointer.
      attachValidation: true,
      schema: {
        operationId: 'correctAccountTransaction',
        summary: "Corrects a transaction's category (locks it), or unlocks it for enrichment with null",
        description: 'A locked category is never changed by enrichment; the correction teaches this integration’s categorizer.',
        tags: ['accounts'],
        params: AccountTransactionParams,
        body: CorrectionBody,
        response: { 200: TransactionView, ...problems(['validation_error', 'invalid_parameter', 'not_found', 'transaction_removed']) },
      },
    },
    (request) => {
      // A bad path is the path's problem (invalid_parameter), whatever the body says.
      if (request.validationError?.validationContext === 'params') throw request.validationError;
      return corrections.correct(request.principal.integrationId, request.params.account_id, request.params.transaction_id, request.body);
    },
  );
}
