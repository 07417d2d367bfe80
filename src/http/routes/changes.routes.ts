import type { ApiInstance } from '../api-instance.js';
import { ChangesPage, ChangesQuery } from '../../changes/change.schemas.js';
import type { ChangeService } from '../../changes/change.service.js';
import { problems } from '../schemas.js';

/** The change feed (contract §12). */
export function changeRoutes(app: ApiInstance, changes: ChangeService): void {
  app.get(
    '/api/changes',
    {
      config: { scope: 'reports' },
      schema: {
        operationId: 'listChanges',
        summary: "Follows every change to the integration's transactions, in commit order, from a cursor",
        tags: ['changes'],
        querystring: ChangesQuery,
        response: { 200: ChangesPage, ...problems(['invalid_parameter']) },
      },
    },
    // The page arrives as its JSON bytes (see ChangeService.listChanges); Fastify sends a Buffer as it
    // is, past the serializer whose type the schema gives.
    async (request, reply) => {
      const page = await changes.listChanges(request.principal.integrationId, request.query);
      return reply.type('application/json; charset=utf-8').send(page as unknown as ChangesPage);
    },
  );
}
