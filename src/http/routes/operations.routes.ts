import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { invalid } from '../../domain/query-params.js';
import { isBusyButServing, isMissingMigration } from '../../infra/db.js';
import { migrationFiles } from '../../infra/migrate.js';
import { withTimeout } from '../../infra/timeout.js';
import { countAppliedMigrations } from '../../operations/operations.repository.js';
import { problem } from '../problem.js';
import { problemResponse, ProblemSchema } from '../schemas.js';
import { sendProblem } from '../error-handler.js';

const CHECK_TIMEOUT_MS = 2_000;

export type Dependency = 'database' | 'queue';
/** `not_migrated`: the database answers but lacks migrations this version of the code needs. */
export type Readiness = Record<Dependency, 'ok' | 'unreachable' | 'not_migrated'>;

/** The migrations this version of the code needs, read once per process. */
let needed: Promise<string[]> | undefined;
/** The pools whose database was seen with them all applied (they are never taken back). */
const migrated = new WeakSet<Container['pool']>();

/**
 * The database answers and has every migration this code needs. A process started before
 * `lucro migrate` ran (a first install, or a rollout whose migration job is still running) would
 * answer 500 to every request: it is not ready until they are applied.
 */
async function databaseCheck(pool: Container['pool']): Promise<Readiness['database']> {
  // Queued behind the process's own work, the check would time out and call a busy database unreachable.
  if (migrated.has(pool) && isBusyButServing(pool, CHECK_TIMEOUT_MS)) return 'ok';
  needed ??= migrationFiles();
  const names = await needed;
  try {
    if ((await countAppliedMigrations(pool, names)) !== names.length) return 'not_migrated';
    migrated.add(pool);
    return 'ok';
  } catch (error) {
    // No schema_migrations table: never migrated.
    if (isMissingMigration(error)) return 'not_migrated';
    throw error;
  }
}

/** Checks that the database (migrated) and the queue answer, each within a bound; used by /readyz. */
export async function readiness(container: Pick<Container, 'pool' | 'queue'>): Promise<Readiness> {
  const [database, queue] = await Promise.all([
    withTimeout(databaseCheck(container.pool), CHECK_TIMEOUT_MS, 'database check').catch(() => 'unreachable' as const),
    withTimeout(container.queue.ping(), CHECK_TIMEOUT_MS, 'queue check').then(() => 'ok' as const, () => 'unreachable' as const),
  ]);
  return { database, queue };
}

const DEPENDENCY_NAMES: Record<Dependency, string> = { database: 'the database (PostgreSQL)', queue: 'the queue (Redis)' };

/** "Not ready: the database (PostgreSQL) is unreachable." naming every failed dependency and why. */
function notReadyDetail(checks: Readiness, failed: Dependency[]): string {
  const unreachable = failed.filter((dependency) => checks[dependency] === 'unreachable').map((dependency) => DEPENDENCY_NAMES[dependency]);
  const reasons = unreachable.length > 0 ? [`${unreachable.join(' and ')} ${unreachable.length > 1 ? 'are' : 'is'} unreachable`] : [];
  if (checks.database === 'not_migrated') reasons.push(`${DEPENDENCY_NAMES.database} lacks migrations this version needs (run \`lucro migrate\`)`);
  return `Not ready: ${reasons.join('; ')}.`;
}

/**
 * The Prometheus text. The backlog gauges are kept by the scheduler's sweep; at scrape time only
 * the queue depth and oldest job (a few Redis commands) and readiness (one small query and a ping)
 * are read, each bounded. Readiness is measured here too, so `lucro_ready` says whether the process
 * is ready now, not what the last /readyz found (nothing probes /readyz under Compose or by hand).
 */
export async function renderMetrics(container: Pick<Container, 'pool' | 'queue' | 'metrics'>): Promise<string> {
  const { queue, metrics } = container;
  // A queue that cannot be read is unknown (NaN), not empty: a 0 would draw an idle queue through a
  // Redis outage and keep LucroQueueAge quiet; `lucro status` says null.
  const unknown = (gauge: { set(value: number): void }) => () => gauge.set(Number.NaN);
  await Promise.all([
    withTimeout(queue.depth(), CHECK_TIMEOUT_MS, 'queue depth').then((depth) => metrics.queueDepth.set(depth), unknown(metrics.queueDepth)),
    withTimeout(queue.oldestWaitingAgeMs(), CHECK_TIMEOUT_MS, 'oldest job').then((ms) => metrics.queueOldestJobAge.set((ms ?? 0) / 1000), unknown(metrics.queueOldestJobAge)),
    recordedReadiness(container),
  ]);
  return metrics.registry.metrics();
}

/** Checks readiness and records it in `lucro_ready` and `lucro_dependency_up`; returns the checks and those that failed. */
async function recordedReadiness(container: Pick<Container, 'pool' | 'queue' | 'metrics'>): Promise<{ checks: Readiness; failed: Dependency[] }> {
  const checks = await readiness(container);
  const failed = (Object.keys(checks) as Dependency[]).filter((dependency) => checks[dependency] !== 'ok');
  for (const dependency of Object.keys(checks) as Dependency[]) container.metrics.dependencyUp.set({ dependency }, checks[dependency] === 'ok' ? 1 : 0);
  container.metrics.ready.set(failed.length === 0 ? 1 : 0);
  return { checks, failed };
}

/**
 * The dependencies `?exclude=` names (repeated, or one comma-separated list): an outage of one of
 * them leaves the process ready. A database that answers without this version's migrations is no
 * outage: it still makes it unready.
 */
function excludedDependencies(exclude: string | string[] | undefined): Set<Dependency> {
  const names = (Array.isArray(exclude) ? exclude : exclude === undefined ? [] : [exclude]).flatMap((value) => value.split(','));
  for (const name of names) {
    if (!Object.hasOwn(DEPENDENCY_NAMES, name)) throw invalid('exclude', `must name database or queue, not ${JSON.stringify(name.slice(0, 40))}`);
  }
  return new Set(names as Dependency[]);
}

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
      const excluded = excludedDependencies((request.query as { exclude?: string | string[] }).exclude);
      const { checks, failed: failedChecks } = await recordedReadiness(container);
      const failed = failedChecks.filter((dependency) => !(excluded.has(dependency) && checks[dependency] === 'unreachable'));
      if (failed.length === 0) return { status: 'ready', checks };
      return sendProblem(reply, problem('service_unavailable', notReadyDetail(checks, failed), { checks, failed }));
    },
  );


  app.get('/metrics', { schema: { operationId: 'getMetrics', summary: 'Prometheus metrics', tags: ['operations'], security: [], response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: PrometheusText } } }, '4xx': routingProblem } } }, async (_request, reply) =>
    reply.type(container.metrics.registry.contentType).send(await renderMetrics(container)),
  );
}
