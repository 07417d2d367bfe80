import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { withTimeout } from '../../infra/timeout.js';
import { problem } from '../problem.js';
import { ProblemSchema } from '../schemas.js';
import { sendProblem } from '../error-handler.js';

const CHECK_TIMEOUT_MS = 2_000;

/** Checks that the database and the queue answer, each within a bound; used by /readyz. */
export async function readiness(container: Pick<Container, 'pool' | 'queue'>): Promise<{ database: string; queue: string }> {
  const [database, queue] = await Promise.all([
    withTimeout(container.pool.query('SELECT 1'), CHECK_TIMEOUT_MS, 'database check').then(() => 'ok', () => 'unreachable'),
    withTimeout(container.queue.ping(), CHECK_TIMEOUT_MS, 'queue check').then(() => 'ok', () => 'unreachable'),
  ]);
  return { database, queue };
}

/** The Prometheus text, with the gauges read from the database and the queue at scrape time. */
export async function renderMetrics(container: Pick<Container, 'maintenance' | 'queue' | 'metrics'>): Promise<string> {
  await Promise.all([
    container.maintenance.refreshGauges().catch(() => {}),
    withTimeout(container.queue.depth(), CHECK_TIMEOUT_MS, 'queue depth').then((depth) => container.metrics.queueDepth.set(depth), () => {}),
  ]);
  return container.metrics.registry.metrics();
}

const Readiness = Type.Object({ status: Type.Literal('ready'), checks: Type.Object({ database: Type.String(), queue: Type.String() }) });
const PrometheusText = Type.String({ description: 'Prometheus text exposition format' });

/** Probes and metrics: no key needed (contract §8). */
export function operationsRoutes(app: FastifyInstance, container: Container): void {
  app.get('/healthz', { schema: { operationId: 'getHealth', summary: 'The process is alive', tags: ['operations'], security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }), '4xx': ProblemSchema } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { schema: { operationId: 'getReadiness', summary: 'The database and the queue are reachable', tags: ['operations'], security: [], response: { 200: Readiness, '4xx': ProblemSchema, 503: ProblemSchema } } }, async (_request, reply) => {
    const checks = await readiness(container);
    if (checks.database === 'ok' && checks.queue === 'ok') return { status: 'ready', checks };
    return sendProblem(reply, problem('service_unavailable', 'A dependency is unreachable.', { checks }));
  });

  app.get('/metrics', { schema: { operationId: 'getMetrics', summary: 'Prometheus metrics', tags: ['operations'], security: [], response: { 200: PrometheusText, '4xx': ProblemSchema } } }, async (_request, reply) =>
    reply.type(container.metrics.registry.contentType).send(await renderMetrics(container)),
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
