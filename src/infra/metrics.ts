import type { FastifyInstance } from 'fastify';
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
    help: 'Unfinished transactions by status (pending, processing), read from the database at scrape time',
    labelNames: ['status'] as const,
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
  readonly leaseReclaims = new Counter({
    name: 'lucro_lease_reclaims_total',
    help: 'Transactions whose processing lease expired and were taken back by the scheduler',
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'lucro_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retried (will be sent again) or failed (retries exhausted)',
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
    help: 'Webhook deliveries not yet delivered or failed (pending), those due now (due) and those whose last attempt failed (retrying), read from the database at scrape time',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lucro_' });
  }

  /** Records every HTTP request's duration under its route pattern (never the raw URL, which holds ids). */
  instrumentHttp(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }
}
