import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from '../auth/auth.service.js';
import { AppError, type FieldProblem } from '../domain/errors.js';
import { CursorKeys } from '../changes/cursor-keys.js';
import { decodeCursor, parseEnumParam, parseLimitParam, unknownCursor } from '../domain/query-params.js';
import { openCursor, sealCursors } from '../domain/sealed-cursor.js';
import { withTransaction } from '../infra/db.js';
import type { SecretBox } from './secret-box.js';
import { assertWebhookUrl, type Resolver } from './ssrf.js';
import {
  deleteEndpoint,
  endpointExists,
  expireSecrets,
  insertEndpoint,
  insertSecret,
  listDeliveries,
  listEndpoints,
  lockEndpoint,
  lockIntegrationAndCountEndpoints,
  scheduleDeliveryNow,
  startChangeMark,
  WEBHOOK_EVENT_TYPES,
  type EndpointRow,
} from './webhook.repository.js';
import { DeliveryStatus, type CreateWebhookBody, type DeliveriesPage, type DeliveriesQuery, type RotatedSecret, type WebhookCreated, type WebhookList, type WebhookView } from './webhook.schemas.js';

export interface WebhookServiceOptions {
  allowPrivateUrls: boolean;
  secretOverlapSeconds: number;
  /** Called when a delivery was made due now, so a worker in this process sends it at once. */
  onDue?: () => void;
  resolve?: Resolver;
}

/**
 * Endpoints an integration may have at once. Each event is delivered to each of them and retried for
 * a day, and the list is one unpaged answer: without a bound, one tenant's batch would fan out into
 * thousands of outbound requests to hosts of its choosing.
 */
const MAX_ENDPOINTS_PER_INTEGRATION = 100;
const CURSOR_TAG = 'deliveries';
const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** The §13 use cases an integration calls: its endpoints, their secrets and their delivery log. */
export class WebhookService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly box: SecretBox,
    private readonly options: WebhookServiceOptions,
    private readonly keys = new CursorKeys(pool),
  ) {}

  /** Registers an endpoint; its signing secret is returned here and never again. */
  async createEndpoint(principal: Principal, body: CreateWebhookBody): Promise<WebhookCreated> {
    const unknown = unknownEvents(body.events);
    if (unknown.length > 0) {
      // Every problem in one answer: a URL that would be refused is named beside the events.
      const url = await assertWebhookUrl(body.url, this.options.allowPrivateUrls, this.options.resolve).then(
        () => [],
        (error: unknown) => (error instanceof AppError ? ((error.details.errors ?? []) as FieldProblem[]) : []),
      );
      const problems = [...url, ...unknown];
      throw new AppError('validation_error', `The request has ${problems.length} invalid field(s).`, { errors: problems });
    }
    await assertWebhookUrl(body.url, this.options.allowPrivateUrls, this.options.resolve);
    const events = subscribedEvents(body.events);
    const id = `we_${randomBytes(12).toString('hex')}`;
    const secret = newSecret();
    const sealed = await this.box.seal(secret, id);
    const row = await withTransaction(this.pool, async (client) => {
      if ((await lockIntegrationAndCountEndpoints(client, principal.integrationId)) >= MAX_ENDPOINTS_PER_INTEGRATION) {
        throw new AppError('validation_error', `An integration has at most ${MAX_ENDPOINTS_PER_INTEGRATION} webhook endpoints; delete one to add another.`, {
          errors: [{ pointer: '/url', message: `is one endpoint too many: this integration has ${MAX_ENDPOINTS_PER_INTEGRATION} already` }],
        });
      }
      const endpoint = await insertEndpoint(client, { id, integrationId: principal.integrationId, url: body.url, events });
      await insertSecret(client, id, sealed);
      if (events.includes('transactions.changed') || events.includes('*')) await startChangeMark(client, principal.integrationId);
      return endpoint;
    });
    return { ...toView(row), secret };
  }

  async listEndpoints(principal: Principal): Promise<WebhookList> {
    const rows = await listEndpoints(this.pool, principal.integrationId);
    return { webhooks: rows.map(toView) };
  }

  async deleteEndpoint(principal: Principal, endpointId: string): Promise<void> {
    if (!(await deleteEndpoint(this.pool, principal.integrationId, endpointId))) throw notFound(endpointId);
  }

  /** A new secret signs from now on; the ones before it keep signing beside it for the overlap. */
  async rotateSecret(principal: Principal, endpointId: string): Promise<RotatedSecret> {
    const secret = newSecret();
    const sealed = await this.box.seal(secret, endpointId);
    await withTransaction(this.pool, async (client) => {
      if (!(await lockEndpoint(client, principal.integrationId, endpointId))) throw notFound(endpointId);
      await expireSecrets(client, endpointId, this.options.secretOverlapSeconds);
      await insertSecret(client, endpointId, sealed);
    });
    return { id: endpointId, secret };
  }

  async listDeliveries(principal: Principal, endpointId: string, query: DeliveriesQuery): Promise<DeliveriesPage> {
    const status = parseEnumParam(query.status, 'status', DeliveryStatus.enum);
    const limit = parseLimitParam(query.limit);
    const key = await this.keys.keyOf(principal.integrationId);
    // A malformed cursor is 400 for any endpoint; whether an old-form one names a delivery is asked
    // only of the caller's own endpoint: of another integration's, the answer would tell its delivery
    // numbers apart.
    const cursor = query.cursor === undefined ? undefined : readDeliveriesCursor(key, query.cursor);
    if (!(await endpointExists(this.pool, principal.integrationId, endpointId))) throw notFound(endpointId);
    const beforeSeq = cursor === undefined ? Number.MAX_SAFE_INTEGER : await this.beforeSeqOf(endpointId, cursor);
    // One row more than asked tells whether another page exists without a count.
    const rows = await listDeliveries(this.pool, endpointId, status, beforeSeq, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      deliveries: page.map((row) => ({
        delivery_id: row.deliveryId,
        event_id: row.eventId,
        event_type: row.eventType,
        status: row.status,
        attempts: row.attempts,
        last_response_status: row.lastResponseStatus,
        last_error: row.lastError,
        next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
        created_at: row.createdAt.toISOString(),
      })),
      next_cursor: rows.length > limit && last ? (sealCursors(key, 'deliveries', [[last.seq, 0]])[0] as string) : null,
    };
  }

  /**
   * The delivery number a deliveries cursor pages back from: sealed with the integration's key, or
   * of the form handed out before cursors were sealed, when the API could have handed it out.
   */
  private async beforeSeqOf(endpointId: string, cursor: DeliveriesCursor): Promise<number> {
    if (cursor.sealed) return cursor.seq;
    if (!(await this.keys.acceptsUnsealed('deliveries', endpointId, cursor.seq))) throw unknownCursor();
    return cursor.seq;
  }

  /** Sends a delivery again now, whether it is waiting, delivered or failed. */
  async retryDelivery(principal: Principal, endpointId: string, deliveryId: string): Promise<{ delivery_id: string }> {
    const found = await scheduleDeliveryNow(this.pool, principal.integrationId, endpointId, deliveryId);
    if (!found) throw new AppError('not_found', `No delivery ${deliveryId} of webhook ${endpointId}.`);
    this.options.onDue?.();
    return { delivery_id: deliveryId };
  }
}

/** A deliveries cursor as read: a delivery number, sealed with the integration's key or of the old form. */
interface DeliveriesCursor {
  seq: number;
  sealed: boolean;
}

/** Reads a deliveries cursor without asking the database; one that is neither form is 400. */
function readDeliveriesCursor(key: Buffer, cursor: string): DeliveriesCursor {
  const sealed = openCursor(key, 'deliveries', cursor);
  if (sealed) return { seq: sealed[0], sealed: true };
  return { seq: decodeCursor(cursor, CURSOR_TAG, isSeq), sealed: false };
}

/** The event types asked for, each once; an unknown one is a validation error at its position. */
const KNOWN_EVENTS: readonly string[] = [...WEBHOOK_EVENT_TYPES, '*'];

function unknownEvents(events: string[]): FieldProblem[] {
  return events.flatMap((event, index) =>
    KNOWN_EVENTS.includes(event) ? [] : [{ pointer: `/events/${index}`, message: `unknown event type "${event}"; use ${KNOWN_EVENTS.join(', ')}` }],
  );
}

/** The events as stored and read back: `*` says all there is to say, and each type once, in the order sent. */
function subscribedEvents(events: string[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)];
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

function toView(row: EndpointRow): WebhookView {
  return { id: row.id, url: row.url, events: row.events, created_at: row.createdAt.toISOString() };
}

function notFound(endpointId: string): AppError {
  return new AppError('not_found', `No webhook ${endpointId}.`);
}
