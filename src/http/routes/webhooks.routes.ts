import type { ApiInstance } from '../api-instance.js';
import { Type } from 'typebox';
import {
  CreateWebhookBody,
  DeliveriesPage,
  DeliveriesQuery,
  DeliveryParams,
  RetryAccepted,
  RotatedSecret,
  WebhookCreated,
  WebhookList,
  WebhookParams,
} from '../../webhooks/webhook.schemas.js';
import type { WebhookService } from '../../webhooks/webhook.service.js';
import { withHeaders } from '../documented.js';
import { problems } from '../schemas.js';

const errors = problems(['validation_error', 'invalid_parameter', 'not_found']);
/** An answer that shows a signing secret is kept by no cache on its way (a proxy's, the client library's): documented here, sent as every /api answer is (app.ts). */
const NO_STORE = 'no-store';
const SECRET_HEADERS = { 'Cache-Control': { description: 'no-store: the answer shows a signing secret', required: true, schema: { type: 'string', enum: [NO_STORE] } } };
const common = { tags: ['webhooks'] };

/** Contract §13: an integration's webhook endpoints, their secrets and their delivery log. */
export function webhookRoutes(app: ApiInstance, webhooks: WebhookService): void {
  app.post(
    '/api/webhooks',
    {
      config: { scope: 'ingest' },
      schema: {
        ...common,
        operationId: 'createWebhook',
        summary: 'Registers a webhook endpoint; its signing secret is shown only in this answer',
        body: CreateWebhookBody,
        response: { 201: withHeaders(WebhookCreated, SECRET_HEADERS), ...problems(['validation_error', 'invalid_webhook_url', 'invalid_parameter', 'not_found']) },
      },
    },
    async (request, reply) => reply.code(201).send(await webhooks.createEndpoint(request.principal, request.body)),
  );

  app.get(
    '/api/webhooks',
    { config: { scope: 'ingest' }, schema: { ...common, operationId: 'listWebhooks', summary: "The integration's webhook endpoints (never their secrets)", response: { 200: WebhookList, ...errors } } },
    (request) => webhooks.listEndpoints(request.principal),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      config: { scope: 'ingest' },
      schema: {
        ...common,
        operationId: 'deleteWebhook',
        summary: 'Deletes a webhook endpoint: nothing more is sent to it',
        params: WebhookParams,
        // No body: documented as null, typed as nothing sent.
        response: { 204: Type.Unsafe<undefined>({ type: 'null', description: 'Deleted' }), ...errors },
      },
    },
    async (request, reply) => {
      await webhooks.deleteEndpoint(request.principal, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      config: { scope: 'ingest' },
      schema: {
        ...common,
        operationId: 'rotateWebhookSecret',
        summary: 'Issues a new signing secret; the previous one keeps signing beside it for 24 h',
        params: WebhookParams,
        response: { 200: withHeaders(RotatedSecret, SECRET_HEADERS), ...errors },
      },
    },
    (request) => webhooks.rotateSecret(request.principal, request.params.id),
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      config: { scope: 'ingest' },
      schema: {
        ...common,
        operationId: 'listWebhookDeliveries',
        summary: "An endpoint's deliveries, newest first, with the outcome of their last attempt",
        params: WebhookParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveriesPage, ...errors },
      },
    },
    (request) => webhooks.listDeliveries(request.principal, request.params.id, request.query),
  );

  app.post(
    '/api/webhooks/:id/deliveries/:delivery_id/retry',
    {
      config: { scope: 'ingest' },
      schema: { ...common, operationId: 'retryWebhookDelivery', summary: 'Sends a delivery again now', params: DeliveryParams, response: { 202: RetryAccepted, ...errors } },
    },
    async (request, reply) => reply.code(202).send(await webhooks.retryDelivery(request.principal, request.params.id, request.params.delivery_id)),
  );
}
