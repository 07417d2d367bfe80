import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every Prometheus metric the service exposes; one instance per process, shared by its roles. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'lucro_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly transactionsIngested = new Counter({
    name: 'lucro_transactions_ingested_total',
    help: 'Transactions stored by ingestion (duplicates excluded)',
    registers: [this.registry],
  });
  readonly duplicatesSkipped = new Counter({
    name: 'lucro_transaction_duplicates_total',
    help: 'Transactions skipped because the account already held them with the same content',
    registers: [this.registry],
  });
  readonly batchesIngested = new Counter({ name: 'lucro_batches_ingested_total', help: 'Batches accepted', registers: [this.registry] });
  readonly transactionsByStatus = new Gauge({
    name: 'lucro_transactions',
    help: 'Unfinished transactions by status (pending, processing), read from the database by each scheduler sweep',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly oldestPendingAge = new Gauge({
    name: 'lucro_oldest_pending_age_seconds',
    help: 'Age of the oldest pending transaction (since its batch was created), read by each scheduler sweep',
    registers: [this.registry],
  });
  readonly lastSweep = new Gauge({
    name: 'lucro_scheduler_last_sweep_timestamp_seconds',
    help: 'When this process last finished a scheduler sweep (Unix seconds), which keeps the backlog gauges; 0 in a process that runs none',
    registers: [this.registry],
  });
  readonly enrichmentsFinished = new Counter({
    name: 'lucro_enrichments_total',
    help: 'Enrichment outcomes committed by this process: completed, retried (back to pending) or failed',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly enrichmentDuration = new Histogram({
    name: 'lucro_enrichment_duration_seconds',
    help: 'Time the categorizer took for one transaction',
    buckets: [0.0005, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5],
    registers: [this.registry],
  });
  readonly claimLatency = new Histogram({
    name: 'lucro_claim_duration_seconds',
    help: 'Time one claim of pending transactions took in the database',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'lucro_queue_depth',
    help: 'Enrichment jobs waiting or running in the queue',
    registers: [this.registry],
  });
  readonly categorizationConfidence = new Histogram({
    name: 'lucro_categorization_confidence',
    help: 'Confidence of each categorization committed, by categorizer (the prefix of category_source: rules, learned, …)',
    labelNames: ['categorizer'] as const,
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
    registers: [this.registry],
  });
  readonly queueOldestJobAge = new Gauge({
    name: 'lucro_queue_oldest_job_age_seconds',
    help: 'How long the oldest waiting enrichment job has waited, read from the queue at scrape time',
    registers: [this.registry],
  });
  readonly ready = new Gauge({
    name: 'lucro_ready',
    help: '1 when the process is ready (database migrated and reachable, queue reachable), checked at each scrape and each /readyz, else 0',
    registers: [this.registry],
  });
  readonly dependencyUp = new Gauge({
    name: 'lucro_dependency_up',
    help: 'Whether a dependency (database, queue) answered the last readiness check (each scrape and each /readyz): 1 or 0',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
  });
  private pool: pg.Pool | undefined;
  readonly dbPoolConnections = new Gauge({
    name: 'lucro_db_pool_connections',
    help: 'PostgreSQL pool connections by state: total (open), idle, waiting (clients queued for one)',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      if (!this.pool) return;
      this.dbPoolConnections.set({ state: 'total' }, this.pool.totalCount);
      this.dbPoolConnections.set({ state: 'idle' }, this.pool.idleCount);
      this.dbPoolConnections.set({ state: 'waiting' }, this.pool.waitingCount);
    },
  });
  readonly dbPoolMax = new Gauge({
    name: 'lucro_db_pool_max',
    help: 'Connections the PostgreSQL pool may open at most',
    registers: [this.registry],
    collect: () => {
      if (this.pool) this.dbPoolMax.set(this.pool.options.max ?? 10);
    },
  });
  readonly leaseReclaims = new Counter({
    name: 'lucro_lease_reclaims_total',
    help: 'Transactions whose processing lease expired and were taken back by the scheduler or a worker',
    registers: [this.registry],
  });
  readonly webhookSecretsUnopenable = new Counter({
    name: 'lucro_webhook_secrets_unopenable_total',
    help: "Deliveries for which this process's WEBHOOK_SECRET_KEY could not open one or more of the endpoint's signing secrets (sent signed with the others, or given back unsent when it could open none)",
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'lucro_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retried (will be sent again), failed (retries exhausted) or unsigned (not sent: this process\'s WEBHOOK_SECRET_KEY could not open the endpoint\'s secrets; not counted as an attempt)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveryDuration = new Histogram({
    name: 'lucro_webhook_delivery_duration_seconds',
    help: 'Time one webhook attempt took, from resolving the host to the answer',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly webhookBacklog = new Gauge({
    name: 'lucro_webhook_deliveries_pending',
    help: 'Webhook deliveries not yet delivered or failed (pending), those due now (due) and those whose last attempt failed (retrying), read from the database every 5 s by each process that delivers',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lucro_' });
    // Every outcome is exposed from the start at 0: a series that appears only with its first
    // failure has no earlier sample, so increase() over it reads 0 and the alert on it never fires.
    for (const outcome of ['completed', 'retried', 'failed']) this.enrichmentsFinished.inc({ outcome }, 0);
    for (const outcome of ['delivered', 'retried', 'failed', 'unsigned']) this.webhookDeliveries.inc({ outcome }, 0);
  }

  /** Reports the connection pool's use at each scrape (see the pool gauges); call once with the process's pool. */
  observePool(pool: pg.Pool): void {
    this.pool = pool;
  }

  /** Records every HTTP request's duration under its route pattern (never the raw URL, which holds ids). */
  instrumentHttp(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }
}
