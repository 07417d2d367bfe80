import type { FastifyInstance } from 'fastify';
import { ChangesPage, ChangesQuery } from '../../changes/change.schemas.js';
import type { ChangeService } from '../../changes/change.service.js';
import { problems } from '../schemas.js';

/** The change feed (contract §12). */
export function changeRoutes(app: FastifyInstance, changes: ChangeService): void {
  app.get<{ Querystring: ChangesQuery }>(
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
    // The page arrives as its JSON bytes (see ChangeService.listChanges); Fastify sends a Buffer as it is.
    async (request, reply) => reply.type('application/json; charset=utf-8').send(await changes.listChanges(request.principal.integrationId, request.query)),
  );
}
