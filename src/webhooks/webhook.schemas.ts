import { Type, type Static } from 'typebox';
import { documentedRule } from '../http/documented.js';
import { named, PageLimit } from '../http/schemas.js';

export const CreateWebhookBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'https URL that receives the POSTs' }),
  events: Type.Array(Type.String({ maxLength: 64 }), {
    minItems: 1,
    maxItems: 10,
    description: 'batch.completed, transactions.changed, reenrichment.completed, or ["*"] for all',
  }),
}, { additionalProperties: false });
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

const WebhookFields = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
});
export const WebhookView = named('WebhookEndpoint', WebhookFields);
export type WebhookView = Static<typeof WebhookView>;

export const WebhookCreated = Type.Object({ ...WebhookFields.properties, secret: Type.String({ description: 'whsec_…: shown only in this answer' }) });
export type WebhookCreated = Static<typeof WebhookCreated>;

export const WebhookList = Type.Object({ webhooks: Type.Array(WebhookView) });
export type WebhookList = Static<typeof WebhookList>;

export const RotatedSecret = Type.Object({ id: Type.String(), secret: Type.String() });
export type RotatedSecret = Static<typeof RotatedSecret>;

/** The ids this API hands out: `we_` and 24 hex digits for an endpoint, `whd_` and 32 for a delivery; anything else is a malformed path (§3). */
const EndpointId = Type.String({ pattern: '^we_[0-9a-f]{24}$', description: 'The webhook id (we_ and 24 hex digits)' });
export const WebhookParams = Type.Object({ id: EndpointId });
export const DeliveryParams = Type.Object({ id: EndpointId, delivery_id: Type.String({ pattern: '^whd_[0-9a-f]{32}$', description: 'The delivery id (whd_ and 32 hex digits)' }) });

export const DeliveryStatus = Type.Enum(['pending', 'delivered', 'failed'], { type: 'string' });

export const DeliveriesQuery = Type.Object({
  // Checked by the service, which names the values in its answer.
  status: Type.Optional(documentedRule(Type.String({ description: 'pending, delivered or failed' }), { enum: DeliveryStatus.enum })),
  limit: Type.Optional(PageLimit),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});
export type DeliveriesQuery = Static<typeof DeliveriesQuery>;

export const DeliveryView = named('WebhookDelivery', Type.Object({
  delivery_id: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  last_response_status: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
}));

export const DeliveriesPage = Type.Object({
  deliveries: Type.Array(DeliveryView),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type DeliveriesPage = Static<typeof DeliveriesPage>;

export const RetryAccepted = Type.Object({ delivery_id: Type.String() });
