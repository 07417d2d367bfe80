import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { checkReadiness, renderMetrics } from '../../operations/readiness.service.js';
import { problem } from '../problem.js';
import { problemResponse, ProblemSchema } from '../schemas.js';
import { sendProblem } from '../error-handler.js';

const ReadinessQuery = Type.Object({
  exclude: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description:
        'database, queue, or both (repeated or comma-separated): that dependency being unreachable leaves the answer 200, its check reading `unreachable`. A database lacking migrations is still 503. For the API\'s Kubernetes readiness probe: in an outage of a dependency every pod shares, the pods stay in the Service and answer 503 problem details (or, for Redis, go on accepting batches) instead of all leaving it.',
    }),
  ),
});
const ReadinessSchema = Type.Object({ status: Type.Literal('ready'), checks: Type.Object({ database: Type.String(), queue: Type.String() }) });
const PrometheusText = Type.String({ description: 'Prometheus text exposition format' });
/** What a probe answers for a path or method it does not serve, or a malformed URL. */
const routingProblem = problemResponse(['not_found', 'invalid_parameter']);

export interface OperationsOptions {
  container: Container;
}

/**
 * Probes and metrics, no key needed (contract §8). The one plugin every role mounts: the API on
 * PORT, the worker and scheduler on METRICS_PORT.
 */
export async function operationsPlugin(app: FastifyInstance, { container }: OperationsOptions): Promise<void> {
  // The API registers the Problem schema for all its routes; a worker's or scheduler's server has only this plugin.
  if (!app.getSchema('Problem')) app.addSchema(ProblemSchema);
  app.get('/healthz', { schema: { operationId: 'getHealth', summary: 'The process is alive', tags: ['operations'], security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }), '4xx': routingProblem } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'The database (with every migration applied) and the queue are reachable; else 503 problem details whose checks and failed name the one that is not',
        tags: ['operations'],
        security: [],
        querystring: ReadinessQuery,
        response: { 200: ReadinessSchema, '4xx': routingProblem, 503: problemResponse(['service_unavailable']) },
      },
    },
    async (request, reply) => {
      const verdict = await checkReadiness(container, (request.query as { exclude?: string | string[] }).exclude);
      if (verdict.ready) return { status: 'ready', checks: verdict.checks };
      return sendProblem(reply, problem('service_unavailable', verdict.detail, { checks: verdict.checks, failed: verdict.failed }));
    },
  );

  app.get('/metrics', { schema: { operationId: 'getMetrics', summary: 'Prometheus metrics', tags: ['operations'], security: [], response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: PrometheusText } } }, '4xx': routingProblem } } }, async (_request, reply) =>
    reply.type(container.metrics.registry.contentType).send(await renderMetrics(container)),
  );
}
