/**
 * Enrichment throughput. At latency 0: worker processes against a bare SQL loop doing the
 * contract's minimum (claim → processing, complete) in batches of 1,000 on the same indexes.
 * At the design's latency (500–1000 ms per call): one worker against concurrency ÷ 0.75 s.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container } from '../src/container.js';
import { insertPendingBatches } from './data.js';
import { ActivitySampler, cpuSecondsOf, postgresCpuSeconds, type ActivityProfile, type BenchEnv, type LucroChild } from './harness.js';
import { median, round, since, sleep } from './stats.js';

export interface EnrichSetup {
  integrationId: number;
  accountIds: number[];
}

export interface LatencyZeroResult {
  rows: number;
  workers: number;
  /** rows/s by WORKER_CONCURRENCY, medians of the rounds. */
  byConcurrency: Record<string, number>;
  bareSqlLoop: number;
  /** The same loop with the schema's own triggers (the rollup) switched off, when there are any. */
  bareSqlLoopWithoutTriggers?: number;
  /** Rows per claim statement the workers ran (claims counted from their /metrics). */
  rowsPerClaim: Record<string, number>;
  /**
   * CPU milliseconds per 1,000 rows by variant (medians of the rounds): the worker processes' and
   * PostgreSQL's (every server process of the machine). Less noisy than rates on a shared machine,
   * and it says which side a change made cheaper.
   */
  cpuMsPer1000Rows: Record<string, { workers?: number; database: number }>;
  rounds: Array<{ variant: string; seconds: number; rowsPerSecond: number; cappedAfterRows?: number }>;
  /** What the database was busy with during the last round of each variant. */
  activity: Record<string, ActivityProfile>;
}

export interface DesignLatencyResult {
  latencyMs: string;
  warmupSeconds: number;
  windowSeconds: number;
  byConcurrency: Record<string, { rowsPerSecond: number; limit: number; windows: number[]; rowsProvisioned: number }>;
}

const BATCH_ROWS = 1_000;
const POLL_MS = 100;

/** A container in the bench process that only enqueues, on the given queue prefix. */
export async function dispatcher(env: BenchEnv, prefix: string): Promise<Container> {
  return createContainer(
    loadConfig({ DATABASE_URL: env.benchUrl, REDIS_URL: env.options.redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' }),
    { role: 'bench' },
  );
}

async function startWorkers(env: BenchEnv, count: number, vars: Record<string, string>): Promise<Array<LucroChild & { port: number }>> {
  return Promise.all(Array.from({ length: count }, () => env.startRole('worker', vars)));
}

/** The predicate of the `transactions_unfinished` partial index: rows waiting for or in enrichment. */
const UNFINISHED = `status IN ('pending', 'processing') AND removed_at IS NULL`;

/**
 * Rows not yet enriched, counted from the partial index of unfinished rows. (Counting `status =
 * 'pending'` alone matched no partial index: a parallel scan of the whole table every 100 ms, which
 * pg_stat_statements put at 67 ms a poll, a third of the machine taken from the workers it timed.)
 */
export async function unfinished(env: BenchEnv): Promise<number> {
  const { rows } = await env.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM transactions WHERE ${UNFINISHED}`);
  return rows[0]?.n ?? 0;
}

/** Whether any row is not yet enriched: the first entry of the same partial index, for polling. */
export async function anyUnfinished(env: BenchEnv): Promise<boolean> {
  const { rows } = await env.pool.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM transactions WHERE ${UNFINISHED}) AS any`);
  return rows[0]?.any === true;
}

/** Polls until every row is enriched or `capSeconds` after `started`; returns how many were left. */
export async function waitUntilEnriched(env: BenchEnv, started: number, capSeconds: number): Promise<number> {
  while ((await anyUnfinished(env)) && since(started) < capSeconds * 1000) await sleep(POLL_MS);
  return unfinished(env);
}

export async function freshPending(env: BenchEnv, setup: EnrichSetup, rows: number, tag: string): Promise<string[]> {
  await env.truncate();
  const batchIds = await insertPendingBatches(env.pool, setup.integrationId, setup.accountIds, Math.ceil(rows / BATCH_ROWS), BATCH_ROWS, tag);
  // Autovacuum may be off (it is on the reference machine): every variant starts from a vacuumed table.
  await env.pool.query('VACUUM ANALYZE transactions');
  await env.pool.query('CHECKPOINT');
  return batchIds;
}

export async function benchLatencyZero(
  env: BenchEnv,
  setup: EnrichSetup,
  settings: {
    rows: number;
    rounds: number;
    /** Rounds of each bare loop: ~2 s each, and every ratio of the phase divides by them, so more of them than of the workers. */
    bareRounds: number;
    concurrencies: number[];
    workers: number;
    capSeconds: number;
  },
): Promise<LatencyZeroResult> {
  const log = env.options.log;
  const rounds: LatencyZeroResult['rounds'] = [];
  const byConcurrency: Record<string, number> = {};
  const activity: Record<string, ActivityProfile> = {};
  const rowsPerClaim: Record<string, number> = {};
  const cpu: Record<string, Array<{ workers?: number; database: number }>> = {};
  const claimsMetric = 'lucro_claim_duration_seconds_count';

  for (const concurrency of settings.concurrencies) {
    const prefix = env.queuePrefix(`enrich0_c${concurrency}`);
    const workers = await startWorkers(env, settings.workers, { WORKER_CONCURRENCY: String(concurrency), ENRICHMENT_LATENCY_MS: '0', QUEUE_PREFIX: prefix });
    const container = await dispatcher(env, prefix);
    const rates: number[] = [];
    try {
      for (let r = 0; r < settings.rounds; r++) {
        const batchIds = await freshPending(env, setup, settings.rows, `E${concurrency}R${r}`);
        const sampler = new ActivitySampler(env);
        await sampler.start();
        const claimsBefore = await env.scrapeMetric(workers.map((w) => w.port), claimsMetric);
        const cpuBefore = { workers: workersCpuSeconds(workers), database: postgresCpuSeconds() };
        const started = performance.now();
        for (const batchId of batchIds) await container.dispatcher.batchAccepted(batchId, BATCH_ROWS);
        // A slow variant is measured over the first capSeconds: rows done ÷ time, not all rows.
        const left = await waitUntilEnriched(env, started, settings.capSeconds);
        const seconds = since(started) / 1000;
        const done = settings.rows - left;
        (cpu[`workers_c${concurrency}`] ??= []).push({
          workers: perThousand(workersCpuSeconds(workers) - cpuBefore.workers, done),
          database: perThousand(postgresCpuSeconds() - cpuBefore.database, done),
        });
        activity[`workers_c${concurrency}`] = await sampler.stop();
        const claims = (await env.scrapeMetric(workers.map((w) => w.port), claimsMetric)) - claimsBefore;
        rowsPerClaim[String(concurrency)] = round(done / Math.max(1, claims), 1);
        if (left === 0) await assertAllCompleted(env, settings.rows);
        const rate = done / seconds;
        rates.push(rate);
        rounds.push({ variant: `workers_c${concurrency}`, seconds: round(seconds, 3), rowsPerSecond: Math.round(rate), ...(left > 0 ? { cappedAfterRows: done } : {}) });
        log(
          `  enrich@0 round ${r + 1}/${settings.rounds} concurrency ${concurrency}: ${Math.round(rate).toLocaleString('en')} rows/s ` +
            `(${done.toLocaleString('en')} rows in ${seconds.toFixed(2)} s${left > 0 ? `, stopped at the ${settings.capSeconds} s cap` : ''})`,
        );
      }
    } finally {
      await container.close();
      for (const worker of workers) await worker.stop();
    }
    byConcurrency[String(concurrency)] = Math.round(median(rates));
  }

  const loops = [{ variant: 'bare_sql_loop', triggers: true }];
  if (await env.hasUserTriggers()) loops.push({ variant: 'bare_sql_loop_without_triggers', triggers: false });
  const bare: Record<string, number[]> = {};
  for (let r = 0; r < settings.bareRounds; r++) {
    for (const loop of loops) {
      const run = async () => {
        const batchIds = await freshPending(env, setup, settings.rows, `B${r}`);
        const cpuBefore = postgresCpuSeconds();
        const started = performance.now();
        await bareSqlLoop(env, batchIds);
        const seconds = since(started) / 1000;
        (cpu[loop.variant] ??= []).push({ database: perThousand(postgresCpuSeconds() - cpuBefore, settings.rows) });
        await assertAllCompleted(env, settings.rows);
        return seconds;
      };
      const seconds = loop.triggers ? await run() : await env.withoutUserTriggers(run);
      const rate = settings.rows / seconds;
      (bare[loop.variant] ??= []).push(rate);
      rounds.push({ variant: loop.variant, seconds: round(seconds, 3), rowsPerSecond: Math.round(rate) });
      log(`  enrich@0 round ${r + 1}/${settings.bareRounds} ${loop.variant.replaceAll('_', ' ')}: ${Math.round(rate).toLocaleString('en')} rows/s (${seconds.toFixed(2)} s)`);
    }
  }
  await env.truncate();
  const cpuMsPer1000Rows = Object.fromEntries(
    Object.entries(cpu).map(([variant, list]) => {
      const workers = list.flatMap((entry) => (entry.workers === undefined ? [] : [entry.workers]));
      return [variant, { ...(workers.length > 0 ? { workers: round(median(workers), 1) } : {}), database: round(median(list.map((entry) => entry.database)), 1) }];
    }),
  );
  log(
    `  enrich@0 CPU ms per 1,000 rows: ${Object.entries(cpuMsPer1000Rows)
      .map(([variant, { workers, database }]) => `${variant} ${workers === undefined ? '' : `workers ${workers} + `}database ${database}`)
      .join('; ')}`,
  );
  const withoutTriggers = bare.bare_sql_loop_without_triggers;
  return {
    rows: settings.rows,
    workers: settings.workers,
    byConcurrency,
    bareSqlLoop: Math.round(median(bare.bare_sql_loop ?? [])),
    ...(withoutTriggers ? { bareSqlLoopWithoutTriggers: Math.round(median(withoutTriggers)) } : {}),
    rowsPerClaim,
    cpuMsPer1000Rows,
    rounds,
    activity,
  };
}

function workersCpuSeconds(workers: LucroChild[]): number {
  return workers.reduce((sum, worker) => sum + (cpuSecondsOf(worker.pid) ?? Number.NaN), 0);
}

function perThousand(seconds: number, rows: number): number {
  return (seconds * 1e6) / Math.max(1, rows);
}

/**
 * The contract's minimum, with nothing else: claim up to 1,000 pending rows of a batch (status,
 * token, lease, attempt — the same UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)), then
 * complete them with one UPDATE … FROM unnest guarded by the token. One connection, no categorizer.
 */
export async function bareSqlLoop(env: BenchEnv, batchIds: string[]): Promise<void> {
  const client = await env.pool.connect();
  try {
    for (const batchId of batchIds) {
      for (let guard = 0; guard < 10_000; guard++) {
        const token = randomUUID();
        const { rows } = await client.query<{ id: number }>(
          `UPDATE transactions t
              SET status = 'processing', claim_token = $3, lease_expires_at = now() + interval '60 seconds',
                  attempts = t.attempts + 1, updated_at = now()
            WHERE t.id IN (SELECT id FROM transactions
                            WHERE batch_id = $1 AND status = 'pending'
                            ORDER BY id LIMIT $2
                            FOR UPDATE SKIP LOCKED)
            RETURNING t.id, t.merchant_name, t.description, t.amount::text`,
          [batchId, BATCH_ROWS, token],
        );
        if (rows.length > 0) {
          await client.query(
            `UPDATE transactions t
                SET status = 'completed', category = r.category, category_confidence = 0.9, category_source = 'bench',
                    enrichment_commits = t.enrichment_commits + 1, completed_at = now(),
                    claim_token = NULL, lease_expires_at = NULL, updated_at = now()
               FROM unnest($1::bigint[], $2::text[]) AS r (id, category)
              WHERE t.id = r.id AND t.claim_token = $3 AND t.status = 'processing'`,
            [rows.map((row) => row.id), rows.map(() => 'GENERAL_MERCHANDISE'), token],
          );
        }
        if (rows.length < BATCH_ROWS) break;
      }
    }
  } finally {
    client.release();
  }
}

export async function assertAllCompleted(env: BenchEnv, expected: number): Promise<void> {
  const { rows } = await env.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM transactions GROUP BY status');
  const completed = rows.find((row) => row.status === 'completed')?.n ?? 0;
  if (completed !== expected) throw new Error(`expected ${expected} completed rows, found ${JSON.stringify(rows)}`);
}

export async function benchDesignLatency(
  env: BenchEnv,
  setup: EnrichSetup,
  settings: { concurrencies: number[]; warmupSeconds: number; windowSeconds: number; windows: number },
): Promise<DesignLatencyResult> {
  const log = env.options.log;
  const latency = '500-1000';
  const meanSeconds = 0.75;
  const byConcurrency: DesignLatencyResult['byConcurrency'] = {};
  for (const concurrency of settings.concurrencies) {
    const limit = concurrency / meanSeconds;
    const span = settings.warmupSeconds + settings.windowSeconds * settings.windows;
    // Enough rows that the worker never runs dry before the last window closes.
    const rows = Math.ceil((limit * (span + 5) * 1.3) / BATCH_ROWS) * BATCH_ROWS;
    const batchIds = await freshPending(env, setup, rows, `D${concurrency}`);
    const prefix = env.queuePrefix(`design_c${concurrency}`);
    const [worker] = await startWorkers(env, 1, { WORKER_CONCURRENCY: String(concurrency), ENRICHMENT_LATENCY_MS: latency, QUEUE_PREFIX: prefix });
    const container = await dispatcher(env, prefix);
    const samples: Array<{ t: number; completed: number }> = [];
    try {
      const started = performance.now();
      for (const batchId of batchIds) await container.dispatcher.batchAccepted(batchId, BATCH_ROWS);
      for (let guard = 0; guard < 10_000; guard++) {
        const { rows: counted } = await env.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM transactions WHERE status IN ('completed', 'failed')`);
        const t = since(started) / 1000;
        samples.push({ t, completed: counted[0]?.n ?? 0 });
        if (t >= span) break;
        await sleep(250);
      }
    } finally {
      await container.close();
      await worker?.stop();
    }
    const at = (t: number) => samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best));
    const windows: number[] = [];
    for (let w = 0; w < settings.windows; w++) {
      const from = at(settings.warmupSeconds + w * settings.windowSeconds);
      const to = at(settings.warmupSeconds + (w + 1) * settings.windowSeconds);
      windows.push(Math.round((to.completed - from.completed) / (to.t - from.t)));
    }
    const last = samples.at(-1)?.completed ?? 0;
    if (last >= rows) log(`  warning: concurrency ${concurrency} ran out of rows before the last window`);
    byConcurrency[String(concurrency)] = { rowsPerSecond: Math.round(median(windows)), limit: round(limit, 1), windows, rowsProvisioned: rows };
    log(`  enrich@${latency} ms concurrency ${concurrency}: windows ${windows.join(', ')} rows/s (limit ${limit.toFixed(0)})`);
  }
  await env.truncate();
  return { latencyMs: latency, warmupSeconds: settings.warmupSeconds, windowSeconds: settings.windowSeconds, byConcurrency };
}
