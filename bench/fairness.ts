/**
 * Small batch behind big: how long a 15-row batch takes to complete when it is posted right after
 * a 10,000-row batch, against the same 15-row batch on an idle system. Both go through the API.
 */
import { makeTransactions, requestBody } from './data.js';
import { dispatcher } from './enrich.js';
import type { BenchEnv } from './harness.js';
import { median, round, since, sleep } from './stats.js';

export interface FairnessResult {
  workers: number;
  concurrency: number;
  latencyMs: string;
  idleSeconds: number;
  behindSeconds: number;
  rounds: Array<{ idleSeconds: number; behindSeconds: number }>;
}

const SMALL = 15;
const BIG = 10_000;

export async function benchFairness(
  env: BenchEnv,
  key: string,
  settings: { rounds: number; workers: number; latencyMs: string },
): Promise<FairnessResult> {
  const log = env.options.log;
  const prefix = env.queuePrefix('fairness');
  const vars = { QUEUE_PREFIX: prefix, ENRICHMENT_LATENCY_MS: settings.latencyMs, WORKER_CONCURRENCY: '32' };
  const api = await env.startRole('api', vars);
  const workers = [];
  for (let i = 0; i < settings.workers; i++) workers.push(await env.startRole('worker', vars));
  const container = await dispatcher(env, prefix);
  const headers = { authorization: `Bearer ${key}` };

  const post = async (body: Buffer): Promise<string> => {
    const response = await env.request('POST', api.port, '/api/integrations/transactions', { body, headers });
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${response.body.slice(0, 300)}`);
    return (JSON.parse(response.body) as { batch_id: string }).batch_id;
  };
  /** Posts the small batch and polls its status (what a client sees) every 20 ms until completed. */
  const timeSmall = async (round: number, tag: string): Promise<number> => {
    const body = requestBody(`FAIR-SMALL-${tag}-${round}`, makeTransactions(`S${tag}${round}`, SMALL, 100 + round));
    const started = performance.now();
    const batchId = await post(body);
    for (let guard = 0; guard < 10_000; guard++) {
      const response = await env.request('GET', api.port, `/api/batches/${batchId}`, { headers });
      const status = (JSON.parse(response.body) as { status?: string }).status;
      if (status === 'completed') return since(started) / 1000;
      if (status === 'completed_with_errors') throw new Error(`small batch ${batchId} had failures`);
      await sleep(20);
    }
    throw new Error(`small batch ${batchId} did not complete`);
  };
  /** Waits until no row is unfinished and the queue is empty: the system is idle again. */
  const settle = async () => {
    for (let guard = 0; guard < 600; guard++) {
      const { rows } = await env.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM transactions WHERE status IN ('pending', 'processing')`);
      if ((rows[0]?.n ?? 0) === 0 && (await container.queue.depth()) === 0) return;
      await sleep(100);
    }
    throw new Error('the system did not settle within 60 s');
  };

  const rounds: FairnessResult['rounds'] = [];
  try {
    // Warm-up: the API's and workers' first requests are not measured.
    await timeSmall(0, 'warm');
    await settle();
    for (let r = 1; r <= settings.rounds; r++) {
      const idleSeconds = await timeSmall(r, 'idle');
      await settle();
      const big = requestBody(`FAIR-BIG-${r}`, makeTransactions(`B${r}`, BIG, 1_000 + r));
      const bigBatch = await post(big);
      const behindSeconds = await timeSmall(r, 'behind');
      // The big batch would take minutes at this latency: its remaining rows are removed, and the
      // jobs still queued for it find nothing left to do.
      await env.pool.query(`DELETE FROM transactions WHERE batch_id = $1 AND status = 'pending'`, [bigBatch]);
      await settle();
      rounds.push({ idleSeconds: round(idleSeconds, 3), behindSeconds: round(behindSeconds, 3) });
      log(`  small behind big round ${r}/${settings.rounds}: idle ${idleSeconds.toFixed(2)} s, behind ${behindSeconds.toFixed(2)} s`);
    }
  } finally {
    await container.close();
    for (const worker of workers) await worker.stop();
    await api.stop();
  }
  await env.truncate();
  return {
    workers: settings.workers,
    concurrency: 32,
    latencyMs: settings.latencyMs,
    idleSeconds: round(median(rounds.map((r) => r.idleSeconds)), 3),
    behindSeconds: round(median(rounds.map((r) => r.behindSeconds)), 3),
    rounds,
  };
}
