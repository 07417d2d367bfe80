/**
 * Fair shares, through the API as a client sees them, against the same 15-row batch on an idle
 * system:
 * - small behind big: a 15-row batch posted right after a 10,000-row batch of the same integration;
 * - integrations: integration A posts 50 batches of 1,000 rows, then integration B posts one of 15.
 */
import type { Container } from '../src/container.js';
import { makeTransactions, requestBody } from './data.js';
import { anyUnfinished, dispatcher } from './enrich.js';
import type { BenchEnv } from './harness.js';
import { median, round, since, sleep } from './stats.js';
import { createLucroClient } from '../src/client/index.js';

export interface FairnessResult {
  workers: number;
  concurrency: number;
  latencyMs: string;
  idleSeconds: number;
  behindSeconds: number;
  rounds: Array<{ idleSeconds: number; behindSeconds: number }>;
}

export interface IntegrationFairnessResult extends FairnessResult {
  /** What integration A posted before B's small batch. */
  busyBatches: number;
  busyRows: number;
}

const SMALL = 15;
const BIG = 10_000;
const CONCURRENCY = 32;

/** An API and workers on their own queue prefix, and what a client needs to post and poll. */
interface Stage {
  post(body: Buffer, key: string): Promise<string>;
  /** Posts a small batch and polls its status (what a client sees) every 20 ms until completed; seconds. */
  timeSmall(key: string, tag: string, seed: number): Promise<number>;
  /** Removes the still-pending rows of batches not worth finishing; jobs queued for them find nothing to do. */
  abandon(batchIds: string[]): Promise<void>;
  /** Waits until no row is unfinished and the queue is empty: the system is idle again. */
  settle(): Promise<void>;
  container: Container;
  close(): Promise<void>;
}

async function stage(env: BenchEnv, phase: string, settings: { workers: number; latencyMs: string }): Promise<Stage> {
  const prefix = env.queuePrefix(phase);
  const vars = { QUEUE_PREFIX: prefix, ENRICHMENT_LATENCY_MS: settings.latencyMs, WORKER_CONCURRENCY: String(CONCURRENCY) };
  const api = await env.startRole('api', vars);
  const workers: Array<{ stop(): Promise<void> }> = [];
  for (let i = 0; i < settings.workers; i++) workers.push(await env.startRole('worker', vars));
  const container = await dispatcher(env, prefix);

  // Bodies are serialized before the clock starts, so the POST sends bytes; status reads go through the typed client.
  const post = async (body: Buffer, key: string): Promise<string> => {
    const response = await env.request('POST', api.port, '/api/integrations/transactions', { body, headers: { authorization: `Bearer ${key}` } });
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${response.body.slice(0, 300)}`);
    return (JSON.parse(response.body) as { batch_id: string }).batch_id;
  };
  return {
    post,
    container,
    async timeSmall(key, tag, seed) {
      const body = requestBody(`FAIR-SMALL-${tag}`, makeTransactions(`S${tag}`, SMALL, seed));
      const started = performance.now();
      const batchId = await post(body, key);
      const lucro = createLucroClient(`http://127.0.0.1:${api.port}`, key);
      for (let guard = 0; guard < 10_000; guard++) {
        const { data } = await lucro.GET('/api/batches/{batch_id}', { params: { path: { batch_id: batchId } } });
        const status = data?.status;
        if (status === 'completed') return since(started) / 1000;
        if (status === 'completed_with_errors') throw new Error(`small batch ${batchId} had failures`);
        await sleep(20);
      }
      throw new Error(`small batch ${batchId} did not complete`);
    },
    async abandon(batchIds) {
      await env.pool.query(`UPDATE transactions SET removed_at = now() WHERE batch_id = ANY($1::uuid[]) AND status = 'pending'`, [batchIds]);
    },
    async settle() {
      for (let guard = 0; guard < 600; guard++) {
        if (!(await anyUnfinished(env)) && (await container.queue.depth()) === 0) return;
        await sleep(100);
      }
      throw new Error('the system did not settle within 60 s');
    },
    async close() {
      await container.close();
      for (const worker of workers) await worker.stop();
      await api.stop();
    },
  };
}

/**
 * Runs the rounds: the small batch alone on the idle system, then behind the load `load` posts
 * (whose batches are then abandoned, as they would take minutes at this latency); medians of both.
 */
async function measure(
  env: BenchEnv,
  s: Stage,
  settings: { rounds: number; workers: number; latencyMs: string },
  what: { label: string; smallKey: string; tag: string; load: (round: number) => Promise<string[]> },
): Promise<FairnessResult> {
  const rounds: FairnessResult['rounds'] = [];
  try {
    // Warm-up: the API's and workers' first requests are not measured.
    await s.timeSmall(what.smallKey, `${what.tag}warm`, 100);
    await s.settle();
    for (let r = 1; r <= settings.rounds; r++) {
      const idleSeconds = await s.timeSmall(what.smallKey, `${what.tag}idle${r}`, 100 + r);
      await s.settle();
      const loaded = await what.load(r);
      const behindSeconds = await s.timeSmall(what.smallKey, `${what.tag}behind${r}`, 200 + r);
      await s.abandon(loaded);
      await s.settle();
      rounds.push({ idleSeconds: round(idleSeconds, 3), behindSeconds: round(behindSeconds, 3) });
      env.options.log(`  ${what.label} round ${r}/${settings.rounds}: idle ${idleSeconds.toFixed(2)} s, behind ${behindSeconds.toFixed(2)} s`);
    }
  } finally {
    await s.close();
  }
  await env.truncate();
  return {
    workers: settings.workers,
    concurrency: CONCURRENCY,
    latencyMs: settings.latencyMs,
    idleSeconds: round(median(rounds.map((r) => r.idleSeconds)), 3),
    behindSeconds: round(median(rounds.map((r) => r.behindSeconds)), 3),
    rounds,
  };
}

export async function benchFairness(
  env: BenchEnv,
  key: string,
  settings: { rounds: number; workers: number; latencyMs: string },
): Promise<FairnessResult> {
  const s = await stage(env, 'fairness', settings);
  return measure(env, s, settings, {
    label: 'small behind big',
    smallKey: key,
    tag: 'b',
    load: async (r) => [await s.post(requestBody(`FAIR-BIG-${r}`, makeTransactions(`B${r}`, BIG, 1_000 + r)), key)],
  });
}

export async function benchIntegrationFairness(
  env: BenchEnv,
  settings: { rounds: number; workers: number; latencyMs: string; busyBatches: number; busyRows: number },
): Promise<IntegrationFairnessResult> {
  const s = await stage(env, 'integrations', settings);
  const busy = (await s.container.auth.createKey('fair-busy', ['ingest'])).key;
  const quiet = (await s.container.auth.createKey('fair-quiet', ['ingest'])).key;
  const result = await measure(env, s, settings, {
    label: 'integration B behind A',
    smallKey: quiet,
    tag: 'i',
    load: async (r) => {
      const batches: string[] = [];
      for (let b = 0; b < settings.busyBatches; b++) {
        batches.push(await s.post(requestBody(`FAIR-BUSY-${r}-${b}`, makeTransactions(`A${r}x${b}`, settings.busyRows, 10_000 * r + b)), busy));
      }
      return batches;
    },
  });
  return { ...result, busyBatches: settings.busyBatches, busyRows: settings.busyRows };
}
