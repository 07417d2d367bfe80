import type { OpenAPIV3_1 } from 'openapi-types';
import { Type, type TSchema } from 'typebox';
import { BatchView } from '../ingestion/batch.schemas.js';
import { ReenrichmentView } from '../reenrichment/reenrichment.schemas.js';
import type { WebhookEventType } from './webhook.repository.js';

/** What each event's `data` is (contract §13), from the schemas of the answers it repeats. */
const EVENTS: Record<WebhookEventType, { data: TSchema; summary: string; description: string }> = {
  'batch.completed': {
    data: BatchView,
    summary: 'A batch has nothing left to enrich',
    description: 'Sent once per batch, when none of its transactions is left to enrich; `data` is the batch as GET /api/batches/{batch_id} shows it.',
  },
  'transactions.changed': {
    data: Type.Object({ cursor: Type.String({ description: 'A cursor of GET /api/changes: reading on from it gives every change since the last notification' }) }),
    summary: 'The change feed has new changes',
    description: 'At most one per integration in 5 s, coalesced: read GET /api/changes from `data.cursor`.',
  },
  'reenrichment.completed': {
    data: ReenrichmentView,
    summary: 'A re-enrichment has finished',
    description: '`data` is the re-enrichment as GET /api/reenrichments/{reenrichment_id} shows it.',
  },
};

const SIGNATURE_DESCRIPTION =
  '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one `v1=` per active secret (two for 24 h after a rotation, more after several); ' +
  'the key is the whole `whsec_…` secret as UTF-8 bytes. Compare in constant time and reject a `t` older than 5 minutes.';

/**
 * The `webhooks` of the OpenAPI 3.1 document: the request Lucro sends to an endpoint for each
 * event type, with its signature headers, so a client generated from the document has their types.
 */
export function webhooksDocument(): Record<WebhookEventType, OpenAPIV3_1.PathItemObject> {
  const entries = Object.entries(EVENTS).map(([type, event]) => [
    type,
    {
      post: {
        operationId: `on${type.replace(/(?:^|\.)([a-z])/g, (_, letter: string) => letter.toUpperCase())}`,
        summary: event.summary,
        description: `${event.description} Delivered as a POST to the endpoint's URL; redirects are not followed.`,
        tags: ['webhooks'],
        security: [],
        parameters: [
          { name: 'Lucro-Event-Id', in: 'header', required: true, description: 'The event id, as `id` in the body: the same on every retry, so a receiver can drop repeats', schema: { type: 'string', pattern: '^evt_' } },
          { name: 'Lucro-Signature', in: 'header', required: true, description: SIGNATURE_DESCRIPTION, schema: { type: 'string', pattern: '^t=[0-9]+(,v1=[0-9a-f]{64})+$' } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: Type.Object({
                id: Type.String({ pattern: '^evt_', description: 'The event id (as Lucro-Event-Id)' }),
                type: Type.Literal(type),
                created_at: Type.String({ format: 'date-time', description: 'When the event was recorded' }),
                data: event.data,
              }),
            },
          },
        },
        responses: {
          '2XX': { description: 'Delivered: any 2xx within 10 s' },
          default: { description: 'Anything else, or no answer within 10 s: sent again with exponential backoff for at least 24 h (WEBHOOK_RETRY_HOURS), then the delivery is failed' },
        },
      },
    },
  ]);
  // Through JSON: the schemas' TypeBox markers (symbols) are not part of the document, and a named
  // schema's reference (`Batch#`, as routes write it) becomes the document's (@fastify/swagger does
  // that for routes only).
  const documentReference = (key: string, value: unknown) =>
    key === '$ref' && typeof value === 'string' && /^[A-Za-z]+#$/.test(value) ? `#/components/schemas/${value.slice(0, -1)}` : value;
  return JSON.parse(JSON.stringify(Object.fromEntries(entries), documentReference)) as Record<WebhookEventType, OpenAPIV3_1.PathItemObject>;
}
