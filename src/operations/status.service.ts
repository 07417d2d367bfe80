import type { Config } from '../config.js';
import { createPool } from '../infra/db.js';
import { embeddedDatabaseUrl } from '../infra/embedded-postgres.js';
import { createLogger, redactUrl } from '../infra/logger.js';
import { BullMqQueue } from '../infra/bullmq-queue.js';
import { withTimeout } from '../infra/timeout.js';
import { HEARTBEAT_INTERVAL_MS, sweepsAsRole } from './heartbeat.js';
import { CHECK_TIMEOUT_MS, migrationState } from './readiness.service.js';
import { countBacklog, failedByError, liveProcesses, oldestPendingAgeSeconds, pingDatabase, STALE_LEASE_SECONDS, type Backlog, type FailureGroup, type LiveProcess } from './operations.repository.js';

/**
 * A process counts as alive when it beat within this: three beats (HEARTBEAT_INTERVAL_MS), so one
 * beat late or lost to a busy database does not count a live process dead, and a killed one is
 * gone from the screen within half a minute.
 */
export const ALIVE_WITHIN_SECONDS = (3 * HEARTBEAT_INTERVAL_MS) / 1000;
/** Work waiting longer than this needs a look: nothing normal keeps a row or a job waiting 5 minutes. */
export const STUCK_AFTER_SECONDS = 300;

/** One screen for an operator: what `lucro status` prints, and `--json` as it is. */
export interface StatusReport {
  /** True when nothing needs attention. */
  ok: boolean;
  /** What needs attention, one sentence each. */
  attention: string[];
  database: { url: string; reachable: boolean; error?: string };
  redis: { url: string | null; reachable: boolean | null; error?: string };
  migrations: { applied: number; pending: string[] } | null;
  queue: { kind: 'bullmq' | 'in-process'; depth: number | null; oldest_job_age_seconds: number | null };
  transactions: (Omit<Backlog, 'failedLastHour' | 'staleLeases'> & { failed_last_hour: number; stale_leases: number; oldest_pending_age_seconds: number | null }) | null;
  workers: Array<{ id: string; role: string; hostname: string; pid: number; concurrency: number | null; sweeps: boolean | null; started_at: string; seen_seconds_ago: number }>;
  failed_by_error: Array<{ error: string; count: number; last_at: string }>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Looks at the database and the queue the configuration names, without starting or changing anything. */
export async function collectStatus(config: Config): Promise<StatusReport> {
  const databaseUrl = config.databaseUrl ?? (await embeddedDatabaseUrl(config.dataDir, config.embeddedPostgresPort));
  const [database, queue] = await Promise.all([inspectDatabase(databaseUrl), inspectQueue(config)]);
  const report: StatusReport = {
    ok: true,
    attention: [],
    database: database.database,
    redis: queue.redis,
    migrations: database.migrations,
    queue: queue.queue,
    transactions: database.transactions,
    workers: database.workers,
    failed_by_error: database.failures,
  };
  report.attention = needsAttention(report);
  report.ok = report.attention.length === 0;
  return report;
}

async function inspectDatabase(url: string) {
  const pool = createPool(url, { max: 2, applicationName: 'lucro-status' });
  const database = { url: redactUrl(url), reachable: true };
  const nothing = { migrations: null, transactions: null, workers: [], failures: [] };
  try {
    try {
      await withTimeout(pingDatabase(pool), CHECK_TIMEOUT_MS, 'database check');
    } catch (error) {
      return { database: { ...database, reachable: false, error: message(error) }, ...nothing };
    }
    const { applied, pending } = await migrationState(pool);
    const migrations = { applied: applied.length, pending };
    // Before the first migration there are no tables to read the backlog from.
    if (applied.length === 0) return { database, ...nothing, migrations };
    let read;
    try {
      read = await Promise.all([countBacklog(pool), oldestPendingAgeSeconds(pool), liveProcesses(pool, ALIVE_WITHIN_SECONDS), failedByError(pool, 10)]);
    } catch (error) {
      // E.g. a schema older than this build (pending migrations say why): report what could be read.
      return { database: { ...database, error: message(error) }, ...nothing, migrations };
    }
    const [backlog, oldestPending, workers, failures] = read;
    const { failedLastHour, staleLeases, ...counts } = backlog;
    return {
      database,
      migrations,
      transactions: { ...counts, failed_last_hour: failedLastHour, stale_leases: staleLeases, oldest_pending_age_seconds: oldestPending === null ? null : Math.round(oldestPending) },
      workers: workers.map(toWorker),
      failures: failures.map((f: FailureGroup) => ({ error: f.error, count: f.count, last_at: f.lastAt })),
    };
  } finally {
    await pool.end().catch(() => {});
  }
}

function toWorker(p: LiveProcess): StatusReport['workers'][number] {
  return { id: p.id, role: p.role, hostname: p.hostname, pid: p.pid, concurrency: p.concurrency, sweeps: p.sweeps, started_at: p.startedAt, seen_seconds_ago: Math.round(p.seenSecondsAgo) };
}

async function inspectQueue(config: Config): Promise<{ redis: StatusReport['redis']; queue: StatusReport['queue'] }> {
  if (config.redisUrl === undefined) {
    // The in-process queue lives inside the `npm start` process; there is nothing to read from here.
    return { redis: { url: null, reachable: null }, queue: { kind: 'in-process', depth: null, oldest_job_age_seconds: null } };
  }
  const redis = { url: redactUrl(config.redisUrl) };
  const queue = new BullMqQueue(config.redisUrl, config.queuePrefix, createLogger('silent', 'status', 'json'));
  try {
    await pingUntilConnected(queue);
    const [depth, oldestMs] = await Promise.all([queue.depth(), queue.oldestWaitingAgeMs()]);
    return {
      redis: { ...redis, reachable: true },
      queue: { kind: 'bullmq', depth, oldest_job_age_seconds: oldestMs === null ? null : Math.round(oldestMs / 1000) },
    };
  } catch (error) {
    return { redis: { ...redis, reachable: false, error: message(error) }, queue: { kind: 'bullmq', depth: null, oldest_job_age_seconds: null } };
  } finally {
    await queue.close().catch(() => {});
  }
}

/** A fresh connection refuses commands until it is up (no offline queue), so ping until it answers or time runs out. */
async function pingUntilConnected(queue: BullMqQueue): Promise<void> {
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  for (;;) {
    try {
      return await queue.ping();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The rules an operator would apply at a glance, each as the sentence `lucro status` prints. */
function needsAttention(report: StatusReport): string[] {
  const attention: string[] = [];
  if (!report.database.reachable) attention.push('The database is unreachable: nothing stored in it could be checked.');
  else if (report.database.error) attention.push(`The backlog could not be read: ${report.database.error}`);
  if (report.redis.reachable === false) attention.push('Redis is unreachable: new batches wait for the scheduler to dispatch them once it is back.');
  if (report.migrations && report.migrations.pending.length > 0) {
    attention.push(`${report.migrations.pending.length} migration(s) not applied: run \`lucro migrate\`.`);
  }
  // A deployment that runs but sweeps nowhere strands batches whose job was lost, leaves idle
  // re-enrichments and retention undone, and reads 0 on every backlog gauge. Each process says
  // whether it sweeps; one of an older release is judged by its role, its queue taken to be the one
  // this command's own REDIS_URL names.
  const sweepers = report.workers.filter((w) => w.sweeps ?? sweepsAsRole(w.role, report.redis.url === null));
  if (report.workers.length > 0 && sweepers.length === 0) {
    attention.push(`No scheduler seen in the last ${ALIVE_WITHIN_SECONDS} s: stranded batches are not dispatched again and retention does not run; start \`lucro scheduler\`.`);
  }
  const backlog = report.transactions;
  if (backlog) {
    const enrichers = report.workers.filter((w) => w.role === 'worker' || w.role === 'start');
    if (backlog.pending + backlog.processing > 0 && enrichers.length === 0) {
      attention.push(`No worker seen in the last ${ALIVE_WITHIN_SECONDS} s while ${backlog.pending + backlog.processing} transaction(s) wait: start \`lucro worker\`.`);
    }
    if (backlog.oldest_pending_age_seconds !== null && backlog.oldest_pending_age_seconds > STUCK_AFTER_SECONDS) {
      attention.push(`The oldest pending transaction has waited ${formatAge(backlog.oldest_pending_age_seconds)}.`);
    }
    if (backlog.failed_last_hour > 0) attention.push(`${backlog.failed_last_hour} transaction(s) failed in the last hour (see failures by error).`);
    if (backlog.stale_leases > 0) {
      attention.push(`${backlog.stale_leases} transaction(s) are processing on a lease that ran out over ${STALE_LEASE_SECONDS} s ago: no worker or scheduler is taking them back.`);
    }
  }
  const oldestJob = report.queue.oldest_job_age_seconds;
  if (oldestJob !== null && oldestJob > STUCK_AFTER_SECONDS) attention.push(`The oldest queued job has waited ${formatAge(oldestJob)}.`);
  return attention;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatAge(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
