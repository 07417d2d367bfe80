import { isIPv6 } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createContainer, type Container } from '../container.js';
import { rederiveLessonsStep } from '../corrections/lessons.js';
import { StartupError } from '../domain/errors.js';
import { buildApp } from '../http/app.js';
import { registerErrorHandling } from '../http/error-handler.js';
import { operationsPlugin } from '../http/routes/operations.routes.js';
import { isConnectionError, isRefusedLogin } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import { migrate } from '../infra/migrate.js';
import { Heartbeat, sweepsAsRole } from '../operations/heartbeat.js';
import { withTimeout } from '../infra/timeout.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { warnOfPlaceholderKey } from '../webhooks/secret-box.js';

export type Role = 'start' | 'api' | 'worker' | 'scheduler';

/** Giving back held rows when the deadline has come may take at most this. */
const RELEASE_ON_EXIT_MS = 2_000;
/** How often a process started through npm checks that its parent is still there. */
const PARENT_CHECK_MS = 1_000;
/** Waits between tries of migrations while the database cannot be reached, growing to the last. */
const MIGRATE_RETRY_MS = [1_000, 2_000, 5_000, 10_000];

/** Each one drains the process; SIGHUP is a terminal or SSH session closing on `npm start`. */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Runs one role, or all of them in one process for `start`. On SIGTERM, SIGINT or SIGHUP it drains
 * in order — the API stops accepting and finishes its requests, the scheduler stops, the worker
 * stops claiming and finishes what it holds — and resolves with the exit code. Whatever still hangs
 * at SHUTDOWN_DEADLINE_MS (a categorizer call, a socket left open) does not keep the process: the
 * worker gives back the rows it holds and the process exits.
 *
 * Signals are heard from the first moment. One that comes while the process starts (the embedded
 * PostgreSQL starting, migrations) ends the start-up after its current step, which stops what it
 * started: killed there by the default action, the process would leave its PostgreSQL running.
 */
export async function runRoles(config: Config, role: Role): Promise<number> {
  const startup = new AbortController();
  let onSignal = (signal: string) => startup.abort(signal);
  for (const name of STOP_SIGNALS) process.on(name, () => onSignal(name));
  // A step that hangs (a start lock another process holds) is not waited for past the drain's own deadline.
  startup.signal.addEventListener('abort', () => setTimeout(() => process.exit(1), config.shutdownDeadlineMs).unref(), { once: true });
  const container = await createContainer(config, { role });
  const { logger } = container;
  // A failure nobody awaited is logged, never fatal: the process stays up and recovers (contract §9).
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  // The order in which a drain stops things: first what takes work in, last what reports on it.
  const stops: { api?: () => Promise<void>; scheduler?: () => Promise<void>; worker?: () => Promise<void>; metrics?: () => Promise<void>; heartbeat?: () => Promise<void> } = {};
  const inStopOrder = () => [stops.api, stops.scheduler, stops.worker, stops.metrics, stops.heartbeat];

  // One role without Redis has no queue shared with the others: its work is found only by sweeps of the database.
  if (role !== 'start' && role !== 'scheduler' && container.queue.kind === 'in-process') {
    logger.warn(
      { redispatchAfterMs: config.redispatchAfterMs },
      `REDIS_URL is not set: this ${role} shares no queue with other processes, so new batches wait up to REDISPATCH_AFTER_MS for a worker's sweep. Set REDIS_URL to run roles apart, or run lucro start for one process.`,
    );
  }
  if (role !== 'scheduler') warnOfPlaceholderKey(config.webhooks.secretKey, logger);
  const stoppedStarting = async (): Promise<number> => {
    logger.info({ signal: startup.signal.reason }, 'stopped while starting');
    for (const stop of inStopOrder()) await stop?.().catch(() => {});
    await container.close();
    return 0;
  };
  if (startup.signal.aborted) return stoppedStarting();
  try {
    if (role === 'start') {
      const applied = await migrateWhenReachable(container, logger, startup.signal);
      if (applied === undefined) return await stoppedStarting();
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    if (role === 'start' || role === 'api') {
      const app = await buildApp(container);
      const url = await listen(app, config.host, config.port, 'PORT');
      logger.info({ url, database: container.databaseMode, queue: container.queue.kind }, `API listening on ${url} (docs at /docs)`);
      stops.api = () => app.close();
    }
    if (role === 'start' || role === 'worker') {
      container.worker.start();
      container.webhookDeliverer.start();
      container.changeNotifier.start();
      logger.info({ concurrency: config.workerConcurrency, queue: container.queue.kind, categorizer: container.categorizer.name }, 'worker started');
      stops.worker = async () => {
        await Promise.all([container.changeNotifier.stop(), container.webhookDeliverer.stop()]);
        await container.worker.stop();
        // Rows of jobs the queue could not wait for (Redis gone) are given back, not left to their leases.
        const released = await container.enrichment.releaseHeld();
        if (released > 0) logger.info({ released }, 'gave back held rows');
      };
    }
    const sweeps = sweepsAsRole(role, container.queue.kind === 'in-process');
    if (sweeps) {
      const scheduler = new Scheduler(() => container.maintenance.sweep(), logger.child({ component: 'scheduler' }), config.schedulerIntervalMs);
      scheduler.start();
      logger.info({ intervalMs: config.schedulerIntervalMs }, 'scheduler started');
      // Only where this process consumes its own queue: a scheduler without Redis has no worker.
      if (container.queue.kind === 'in-process' && role !== 'scheduler') {
        container.maintenance.dispatchAllWaiting().then(
          (batches) => batches > 0 && logger.info({ batches }, 'dispatched the batches left waiting'),
          (error: unknown) => logger.warn({ err: error }, 'could not dispatch the batches left waiting; the sweep will'),
        );
      }
      stops.scheduler = () => scheduler.stop();
    } else if (role === 'worker') {
      // Any worker takes back a dead worker's rows when their lease runs out (§9), scheduler or not.
      const reclaimer = new Scheduler(() => container.maintenance.reclaimLeases(), logger.child({ component: 'lease-reclaim' }), config.schedulerIntervalMs);
      reclaimer.start();
      stops.scheduler = () => reclaimer.stop();
    }
    if ((role === 'worker' || role === 'scheduler') && config.metricsPort !== undefined) {
      const server = await metricsServer(container);
      const url = await listen(server, config.host, config.metricsPort, 'METRICS_PORT');
      logger.info({ url }, `serving /metrics, /healthz and /readyz on ${url}`);
      stops.metrics = () => server.close();
    }
    // So that `lucro status` sees which processes (above all, which workers) are alive.
    const enriches = role === 'start' || role === 'worker';
    const heartbeat = new Heartbeat(container.pool, logger.child({ component: 'heartbeat' }), role, enriches ? config.workerConcurrency : null, sweeps);
    heartbeat.start();
    stops.heartbeat = () => heartbeat.stop();
  } catch (error) {
    // A role that could not start (a port in use) stops what already runs, or its timers would keep
    // the process alive doing nothing.
    for (const stop of inStopOrder()) await stop?.().catch(() => {});
    await container.close();
    throw error;
  }
  if (startup.signal.aborted) return stoppedStarting();

  return new Promise((resolve) => {
    let stopping = false;
    let drained = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining');
      // Unref'd timers end the process only if something still keeps it alive by then.
      setTimeout(() => (drained ? process.exit(0) : void exitNow()), config.shutdownDeadlineMs).unref();
      void (async () => {
        for (const stop of inStopOrder()) {
          await stop?.().catch((error: unknown) => logger.warn({ err: error }, 'stop failed'));
        }
        await container.close();
        drained = true;
        logger.info('stopped');
        resolve(0);
        // Drained: a socket someone left open is no reason to stay.
        setTimeout(() => process.exit(0), 1_000).unref();
      })();
    };
    const exitNow = async () => {
      logger.error({ deadlineMs: config.shutdownDeadlineMs }, 'drain took too long; giving back held rows and exiting');
      const [released] = await Promise.all([
        withTimeout(container.enrichment.releaseHeld(), RELEASE_ON_EXIT_MS, 'giving back held rows').catch((error: unknown) => {
          logger.warn({ err: error }, 'could not give back held rows; their leases will free them');
          return 0;
        }),
        // The drain never reached the heartbeat: without this, `lucro status` counts the process alive for half a minute.
        stops.heartbeat && withTimeout(stops.heartbeat(), RELEASE_ON_EXIT_MS, 'marking the process stopped').catch(() => {}),
      ]);
      if (released > 0) logger.info({ released }, 'gave back held rows');
      process.exit(1);
    };
    // Every signal is handled, not the first one only: Ctrl-C in a terminal reaches this process and
    // npm, which passes it on, so a second SIGINT comes moments later and would kill the drain.
    onSignal = shutdown;
    // Started through npm (`npx lucro start`), the parent is the shell npm runs the command in; that
    // shell dies of the SIGTERM npm passes on and does not pass it further. A process whose parent
    // is gone drains as if it had been signalled, rather than serve on as an orphan.
    if (config.startedByNpm) {
      const parent = process.ppid;
      setInterval(() => process.ppid !== parent && shutdown('parent exited'), PARENT_CHECK_MS).unref();
    }
  });
}

/**
 * `start` migrates before it serves. While the database cannot be reached it waits and tries again
 * rather than exit (contract §9: no process exits; each recovers when the database returns).
 * Resolves undefined when a signal (`stopped`) ends the wait.
 */
async function migrateWhenReachable(container: Container, logger: Logger, stopped: AbortSignal): Promise<string[] | undefined> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const applied = await migrate(container.pool, logger, { afterMigrations: rederiveLessonsStep });
      // A signal that came while migrating is not lost: the drain's own handlers are not set yet.
      return stopped.aborted ? undefined : applied;
    } catch (error) {
      // A database or role PostgreSQL does not know is no outage to wait out: DATABASE_URL is wrong.
      if (!isConnectionError(error) || isRefusedLogin(error)) throw error;
      if (stopped.aborted) return undefined;
      const waitMs = MIGRATE_RETRY_MS[Math.min(attempt, MIGRATE_RETRY_MS.length - 1)] as number;
      logger.warn({ err: error, retryInMs: waitMs }, 'the database is unreachable; migrating when it returns');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        stopped.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (stopped.aborted) return undefined;
    }
  }
}

/**
 * Listens on host:port, or says in one line why it cannot and which setting to change. Returns the
 * URL it listens on, with the port the system chose for port 0.
 */
async function listen(server: FastifyInstance, host: string, port: number, portSetting: 'PORT' | 'METRICS_PORT'): Promise<string> {
  try {
    await server.listen({ host, port });
  } catch (error) {
    throw new StartupError(`cannot listen on ${host}:${port}: ${listenFailure(error, host, portSetting)}`);
  }
  const address = server.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return `http://${isIPv6(host) ? `[${host}]` : host}:${bound}`;
}

function listenFailure(error: unknown, host: string, portSetting: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `the port is in use (set ${portSetting})`;
    case 'EACCES':
      return `this user may not listen on that port (set ${portSetting}, e.g. to one above 1023)`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine (set HOST, e.g. to 127.0.0.1 or 0.0.0.0)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${host} does not resolve (set HOST, e.g. to 127.0.0.1 or 0.0.0.0)`;
    default:
      return (error as Error).message;
  }
}

/** Worker and scheduler serve the same operations plugin as the API (/healthz, /readyz, /metrics) on METRICS_PORT. */
async function metricsServer(container: Container): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  registerErrorHandling(server);
  await server.register(operationsPlugin, { container });
  return server;
}
