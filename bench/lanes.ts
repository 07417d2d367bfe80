/**
 * Lanes over processes: N worker processes and one batch of N lanes (N × 500 rows), at a simulated
 * latency. Which process works which lane is the queue's choice; this shows how it chose:
 * - the batch's wall time ÷ one process's time on its share alone (a 500-row batch, one lane, same
 *   workers, same run): 1.00× when the N processes share the batch evenly, N ÷ k when only k work it;
 * - how the rows spread over the processes (each worker's `lucro_enrichments_total`), as shares of an
 *   even split (1.00 each when even; 0 for a process left out);
 * - the batch's lanes seen running every 100 ms (each active job's lock token names its worker):
 *   on how many distinct processes they were at once, and how many processes worked each lane.
 *
 * npx tsx bench/lanes.ts [--workers=4] [--rounds=5] [--latency=150-250] [--concurrency=16]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { BullMqQueue, QUEUE_NAME } from '../src/infra/bullmq-queue.js';
import { ensureAccounts, insertPendingBatches } from './data.js';
import { dispatcher } from './enrich.js';
import { BenchEnv, type LucroChild } from './harness.js';
import { median, round, since, sleep } from './stats.js';

export interface LanesResult {
  workers: number;
  rowsPerLane: number;
  latencyMs: string;
  concurrency: number;
  /** Medians over the rounds. */
  batchSeconds: number;
  soloSeconds: number;
  /** The batch's time ÷ one process's on its share: 1.00 is every process working. */
  timeRatio: number;
  /** Distinct processes holding the batch's lanes at once ÷ workers, mean over the samples. */
  processesAtOnce: number;
  rounds: Array<{
    batchSeconds: number;
    soloSeconds: number;
    /** Rows each process enriched ÷ an even share, lowest first. */
    rowShares: number[];
    processesAtOnce: number;
    /** Per lane, how many distinct processes ran one of its jobs. */
    processesPerLane: number[];
  }>;
}

const ROWS_PER_LANE = 500;
const SAMPLE_MS = 100;

export async function benchLanes(
  env: BenchEnv,
  settings: { workers: number; rounds: number; latencyMs: string; concurrency: number },
): Promise<LanesResult> {
  const log = env.options.log;
  const prefix = env.queuePrefix('lanes');
  const admin = await createContainer(loadConfig({ DATABASE_URL: env.benchUrl, LOG_LEVEL: 'silent' }), { role: 'bench' });
  await admin.auth.createKey('lanes', ['ingest']);
  await admin.close();
  const { rows } = await env.pool.query<{ id: number }>(`SELECT id FROM integrations WHERE name = 'lanes'`);
  const integrationId = Number(rows[0]?.id);
  const accountIds = [...(await ensureAccounts(env.pool, integrationId, ['LANES-0'])).values()];

  const vars = { QUEUE_PREFIX: prefix, ENRICHMENT_LATENCY_MS: settings.latencyMs, WORKER_CONCURRENCY: String(settings.concurrency) };
  const workers = await Promise.all(Array.from({ length: settings.workers }, () => env.startRole('worker', vars)));
  const container = await dispatcher(env, prefix);
  const queue = container.queue as BullMqQueue;
  // Reads each active job's lock: its token starts with the id of the worker that holds it.
  const redis = new Redis(env.options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const rounds: LanesResult['rounds'] = [];

  /** Inserts one batch of `n` pending rows, dispatches it as the API would, and times it until its rows are all done. */
  const timeBatch = async (n: number, tag: string, watch?: (batchId: string) => Promise<void>) => {
    const [batchId] = await insertPendingBatches(env.pool, integrationId, accountIds, 1, n, tag);
    const started = performance.now();
    await container.dispatcher.batchAccepted(batchId as string, n);
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        await watch?.(batchId as string);
        await sleep(SAMPLE_MS);
      }
    })();
    while (await unfinishedOf(env, batchId as string)) await sleep(SAMPLE_MS);
    const seconds = since(started) / 1000;
    watching = false;
    await watcher;
    await settle(container.queue);
    return seconds;
  };

  try {
    // Warm-up: each process's first jobs and connections are not measured.
    await timeBatch(settings.workers * ROWS_PER_LANE, 'LW');
    for (let r = 1; r <= settings.rounds; r++) {
      const soloSeconds = await timeBatch(ROWS_PER_LANE, `LS${r}`);
      const before = await Promise.all(workers.map((w) => completedBy(env, w)));
      const atOnce: number[] = [];
      const laneWorkers = new Map<string, Set<string>>();
      const batchSeconds = await timeBatch(settings.workers * ROWS_PER_LANE, `LB${r}`, async (batchId) => {
        const active = await queue.bullQueue.getJobs(['active']);
        const mine = active.filter((job) => job.id?.startsWith(`${batchId}.`));
        const tokens = await Promise.all(mine.map((job) => redis.get(`${prefix}:${QUEUE_NAME}:${job.id}:lock`)));
        const holders = new Set<string>();
        mine.forEach((job, i) => {
          const worker = tokens[i]?.slice(0, tokens[i]?.lastIndexOf(':'));
          if (!worker) return;
          holders.add(worker);
          const lane = job.data.lane;
          laneWorkers.set(String(lane), (laneWorkers.get(String(lane)) ?? new Set()).add(worker));
        });
        if (holders.size > 0) atOnce.push(holders.size);
      });
      const after = await Promise.all(workers.map((w) => completedBy(env, w)));
      const even = ROWS_PER_LANE;
      const rowShares = after.map((n, i) => round((n - (before[i] as number)) / even, 2)).sort((a, b) => a - b);
      const mean = atOnce.length > 0 ? atOnce.reduce((a, b) => a + b, 0) / atOnce.length / settings.workers : 0;
      const processesPerLane = [...laneWorkers.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, set]) => set.size);
      rounds.push({ batchSeconds: round(batchSeconds, 2), soloSeconds: round(soloSeconds, 2), rowShares, processesAtOnce: round(mean, 2), processesPerLane });
      log(
        `  round ${r}/${settings.rounds}: batch ${batchSeconds.toFixed(2)} s, one process on its share ${soloSeconds.toFixed(2)} s ` +
          `(${(batchSeconds / soloSeconds).toFixed(2)}×); rows per process ÷ even share [${rowShares.join(', ')}]; ` +
          `processes at once ÷ ${settings.workers} ${mean.toFixed(2)}; processes per lane [${processesPerLane.join(', ')}]`,
      );
    }
  } finally {
    redis.disconnect();
    await container.close();
    await Promise.all(workers.map((w) => w.stop()));
  }
  const batchSeconds = round(median(rounds.map((r) => r.batchSeconds)), 2);
  const soloSeconds = round(median(rounds.map((r) => r.soloSeconds)), 2);
  return {
    workers: settings.workers,
    rowsPerLane: ROWS_PER_LANE,
    latencyMs: settings.latencyMs,
    concurrency: settings.concurrency,
    batchSeconds,
    soloSeconds,
    timeRatio: round(median(rounds.map((r) => r.batchSeconds / r.soloSeconds)), 2),
    processesAtOnce: round(median(rounds.map((r) => r.processesAtOnce)), 2),
    rounds,
  };
}

async function unfinishedOf(env: BenchEnv, batchId: string): Promise<boolean> {
  const { rows } = await env.pool.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM transactions WHERE batch_id = $1 AND status IN ('pending', 'processing') AND removed_at IS NULL) AS any`,
    [batchId],
  );
  return rows[0]?.any === true;
}

/** Rows a worker process has enriched so far, by its /metrics. */
function completedBy(env: BenchEnv, worker: LucroChild & { port: number }): Promise<number> {
  return env.scrapeMetric([worker.port], 'lucro_enrichments_total');
}

/** Waits until no job waits or runs: the last slices end with a claim that finds nothing. */
async function settle(queue: { depth(): Promise<number> }): Promise<void> {
  for (let guard = 0; guard < 300 && (await queue.depth()) > 0; guard++) await sleep(SAMPLE_MS);
}

// Run alone: lanes over processes on a database of its own.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '5' },
      latency: { type: 'string', default: '150-250' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const started = performance.now();
  const env = new BenchEnv({
    adminUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    childNodeArgs: [],
    log: (message: string) => console.log(`[lanes bench ${(since(started) / 1000).toFixed(0).padStart(3)} s] ${message}`),
  });
  try {
    await env.setUp();
    const result = await benchLanes(env, {
      workers: Number(values.workers),
      rounds: Number(values.rounds),
      latencyMs: values.latency,
      concurrency: Number(values.concurrency),
    });
    console.log(
      `${result.workers} processes, ${result.workers} lanes of ${result.rowsPerLane} rows, latency ${result.latencyMs} ms, concurrency ${result.concurrency}: ` +
        `batch ${result.batchSeconds} s ÷ one process on its share ${result.soloSeconds} s = ${result.timeRatio.toFixed(2)}× (1.00 is every process working); ` +
        `processes at once ÷ ${result.workers} = ${result.processesAtOnce.toFixed(2)}`,
    );
  } finally {
    await env.cleanUp();
  }
}
