import type { ApiInstance } from '../api-instance.js';
import { ReenrichAccepted, ReenrichBody, ReenrichmentParams, ReenrichmentView } from '../../reenrichment/reenrichment.schemas.js';
import type { ReenrichmentService } from '../../reenrichment/reenrichment.service.js';
import { AccountParams } from '../../transactions/transaction.schemas.js';
import { withHeaders } from '../documented.js';
import { problems } from '../schemas.js';

/** Re-enriching an account's transactions, and following it (contract §11). */
export function reenrichmentRoutes(app: ApiInstance, reenrichments: ReenrichmentService): void {
  app.post(
    '/api/accounts/:account_id/reenrich',
    {
      config: { scope: 'ingest', bodyOptional: true },
      // The service reports body problems as validation_error, each by pointer.
      attachValidation: true,
      schema: {
        operationId: 'reenrichAccount',
        summary: "Enriches an account's transactions again (locked and removed ones are left alone)",
        description:
          'Sends back to enrichment the account\'s finished transactions that match, and counts them in `transactions`. ' +
          'Transactions still waiting for enrichment (a new batch, or an earlier re-enrichment under way) are neither sent again nor counted: ' +
          'they are enriched by what runs when a worker takes them, corrections made since included. A re-enrichment with nothing to send is completed at once.',
        tags: ['accounts'],
        params: AccountParams,
        body: ReenrichBody,
        response: { 202: withHeaders(ReenrichAccepted, { Location: { description: 'The re-enrichment to follow: /api/reenrichments/{reenrichment_id}, as status_url', required: true, schema: { type: 'string' } } }), ...problems(['validation_error', 'invalid_parameter', 'not_found']) },
      },
    },
    async (request, reply) => {
      if (request.validationError?.validationContext === 'params') throw request.validationError;
      const accepted = await reenrichments.start(request.principal.integrationId, request.params.account_id, request.body);
      return reply.code(202).header('Location', accepted.status_url).send(accepted);
    },
  );

  app.get(
    '/api/reenrichments/:reenrichment_id',
    {
      // Started with ingest; followed, like a batch, by whoever reads the account too.
      config: { scope: ['ingest', 'reports'] },
      schema: {
        operationId: 'getReenrichment',
        summary: "A re-enrichment's status and its transactions counted by status",
        tags: ['accounts'],
        params: ReenrichmentParams,
        response: { 200: ReenrichmentView, ...problems(['invalid_parameter', 'not_found']) },
      },
    },
    (request) => reenrichments.get(request.principal.integrationId, request.params.reenrichment_id),
  );
}
