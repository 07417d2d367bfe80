import type pg from 'pg';
import { invalid } from '../domain/query-params.js';
import { isBusyButServing } from '../infra/db.js';
import type { Metrics } from '../infra/metrics.js';
import { migrationFiles } from '../infra/migrate.js';
import type { JobQueue } from '../infra/queue.js';
import { withTimeout } from '../infra/timeout.js';
import { appliedMigrations } from './operations.repository.js';

/** How long any one check of a dependency (a query, a ping, a queue read) may take before it counts as failed. */
export const CHECK_TIMEOUT_MS = 2_000;

export type Dependency = 'database' | 'queue';
/** `not_migrated`: the database answers but lacks migrations this version of the code needs. */
export type Readiness = Record<Dependency, 'ok' | 'unreachable' | 'not_migrated'>;

/** What readiness and the metrics read. */
export interface ReadinessDeps {
  pool: pg.Pool;
  queue: Pick<JobQueue, 'ping' | 'depth' | 'oldestWaitingAgeMs'>;
  metrics: Metrics;
}

/** Whether the process is ready, counting the outages the caller excluded as none; `detail` says why not. */
export type ReadinessVerdict = { ready: true; checks: Readiness } | { ready: false; checks: Readiness; failed: Dependency[]; detail: string };

/** The migrations this version of the code ships, read once per process. */
let shipped: Promise<string[]> | undefined;
/** The pools whose database was seen with them all applied (they are never taken back). */
const migrated = new WeakSet<pg.Pool>();

/** The migrations applied to this database, and those this version ships that are not (all of them when it was never migrated). */
export async function migrationState(db: pg.Pool): Promise<{ applied: string[]; pending: string[] }> {
  shipped ??= migrationFiles();
  const [applied, files] = await Promise.all([appliedMigrations(db), shipped]);
  const done = new Set(applied);
  return { applied, pending: files.filter((name) => !done.has(name)) };
}

/**
 * The database answers and has every migration this code needs. A process started before
 * `lucro migrate` ran (a first install, or a rollout whose migration job is still running) would
 * answer 500 to every request: it is not ready until they are applied.
 */
async function databaseCheck(pool: pg.Pool): Promise<Readiness['database']> {
  // Queued behind the process's own work, the check would time out and call a busy database unreachable.
  if (migrated.has(pool) && isBusyButServing(pool, CHECK_TIMEOUT_MS)) return 'ok';
  if ((await migrationState(pool)).pending.length > 0) return 'not_migrated';
  migrated.add(pool);
  return 'ok';
}

/** Checks that the database (migrated) and the queue answer, each within CHECK_TIMEOUT_MS. */
async function readiness({ pool, queue }: Pick<ReadinessDeps, 'pool' | 'queue'>): Promise<Readiness> {
  const [database, queueCheck] = await Promise.all([
    withTimeout(databaseCheck(pool), CHECK_TIMEOUT_MS, 'database check').catch(() => 'unreachable' as const),
    withTimeout(queue.ping(), CHECK_TIMEOUT_MS, 'queue check').then(() => 'ok' as const, () => 'unreachable' as const),
  ]);
  return { database, queue: queueCheck };
}

/** Checks readiness and records it in `lucro_ready` and `lucro_dependency_up`; returns the checks and those that failed. */
async function recordedReadiness(deps: ReadinessDeps): Promise<{ checks: Readiness; failed: Dependency[] }> {
  const checks = await readiness(deps);
  const failed = (Object.keys(checks) as Dependency[]).filter((dependency) => checks[dependency] !== 'ok');
  for (const dependency of Object.keys(checks) as Dependency[]) deps.metrics.dependencyUp.set({ dependency }, checks[dependency] === 'ok' ? 1 : 0);
  deps.metrics.ready.set(failed.length === 0 ? 1 : 0);
  return { checks, failed };
}

const DEPENDENCY_NAMES: Record<Dependency, string> = { database: 'the database (PostgreSQL)', queue: 'the queue (Redis)' };

/**
 * The dependencies `exclude` names (repeated, or one comma-separated list): an outage of one of
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

/** "Not ready: the database (PostgreSQL) is unreachable." naming every failed dependency and why. */
function notReadyDetail(checks: Readiness, failed: Dependency[]): string {
  const unreachable = failed.filter((dependency) => checks[dependency] === 'unreachable').map((dependency) => DEPENDENCY_NAMES[dependency]);
  const reasons = unreachable.length > 0 ? [`${unreachable.join(' and ')} ${unreachable.length > 1 ? 'are' : 'is'} unreachable`] : [];
  if (checks.database === 'not_migrated') reasons.push(`${DEPENDENCY_NAMES.database} lacks migrations this version needs (run \`lucro migrate\`)`);
  return `Not ready: ${reasons.join('; ')}.`;
}

/**
 * Whether the process is ready now (recorded in the metrics too). `exclude` names dependencies
 * whose being unreachable does not count (an outage every replica shares); an unknown name is an
 * invalid_parameter.
 */
export async function checkReadiness(deps: ReadinessDeps, exclude: string | string[] | undefined): Promise<ReadinessVerdict> {
  const excluded = excludedDependencies(exclude);
  const { checks, failed: failedChecks } = await recordedReadiness(deps);
  const failed = failedChecks.filter((dependency) => !(excluded.has(dependency) && checks[dependency] === 'unreachable'));
  if (failed.length === 0) return { ready: true, checks };
  return { ready: false, checks, failed, detail: notReadyDetail(checks, failed) };
}

/**
 * The Prometheus text. The backlog gauges are kept by the scheduler's sweep; at scrape time only
 * the queue depth and oldest job (a few Redis commands) and readiness (one small query and a ping)
 * are read, each bounded. Readiness is measured here too, so `lucro_ready` says whether the process
 * is ready now, not what the last /readyz found (nothing probes /readyz under Compose or by hand).
 */
export async function renderMetrics(deps: ReadinessDeps): Promise<string> {
  const { queue, metrics } = deps;
  // A queue that cannot be read is unknown (NaN), not empty: a 0 would draw an idle queue through a
  // Redis outage and keep LucroQueueAge quiet; `lucro status` says null.
  const unknown = (gauge: { set(value: number): void }) => () => gauge.set(Number.NaN);
  await Promise.all([
    withTimeout(queue.depth(), CHECK_TIMEOUT_MS, 'queue depth').then((depth) => metrics.queueDepth.set(depth), unknown(metrics.queueDepth)),
    withTimeout(queue.oldestWaitingAgeMs(), CHECK_TIMEOUT_MS, 'oldest job').then((ms) => metrics.queueOldestJobAge.set((ms ?? 0) / 1000), unknown(metrics.queueOldestJobAge)),
    recordedReadiness(deps),
  ]);
  return metrics.registry.metrics();
}
