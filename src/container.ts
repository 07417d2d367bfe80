import type pg from 'pg';
import { AuthService } from './auth/auth.service.js';
import type { Config } from './config.js';
import type { Categorizer } from './enrichment/categorizers/categorizer.js';
import { createCategorizer } from './enrichment/categorizers/registry.js';
import { JobDispatcher } from './enrichment/dispatcher.js';
import { EnrichClaimedRows } from './enrichment/enrich-claimed-rows.js';
import { registerJobHandlers } from './enrichment/job-handlers.js';
import { SliceService } from './enrichment/slice.service.js';
import { WorkerLoop } from './enrichment/worker-loop.js';
import { MaintenanceService } from './enrichment/maintenance.service.js';
import { createPool } from './infra/db.js';
import { AccountWriteTurns } from './infra/account-write-turns.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './infra/embedded-postgres.js';
import { createLogger, redactUrl, type LogDestination, type Logger } from './infra/logger.js';
import { Metrics } from './infra/metrics.js';
import { BullMqQueue } from './infra/bullmq-queue.js';
import { InProcessQueue, NoConsumerQueue } from './infra/in-process-queue.js';
import type { JobQueue } from './infra/queue.js';
import { BatchService } from './ingestion/batch.service.js';
import { IngestionService } from './ingestion/ingestion.service.js';
import { ReportService } from './reports/report.service.js';
import { ChangeService } from './changes/change.service.js';
import { CursorKeys } from './changes/cursor-keys.js';
import { CorrectionService } from './corrections/correction.service.js';
import { LearnedCategorizer } from './enrichment/learning/learned.categorizer.js';
import { LearnedStateStore } from './enrichment/learning/learned-state.store.js';
import { ReenrichmentService } from './reenrichment/reenrichment.service.js';
import { TransactionService } from './transactions/transaction.service.js';
import { keyFromConfigOrFile, SecretBox } from './webhooks/secret-box.js';
import { ChangeNotifier } from './webhooks/change-notifier.js';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.js';
import { WebhookService } from './webhooks/webhook.service.js';

/** Everything a role needs, built once from configuration. Every entry point starts here. */
export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly pool: pg.Pool;
  /** The database in use (embedded or from DATABASE_URL), for tools that need their own connection. */
  readonly databaseUrl: string;
  readonly queue: JobQueue;
  readonly metrics: Metrics;
  readonly categorizer: Categorizer;
  readonly auth: AuthService;
  readonly ingestion: IngestionService;
  readonly batches: BatchService;
  readonly reports: ReportService;
  readonly transactions: TransactionService;
  readonly corrections: CorrectionService;
  readonly reenrichments: ReenrichmentService;
  readonly changes: ChangeService;
  /** Puts work on the queue; the only maker of job ids. */
  readonly dispatcher: JobDispatcher;
  /** Consumes the queue: each job by its kind's handler. The worker role starts it. */
  readonly worker: WorkerLoop;
  /** Enriches claimed rows (the use case the enrichment jobs run). */
  readonly enrichment: EnrichClaimedRows;
  readonly maintenance: MaintenanceService;
  readonly webhooks: WebhookService;
  /** Sends webhook deliveries; the worker role starts it. */
  readonly webhookDeliverer: WebhookDeliverer;
  /** Records coalesced `transactions.changed` events; the worker role starts it. */
  readonly changeNotifier: ChangeNotifier;
  /** Which database is in use, for operators: `embedded` or `external`. */
  readonly databaseMode: 'embedded' | 'external';
  close(): Promise<void>;
}

export interface ContainerOverrides {
  logger?: Logger;
  categorizer?: Categorizer;
  /** Role name for logs and the database's application_name. */
  role?: string;
  /** Where logs go (stdout unless told); commands whose stdout is their output send them to stderr. */
  logTo?: LogDestination;
}

export async function createContainer(config: Config, overrides: ContainerOverrides = {}): Promise<Container> {
  const role = overrides.role ?? 'lucro';
  const logger = overrides.logger ?? createLogger(config.logLevel, role, config.logFormat, overrides.logTo);
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, logger: logger.child({ component: 'embedded-postgres' }) });
    databaseUrl = embedded.databaseUrl;
    logger.info({ dataDir: config.dataDir, owned: embedded.owned }, 'using the embedded PostgreSQL (set DATABASE_URL to use your own server)');
  } else {
    logger.info({ database: redactUrl(databaseUrl) }, 'using PostgreSQL from DATABASE_URL');
  }

  const pool = createPool(databaseUrl, { applicationName: `lucro-${role}`, max: config.databasePoolMax, queryTimeoutMs: config.databaseQueryTimeoutMs });
  const metrics = new Metrics();
  metrics.observePool(pool);
  const queue: JobQueue =
    config.redisUrl !== undefined
      ? new BullMqQueue(config.redisUrl, config.queuePrefix, logger.child({ component: 'queue' }), config.redisSocketTimeoutMs)
      : role === 'api'
        ? new NoConsumerQueue()
        : new InProcessQueue(logger);
  const learnedState = new LearnedStateStore(pool, logger.child({ component: 'learning' }));
  // Every categorizer answers behind the integration's own corrections (contract §11).
  const learning = (inner: Categorizer): Categorizer => new LearnedCategorizer(inner, learnedState);
  const categorizer = overrides.categorizer ? learning(overrides.categorizer) : createCategorizer(config.categorizer, config.enrichmentLatencyMs, config.llm, learning);
  const dispatcher = new JobDispatcher(queue);
  const reenrichments = new ReenrichmentService(pool, dispatcher, logger.child({ component: 'reenrichment' }));
  const webhookLogger = logger.child({ component: 'webhooks' });
  const secretBox = new SecretBox(() => keyFromConfigOrFile(config.webhooks.secretKey, config.dataDir, webhookLogger));
  const webhookDeliverer = new WebhookDeliverer(pool, secretBox, metrics, webhookLogger, config.webhooks, (tag) => dispatcher.webhooksDue(tag));
  // Each integration's key for the feed's and the delivery log's cursors, read once per process.
  const cursorKeys = new CursorKeys(pool);
  const webhooks = new WebhookService(pool, secretBox, {
    allowPrivateUrls: config.webhooks.allowPrivateUrls,
    secretOverlapSeconds: config.webhooks.secretOverlapSeconds,
    onDue: () => {
      webhookDeliverer.nudge();
      // A worker takes the pass at once; were the queue unreachable, its watch finds the delivery due.
      dispatcher.webhooksDue('due').catch((error: unknown) => webhookLogger.warn({ err: error }, 'could not queue a webhook pass'));
    },
  }, cursorKeys);
  const workerLogger = logger.child({ component: 'worker' });
  const enrichment = new EnrichClaimedRows(pool, categorizer, metrics, workerLogger, {
    concurrency: config.workerConcurrency,
    leaseMs: config.processingLeaseMs,
    maxAttempts: config.maxAttempts,
  });
  // More jobs than lanes of one batch, so a small batch's job starts while a big batch is worked.
  const worker = registerJobHandlers(new WorkerLoop(queue, dispatcher.maxLanes * 2, [enrichment]), {
    slices: new SliceService(pool, enrichment, (id) => reenrichments.finish(id)),
    dispatcher,
    webhooks: webhookDeliverer,
    logger: workerLogger,
  });
  const changes = new ChangeService(pool, cursorKeys);
  const maintenance = new MaintenanceService(
    pool,
    dispatcher,
    metrics,
    logger.child({ component: 'scheduler' }),
    {
      maxAttempts: config.maxAttempts,
      redispatchAfterMs: config.redispatchAfterMs,
      intervalMs: config.schedulerIntervalMs,
      changeRetentionDays: config.changeRetentionDays,
      webhookRetentionDays: config.webhooks.retentionDays,
    },
    changes,
    reenrichments,
  );
  // One turn at a time per account in this process, for every service that writes to accounts.
  const accountTurns = AccountWriteTurns.forQueryTimeout(config.databaseQueryTimeoutMs);
  const ingestion = new IngestionService(
    pool,
    dispatcher,
    logger.child({ component: 'ingestion' }),
    config.maxBatchSize,
    (accepted) => {
      metrics.batchesIngested.inc();
      metrics.transactionsIngested.inc(accepted.accepted);
      metrics.duplicatesSkipped.inc(accepted.duplicates);
    },
    accountTurns,
  );

  const changeNotifier = new ChangeNotifier(pool, changes, logger.child({ component: 'webhooks' }));

  return {
    config,
    logger,
    pool,
    databaseUrl,
    queue,
    metrics,
    categorizer,
    auth: new AuthService(pool),
    ingestion,
    batches: new BatchService(pool),
    reports: new ReportService(pool),
    transactions: new TransactionService(pool),
    corrections: new CorrectionService(pool, dispatcher, logger.child({ component: 'corrections' }), accountTurns),
    reenrichments,
    changes,
    dispatcher,
    worker,
    enrichment,
    maintenance,
    webhooks,
    webhookDeliverer,
    changeNotifier,
    databaseMode: embedded ? 'embedded' : 'external',
    async close() {
      await changeNotifier.stop();
      await webhookDeliverer.stop().catch((error: unknown) => logger.warn({ err: error }, 'stopping webhook deliveries failed'));
      await queue.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the queue failed'));
      await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
}
