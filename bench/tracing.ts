/**
 * What OpenTelemetry tracing costs (issue 15), in one run: processes with tracing on (the SDK
 * started by `OTEL_EXPORTER_OTLP_ENDPOINT`, every trace sampled, OTLP/HTTP to a receiver the bench
 * runs, bench/otlp-receiver.ts, which reads every export and keeps nothing) beside the same
 * processes with tracing off (`OTEL_SDK_DISABLED=true`), in alternating rounds.
 *
 * - Ingestion: two API processes, traced and not, the ingest phase's 1,000-row batches, and COPY
 *   (bench/ingest-variants.ts).
 * - Enrichment at latency 0: two sets of 2 workers × concurrency 32 (the headline of the enrich
 *   phase), traced and not, each on its own queue prefix, and the bare SQL loop of bench/enrich.ts,
 *   each round on a fresh set of pending rows.
 */
import type { Container } from '../src/container.js';
import { assertAllCompleted, bareSqlLoop, dispatcher, freshPending, waitUntilEnriched, type EnrichSetup } from './enrich.js';
import type { BenchEnv, LucroChild } from './harness.js';
import { compareIngest, type IngestComparison } from './ingest-variants.js';
import type { IngestTarget } from './ingest.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { median, round, since } from './stats.js';

export interface TracingSettings {
  ingestRows: number;
  ingestRounds: number;
  enrichRows: number;
  enrichRounds: number;
  workers: number;
  capSeconds: number;
}

export interface TracingResult {
  ingest: IngestComparison;
  enrich: {
    rows: number;
    workers: number;
    concurrency: number;
    /** Median rows/s: `traced`, `untraced`, `bare_sql_loop`. */
    rowsPerSecond: Record<string, number>;
    rounds: Array<{ variant: string; seconds: number; rowsPerSecond: number; cappedAfterRows?: number }>;
  };
  /** What the receiver took over the whole phase. */
  otlp: { requests: number; kib: number };
}

const CONCURRENCY = 32;
const BATCH_ROWS = 1_000;

export async function benchTracing(env: BenchEnv, target: Pick<IngestTarget, 'key' | 'integrationId'>, setup: EnrichSetup, settings: TracingSettings): Promise<TracingResult> {
  const log = env.options.log;
  const receiver = await startOtlpReceiver();
  const on = { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'always_on' };
  const off = { OTEL_SDK_DISABLED: 'true' };

  const apiOn = await env.startRole('api', { ...on, QUEUE_PREFIX: env.queuePrefix('tracing_api_on') });
  const apiOff = await env.startRole('api', { ...off, QUEUE_PREFIX: env.queuePrefix('tracing_api_off') });
  let ingest: IngestComparison;
  try {
    ingest = await compareIngest(env, target, { rows: settings.ingestRows, rounds: settings.ingestRounds }, 'TRACE', [
      { name: 'api1000_traced', apiPort: apiOn.port },
      { name: 'api1000_untraced', apiPort: apiOff.port },
    ]);
  } finally {
    await apiOn.stop();
    await apiOff.stop();
  }
  log(`  tracing: the receiver took ${receiver.received().requests} OTLP exports during ingestion`);

  const sets: Array<{ name: string; prefix: string; workers: Array<LucroChild & { port: number }>; container?: Container }> = [];
  const rates: Record<string, number[]> = {};
  const rounds: TracingResult['enrich']['rounds'] = [];
  try {
    for (const [name, vars] of [['traced', on], ['untraced', off]] as const) {
      const prefix = env.queuePrefix(`tracing_${name}`);
      const workers = await Promise.all(
        Array.from({ length: settings.workers }, () => env.startRole('worker', { ...vars, WORKER_CONCURRENCY: String(CONCURRENCY), ENRICHMENT_LATENCY_MS: '0', QUEUE_PREFIX: prefix })),
      );
      sets.push({ name, prefix, workers, container: await dispatcher(env, prefix) });
    }
    // Warm-up, untimed: each set's first batches (JIT, categorizer start-up, connections).
    for (const set of sets) {
      const batchIds = await freshPending(env, setup, 2 * BATCH_ROWS, `TW${set.name.slice(0, 2)}`);
      for (const batchId of batchIds) await set.container?.dispatcher.batchAccepted(batchId, BATCH_ROWS);
      const from = performance.now();
      await waitUntilEnriched(env, from, 30);
    }
    const variants = [...sets.map((s) => s.name), 'bare_sql_loop'];
    for (let r = 0; r < settings.enrichRounds; r++) {
      for (const name of variants.map((_, i) => variants[(i + r) % variants.length] as string)) {
        const batchIds = await freshPending(env, setup, settings.enrichRows, `T${name.slice(0, 2)}${r}`);
        const started = performance.now();
        let left = 0;
        const set = sets.find((s) => s.name === name);
        if (set?.container) {
          for (const batchId of batchIds) await set.container.dispatcher.batchAccepted(batchId, BATCH_ROWS);
          left = await waitUntilEnriched(env, started, settings.capSeconds);
        } else {
          await bareSqlLoop(env, batchIds);
        }
        const seconds = since(started) / 1000;
        const done = settings.enrichRows - left;
        if (left === 0) await assertAllCompleted(env, settings.enrichRows);
        const rate = done / seconds;
        (rates[name] ??= []).push(rate);
        rounds.push({ variant: name, seconds: round(seconds, 3), rowsPerSecond: Math.round(rate), ...(left > 0 ? { cappedAfterRows: done } : {}) });
        log(`  tracing enrich round ${r + 1}/${settings.enrichRounds} ${name}: ${Math.round(rate).toLocaleString('en')} rows/s (${seconds.toFixed(2)} s)${left > 0 ? ' at the cap' : ''}`);
      }
    }
  } finally {
    for (const set of sets) {
      await set.container?.close();
      for (const worker of set.workers) await worker.stop();
    }
  }
  await env.truncate();
  const otlp = receiver.received();
  log(`  tracing: the receiver took ${otlp.requests} OTLP exports, ${Math.round(otlp.bytes / 1024)} KiB in all`);
  return {
    ingest,
    enrich: {
      rows: settings.enrichRows,
      workers: settings.workers,
      concurrency: CONCURRENCY,
      rowsPerSecond: Object.fromEntries(Object.entries(rates).map(([name, list]) => [name, Math.round(median(list))])),
      rounds,
    },
    otlp: { requests: otlp.requests, kib: Math.round(otlp.bytes / 1024) },
  };
}
