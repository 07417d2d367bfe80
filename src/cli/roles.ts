import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createContainer, type Container } from '../container.js';
import { buildApp } from '../http/app.js';
import { registerErrorHandling } from '../http/error-handler.js';
import { operationsPlugin } from '../http/routes/operations.routes.js';
import { migrate } from '../infra/migrate.js';
import { Heartbeat } from '../operations/heartbeat.js';
import { Scheduler } from '../scheduler/scheduler.js';

export type Role = 'start' | 'api' | 'worker' | 'scheduler';

/** On SIGTERM every role drains and exits within this, as the contract asks (30 s). */
const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Runs one role, or all of them in one process for `start`. Resolves with the exit code once a
 * SIGTERM or SIGINT has drained it.
 */
export async function runRoles(config: Config, role: Role): Promise<number> {
  const container = await createContainer(config, { role });
  const { logger } = container;
  // A failure nobody awaited is logged, never fatal: the process stays up and recovers (contract §9).
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const stops: Array<() => Promise<void>> = [];

  try {
    if (role === 'start') {
      const applied = await migrate(container.pool);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    if (role === 'start' || role === 'api') {
      const app = await buildApp(container);
      await app.listen({ host: config.host, port: config.port });
      logger.info(
        { url: `http://${config.host}:${config.port}`, database: container.databaseMode, queue: container.queue.kind },
        `API listening on http://${config.host}:${config.port} (docs at /docs)`,
      );
      stops.push(() => app.close());
    }
    if (role === 'start' || role === 'worker') {
      container.enrichment.start();
      logger.info({ concurrency: config.workerConcurrency, queue: container.queue.kind, categorizer: container.categorizer.name }, 'worker started');
      stops.unshift(() => container.enrichment.stop());
    }
    // Without Redis a lone worker has no queue to hear from, so it sweeps for pending work itself.
    const sweeps = role === 'start' || role === 'scheduler' || (role === 'worker' && container.queue.kind === 'in-process');
    if (sweeps) {
      const scheduler = new Scheduler(container.maintenance, logger.child({ component: 'scheduler' }), config.schedulerIntervalMs);
      scheduler.start();
      logger.info({ intervalMs: config.schedulerIntervalMs }, 'scheduler started');
      stops.unshift(() => scheduler.stop());
    }
    if ((role === 'worker' || role === 'scheduler') && config.metricsPort !== undefined) {
      const server = await metricsServer(container);
      await server.listen({ host: config.host, port: config.metricsPort });
      stops.push(() => server.close());
    }
    // So that `lucro status` sees which processes (above all, which workers) are alive.
    const enriches = role === 'start' || role === 'worker';
    const heartbeat = new Heartbeat(container.pool, logger.child({ component: 'heartbeat' }), role, enriches ? config.workerConcurrency : null);
    heartbeat.start();
    stops.push(() => heartbeat.stop());
  } catch (error) {
    await container.close();
    throw error;
  }

  return new Promise((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining');
      const force = setTimeout(() => {
        logger.error('drain took too long; exiting');
        resolve(1);
        // Whatever still holds the event loop (a client retrying a dead Redis) must not keep the process alive.
        setImmediate(() => process.exit(1));
      }, SHUTDOWN_DEADLINE_MS);
      force.unref();
      void (async () => {
        for (const stop of stops) await stop().catch((error: unknown) => logger.warn({ err: error }, 'stop failed'));
        await container.close();
        clearTimeout(force);
        logger.info('stopped');
        resolve(0);
      })();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

/** Worker and scheduler serve the same operations plugin as the API (/healthz, /readyz, /metrics) on METRICS_PORT. */
async function metricsServer(container: Container): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  registerErrorHandling(server);
  await server.register(operationsPlugin, { container });
  return server;
}
