import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Batcher } from '../enrichment/slots.js';
import { withTransaction } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { OutageLog } from '../infra/outage-log.js';
import { activeSpanContext, annotateActiveSpan, contextFromTraceParent, inGroupSpan, SpanKind } from '../infra/tracing.js';
import type { SecretBox } from './secret-box.js';
import { postWebhook } from './sender.js';
import { signatureHeader } from './signing.js';
import type { Resolver } from './ssrf.js';
import {
  claimDeliveries,
  countPendingDeliveries,
  giveBackDeliveries,
  hasDueDeliveries,
  lockDueEndpoints,
  writeDeliveryResults,
  type ClaimedDelivery,
  type DeliveryResult,
  type WrittenDelivery,
} from './webhook.repository.js';

export interface DelivererOptions {
  /** Deliveries in flight in this process. */
  concurrency: number;
  /** Deliveries in flight per endpoint, across every worker. */
  endpointConcurrency: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryHours: number;
  pollIntervalMs: number;
  allowPrivateUrls: boolean;
  resolve?: Resolver;
}

const MAX_BACKOFF_MS = 3_600_000;
const ENDPOINTS_PER_CLAIM = 500;

/** Delay before retry number `attempt`: doubling from the base up to an hour, the upper half random. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  const delay = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(attempt - 1, 30));
  return delay / 2 + Math.random() * (delay / 2);
}

/** How often a worker reads the delivery backlog into its gauges. */
const GAUGE_INTERVAL_MS = 5_000;
/** How long one pass sends before it hands on to the back of the queue, so other work takes its turn. */
const PASS_MS = 5_000;
/** How long a process leaves alone an endpoint whose signing secrets its key could not open (and logs it once). */
const UNSIGNABLE_SKIP_MS = 60_000;

/** Endpoints each with a window of UNSIGNABLE_SKIP_MS open on it; a window closed is forgotten. */
class EndpointWindows {
  private readonly until = new Map<string, number>();

  /** Opens a window on `endpointId` unless one is open; true when this opened it. */
  open(endpointId: string): boolean {
    if (this.openOn().includes(endpointId)) return false;
    this.until.set(endpointId, Date.now() + UNSIGNABLE_SKIP_MS);
    return true;
  }

  /** The endpoints with a window open now. */
  openOn(): string[] {
    const now = Date.now();
    for (const [endpointId, until] of this.until) if (until <= now) this.until.delete(endpointId);
    return [...this.until.keys()];
  }
}

/**
 * Sends webhook deliveries, as the `webhooks` kind of the worker's queue jobs. The deliveries table
 * holds what is owed: due rows are claimed with a token and a lease, POSTed with no transaction
 * open, and their outcomes written set-based under their tokens. A job is one pass: it sends what
 * is due, refilling its slots, for up to PASS_MS, then hands on while anything is due or in flight,
 * and ends when nothing is. Passes are started by a request that makes a delivery due (a retry
 * now), and by each worker's watch, which looks every poll interval for due deliveries (events
 * recorded by any transaction, retries whose backoff is over, leases of dead workers run out). So a
 * worker killed mid-delivery leaves a lease that runs out, and the delivery is sent again with the
 * same event id (at least once), whether or not its job survived.
 */
export class WebhookDeliverer {
  private running = false;
  /** The pass this process runs, if any: one at a time. */
  private passing: Promise<unknown> | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private gaugesAt = 0;
  /** Requests being sent: the slots of WEBHOOK_CONCURRENCY. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Outcomes being written: a sent request's slot is free while its outcome joins the next group write. */
  private readonly recording = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private readonly writer: Batcher<DeliveryResult, WrittenDelivery>;
  private readonly leaseMs: number;
  /** The watch's failures, reported once per outage. */
  private readonly watchOutage: OutageLog;
  /** Endpoints whose secrets this process's key could not open: it leaves them to other workers while their window is open. */
  private readonly unsignable = new EndpointWindows();
  /** Endpoints signed for with only some of their secrets: not logged again while their window is open. */
  private readonly partlySigned = new EndpointWindows();

  constructor(
    private readonly pool: pg.Pool,
    private readonly box: SecretBox,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: DelivererOptions,
    /** Queues a pass (a `webhooks` job); `watch` when this worker's watch found deliveries due. */
    private readonly dispatch: (tag: 'watch') => Promise<void> = async () => {},
  ) {
    // Covers the DNS lookup and the request (each bounded by the timeout) and writing the outcome.
    this.leaseMs = options.timeoutMs * 2 + 2_000;
    this.watchOutage = new OutageLog(logger);
    this.writer = new Batcher(async (results) => {
      const written = await writeDeliveryResults(this.pool, results, this.options.retryHours);
      const bySeq = new Map(written.map((w) => [w.seq, w]));
      return new Map(results.flatMap((r) => (bySeq.has(r.seq) ? [[r, bySeq.get(r.seq) as WrittenDelivery]] : [])));
    });
  }

  /** Takes part: passes may run here, and the watch looks for due deliveries every poll interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleWatch(0);
  }

  /** Stops the watch and passes, and waits for the deliveries in flight to finish and be written. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.watchTimer);
    this.watchTimer = undefined;
    this.nudge();
    await this.passing;
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled([...this.recording]);
  }

  /** Reads the delivery backlog into the metrics. */
  async refreshGauges(): Promise<void> {
    const counts = await countPendingDeliveries(this.pool);
    for (const [state, value] of Object.entries(counts)) this.metrics.webhookBacklog.set({ state }, value);
  }

  /** Looks for due deliveries now instead of at the next poll, if a pass runs here. */
  nudge(): void {
    this.wake?.();
  }

  /**
   * One pass, the handler of a `webhooks` job: `more` when it stopped with deliveries due or in
   * flight (its chain goes on), `idle` when there was nothing to send, or a pass already runs here.
   */
  async pass(): Promise<'more' | 'idle'> {
    if (!this.running || this.passing) return 'idle';
    const pass = this.sendWhatIsDue();
    this.passing = pass;
    try {
      return await pass;
    } finally {
      this.passing = undefined;
    }
  }

  private async sendWhatIsDue(): Promise<'more' | 'idle'> {
    const deadline = Date.now() + PASS_MS;
    while (this.running && Date.now() < deadline) {
      const free = this.options.concurrency - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const deliveries = await this.claim(free);
          claimed = deliveries.length;
          for (const delivery of deliveries) this.track(this.deliver(delivery));
        } catch (error) {
          this.logger.warn({ err: error }, 'claiming webhook deliveries failed; the watch starts a pass again');
          return 'idle';
        }
      }
      // More may be due at once when every free slot was filled.
      if (claimed > 0 && claimed === free) continue;
      if (claimed === 0 && this.inFlight.size === 0) return 'idle';
      // Otherwise wait for a slot, a nudge or the poll.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return 'more';
  }

  /** The watch: keeps the backlog gauges (no scrape of /metrics queries), and starts a pass when deliveries are due and none runs here. */
  private scheduleWatch(delayMs: number): void {
    this.watchTimer = setTimeout(() => {
      void this.watch().finally(() => {
        if (this.running) this.scheduleWatch(this.options.pollIntervalMs);
      });
    }, delayMs);
  }

  private async watch(): Promise<void> {
    try {
      if (Date.now() - this.gaugesAt >= GAUGE_INTERVAL_MS) {
        this.gaugesAt = Date.now();
        await this.refreshGauges();
      }
      if (this.running && !this.passing && (await hasDueDeliveries(this.pool, this.unsignable.openOn()))) await this.dispatch('watch');
      this.watchOutage.succeeded();
    } catch (error) {
      this.watchOutage.failed(error, 'looking for due webhook deliveries failed; looking again at the next poll');
    }
  }

  private track(task: Promise<void>): void {
    const tracked = task.finally(() => {
      this.inFlight.delete(tracked);
      // Slots are refilled once half are free, so claims stay a few large statements, not one per delivery.
      if (this.inFlight.size <= this.options.concurrency / 2) this.nudge();
    });
    this.inFlight.add(tracked);
  }

  /** Hands an outcome to the group writer and logs it once written; the promise settles then and never rejects. */
  private record(result: DeliveryResult, log: Record<string, unknown>): Promise<void> {
    return this.whileRecording(
      this.writer
        .add(result)
        .then((written) => this.logAttempt(result, written, log))
        .catch((error: unknown) => this.logger.warn({ ...log, err: error }, 'webhook attempt could not be recorded; its lease will run out and it is sent again')),
    );
  }

  /** An outcome being written, which stop() waits for. */
  private whileRecording(writing: Promise<void>): Promise<void> {
    const recorded = writing.finally(() => this.recording.delete(recorded));
    this.recording.add(recorded);
    return recorded;
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    return withTransaction(this.pool, async (client) => {
      const endpoints = await lockDueEndpoints(client, ENDPOINTS_PER_CLAIM, this.unsignable.openOn());
      if (endpoints.length === 0) return [];
      return claimDeliveries(client, endpoints, this.options.endpointConcurrency, limit, this.leaseMs, randomUUID());
    });
  }

  /**
   * One attempt in a `webhook.deliver` span (the HTTP client span of the POST beneath it), which
   * ends once the outcome is written and logged, so the attempt's log line carries its trace_id.
   * The span continues the trace that recorded the event (a batch's POST, through the job that
   * finished it) and links to the delivery pass that sent it.
   * Resolves when the request is done: the slot is free while the outcome is being written.
   */
  private deliver(delivery: ClaimedDelivery): Promise<void> {
    const attributes = {
      'lucro.event_id': delivery.eventId,
      'lucro.event_type': delivery.eventType,
      'lucro.delivery_id': delivery.deliveryId,
      'lucro.webhook_endpoint_id': delivery.endpointId,
      'lucro.attempt': delivery.attempts,
    };
    const pass = activeSpanContext();
    const options = { kind: SpanKind.CLIENT, attributes, parent: contextFromTraceParent(delivery.traceParent), links: pass ? [{ context: pass }] : [] };
    const [sent] = inGroupSpan<void>('webhook.deliver', options, () => {
      const attempt = this.attempt(delivery);
      const settle = attempt.then((done) => ('unsigned' in done ? this.whileRecording(this.giveBack(delivery, done.unsigned)) : this.record(done.result, done.log)));
      return [attempt.then(() => undefined), settle];
    });
    return sent as Promise<void>;
  }

  /**
   * Signs with every active secret this process can open and POSTs; never rejects (a failure is an
   * outcome like a status code). When it can open none, nothing is sent: the delivery is `unsigned`.
   */
  private async attempt(delivery: ClaimedDelivery): Promise<{ result: DeliveryResult; log: Record<string, unknown> } | { unsigned: string }> {
    const body = JSON.stringify({ id: delivery.eventId, type: delivery.eventType, created_at: delivery.eventCreatedAt, data: delivery.data });
    const opened = await Promise.allSettled(delivery.secrets.map((sealed) => this.box.open(sealed, delivery.endpointId)));
    const secrets = opened.flatMap((secret) => (secret.status === 'fulfilled' ? [secret.value] : []));
    const refused = opened.find((secret) => secret.status === 'rejected');
    if (refused) {
      this.metrics.webhookSecretsUnopenable.inc();
      if (secrets.length === 0) return { unsigned: (refused.reason as Error).message };
      if (this.partlySigned.open(delivery.endpointId)) {
        this.logger.warn(
          { delivery_id: delivery.deliveryId, endpoint_id: delivery.endpointId, opened: secrets.length, of: delivery.secrets.length, reason: (refused.reason as Error).message },
          "this process's WEBHOOK_SECRET_KEY cannot open some of the endpoint's signing secrets: it signs with the others only, so a receiver checking with those it cannot open refuses the delivery. Give every api and worker process the same WEBHOOK_SECRET_KEY",
        );
      }
    }
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Lucro-Webhooks/1.0',
      'lucro-event-id': delivery.eventId,
      'lucro-signature': signatureHeader(body, secrets, Math.floor(Date.now() / 1000)),
    };
    const outcome = await postWebhook(delivery.url, body, headers, {
      timeoutMs: this.options.timeoutMs,
      allowPrivate: this.options.allowPrivateUrls,
      resolve: this.options.resolve,
    });
    const delivered = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
    annotateActiveSpan(outcome.status === undefined ? {} : { 'http.response.status_code': outcome.status }, delivered ? undefined : outcome.error);
    const result: DeliveryResult = {
      seq: delivery.seq,
      claimToken: delivery.claimToken,
      delivered,
      responseStatus: outcome.status ?? null,
      error: outcome.error?.slice(0, 1_000) ?? null,
      backoffMs: retryDelayMs(delivery.attempts, this.options.retryBaseMs),
    };
    this.metrics.webhookDeliveryDuration.observe(outcome.durationMs / 1000);
    const log = {
      delivery_id: delivery.deliveryId,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      endpoint_id: delivery.endpointId,
      attempt: delivery.attempts,
      status_code: outcome.status ?? null,
      duration_ms: outcome.durationMs,
      error: outcome.error ?? null,
    };
    return { result, log };
  }

  /**
   * A delivery this process cannot sign (its WEBHOOK_SECRET_KEY is not the one that sealed the
   * endpoint's secrets) goes back unsent and uncounted, for a worker whose key opens them, until no
   * worker has signed it for a whole retry window (then it is `failed`); this process leaves the
   * endpoint alone for a while. Settles once written; never rejects.
   */
  private async giveBack(delivery: ClaimedDelivery, reason: string): Promise<void> {
    const firstTime = this.unsignable.open(delivery.endpointId);
    const log = { delivery_id: delivery.deliveryId, event_id: delivery.eventId, endpoint_id: delivery.endpointId, reason };
    try {
      // Its last_error, what the integration reads in its delivery log, says it could not be signed: the key is the operator's business.
      const [written] = await giveBackDeliveries(this.pool, [{ seq: delivery.seq, claimToken: delivery.claimToken }], this.options.retryHours);
      if (!written) return;
      this.metrics.webhookDeliveries.inc({ outcome: written.status === 'failed' ? 'failed' : 'unsigned' });
      if (written.status === 'failed') this.logger.warn({ ...log, outcome: 'failed' }, 'webhook attempt failed; giving up: no worker could sign it for WEBHOOK_RETRY_HOURS');
      if (firstTime) {
        this.logger.error(
          log,
          "this process's WEBHOOK_SECRET_KEY cannot open the endpoint's signing secrets (they were sealed with another key): it gave the delivery back unsent, for a worker whose key can. Give every api and worker process the same WEBHOOK_SECRET_KEY",
        );
      }
    } catch (err) {
      this.logger.warn({ ...log, err }, 'an unsigned webhook delivery could not be given back; its lease will run out and it is due again');
    }
  }

  private logAttempt(result: DeliveryResult, written: WrittenDelivery | undefined, log: Record<string, unknown>): void {
    if (!written) {
      this.logger.warn(log, 'webhook attempt not recorded: its claim was lost (lease expired or the delivery was rescheduled)');
      return;
    }
    const outcome = written.status === 'pending' ? 'retried' : written.status;
    this.metrics.webhookDeliveries.inc({ outcome });
    if (result.delivered) this.logger.info({ ...log, outcome }, 'webhook attempt delivered');
    else {
      const message = written.status === 'failed' ? 'webhook attempt failed; giving up' : 'webhook attempt failed; will retry';
      this.logger.warn({ ...log, outcome, next_attempt_at: written.nextAttemptAt?.toISOString() ?? null }, message);
    }
  }
}
