/**
 * Webhooks (contract §13), the `webhooks` phase of `npm run bench`; also runs alone:
 * `npx tsx bench/webhooks.ts [--deliveries=N] [--endpoints=N]` (delivery throughput only, on a
 * fresh database on DATABASE_URL, dropped at the end).
 *
 * Delivery throughput: N deliveries (events fanned out to the endpoints) are stored, one
 * `lucro worker` is started, and the time from the first request the local receiver sees to the
 * last gives deliveries per second per worker process; the worker's CPU time gives deliveries per
 * CPU-second (what one core would do, whatever the neighbours take).
 *
 * Ingestion with webhooks subscribed: an API and one worker of their own (enriching the API's
 * batches at latency 0, sending deliveries, notifying `transactions.changed`), the API's 1,000-row
 * batches with endpoints subscribed to every event against the same without endpoints, and COPY,
 * in alternating rounds (bench/ingest-variants.ts). After each round the enrichment it started and
 * the deliveries it caused are waited for, untimed, so no round runs into the previous one's work.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SecretBox } from '../src/webhooks/secret-box.js';
import { insertEndpoint, insertSecret, recordWebhookEvents } from '../src/webhooks/webhook.repository.js';
import { anyUnfinished } from './enrich.js';
import { BenchEnv, cpuSecondsOf } from './harness.js';
import { compareIngest, type IngestComparison } from './ingest-variants.js';
import type { IngestTarget } from './ingest.js';
import { round, since, sleep } from './stats.js';

export interface WebhookDeliveryResult {
  deliveries: number;
  endpoints: number;
  delivered: number;
  /** From the receiver's first request to its last. */
  seconds: number;
  perSecond: number;
  /** The worker's user + system CPU time from the receiver's first request on; NaN where /proc is missing. */
  cpuSeconds: number;
  perCpuSecond: number;
  workerLog: Record<string, number>;
}

export interface WebhookIngestResult extends IngestComparison {
  endpoints: number;
  /** Requests the receiver got during the rounds with endpoints (batch.completed, transactions.changed). */
  received: number;
}

/** A local receiver answering 204 to every request; counts them and times the first and last. */
async function startReceiver(onFirst?: () => void): Promise<{ url: string; stats: { received: number; firstAt: number; lastAt: number }; close: () => void }> {
  const stats = { received: 0, firstAt: 0, lastAt: 0 };
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      stats.received += 1;
      stats.lastAt = performance.now();
      if (stats.received === 1) {
        stats.firstAt = stats.lastAt;
        onFirst?.();
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, stats, close: () => server.close() };
}

const workerEnv = (key: Buffer) => ({
  WEBHOOK_SECRET_KEY: key.toString('base64'),
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  ENRICHMENT_LATENCY_MS: '0',
});

async function subscribe(env: BenchEnv, box: SecretBox, integrationId: number, url: string, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `we_${tag}${i}`;
    await insertEndpoint(env.pool, { id, integrationId, url, events: ['*'] });
    await insertSecret(env.pool, id, await box.seal(`whsec_bench_${tag}_${i}`, id));
  }
}

async function pendingDeliveries(env: BenchEnv): Promise<number> {
  const { rows } = await env.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'");
  return rows[0]?.n ?? 0;
}

export async function benchWebhookDelivery(env: BenchEnv, settings: { deliveries: number; endpoints: number }, extraWorkerEnv: Record<string, string> = {}): Promise<WebhookDeliveryResult> {
  const log = env.options.log;
  await env.truncate();
  // The worker's CPU time when the first delivery arrives: what it spent starting up is left out.
  // A worker may deliver before its start-up is known to be over (before its pid is here): then
  // the count starts when the pid is known, with the requests received by then left out.
  let workerPid = 0;
  let cpuAtFirst = Number.NaN;
  let receivedBefore = 0;
  const receiver = await startReceiver(() => {
    if (workerPid !== 0) cpuAtFirst = cpuSecondsOf(workerPid) ?? Number.NaN;
  });
  try {
    const key = randomBytes(32);
    const box = new SecretBox(async () => key);
    const { rows } = await env.pool.query<{ id: number }>(
      `WITH i AS (INSERT INTO integrations (name) VALUES ('bench-webhooks') ON CONFLICT (name) DO NOTHING RETURNING id)
       SELECT id FROM i UNION ALL SELECT id FROM integrations WHERE name = 'bench-webhooks'`,
    );
    const integrationId = Number(rows[0]?.id);
    // Only reenrichment.completed: the worker's own events (transactions.changed) would add to the count.
    for (let i = 0; i < settings.endpoints; i++) {
      const id = `we_bench${i}`;
      await insertEndpoint(env.pool, { id, integrationId, url: receiver.url, events: ['reenrichment.completed'] });
      await insertSecret(env.pool, id, await box.seal(`whsec_bench_${i}`, id));
    }
    const events = Math.ceil(settings.deliveries / settings.endpoints);
    for (let done = 0; done < events; done += 1_000) {
      const chunk = Array.from({ length: Math.min(1_000, events - done) }, (_, i) => ({
        integrationId,
        type: 'reenrichment.completed' as const,
        data: { reenrichment_id: `ree_${done + i}`, status: 'completed', counts: { total: 1, pending: 0, processing: 0, completed: 1, failed: 0 } },
      }));
      await recordWebhookEvents(env.pool, chunk);
    }
    const { rows: counted } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    const deliveries = counted[0]?.n ?? 0;
    log(`  webhooks: ${deliveries.toLocaleString('en')} deliveries to ${settings.endpoints} endpoints stored; starting one worker`);

    const worker = await env.startRole('worker', {
      ...workerEnv(key),
      WEBHOOK_POLL_INTERVAL_MS: '100',
      QUEUE_PREFIX: env.queuePrefix('webhooks'),
      ...extraWorkerEnv,
    });
    workerPid = worker.pid;
    if (receiver.stats.received > 0) {
      receivedBefore = receiver.stats.received;
      cpuAtFirst = cpuSecondsOf(workerPid) ?? Number.NaN;
    }
    const from = performance.now();
    let delivered = 0;
    while (delivered < deliveries && since(from) < 300_000) {
      await sleep(250);
      const { rows: state } = await env.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'");
      delivered = state[0]?.n ?? 0;
    }
    // From the first request the receiver saw to the last: start-up is not delivery time.
    const seconds = (receiver.stats.lastAt - receiver.stats.firstAt) / 1000;
    const cpuSeconds = (cpuSecondsOf(worker.pid) ?? Number.NaN) - cpuAtFirst;
    await worker.stop();
    const received = receiver.stats.received;
    const measured = received - receivedBefore;
    log(
      `  webhooks: ${delivered} of ${deliveries} delivered, the receiver saw ${received} requests in ${seconds.toFixed(2)} s: ` +
        `${(received / seconds).toFixed(0)} deliveries/s; the worker used ${cpuSeconds.toFixed(1)} s of CPU for the last ${measured}: ${(measured / cpuSeconds).toFixed(0)} per CPU-second`,
    );
    await env.truncate();
    return {
      deliveries,
      endpoints: settings.endpoints,
      delivered,
      seconds: round(seconds, 3),
      perSecond: Math.round(received / seconds),
      cpuSeconds: round(cpuSeconds, 2),
      perCpuSecond: Math.round(measured / cpuSeconds),
      workerLog: Object.fromEntries([...worker.warnings].filter(([msg]) => msg !== 'webhook attempt delivered')),
    };
  } finally {
    receiver.close();
  }
}

export async function benchWebhookIngest(
  env: BenchEnv,
  target: Pick<IngestTarget, 'key' | 'integrationId'>,
  settings: { rows: number; rounds: number; endpoints: number; settleSeconds: number },
): Promise<WebhookIngestResult> {
  const receiver = await startReceiver();
  const key = randomBytes(32);
  const box = new SecretBox(async () => key);
  const prefix = env.queuePrefix('webhook_ingest');
  const api = await env.startRole('api', { QUEUE_PREFIX: prefix });
  const worker = await env.startRole('worker', { ...workerEnv(key), QUEUE_PREFIX: prefix });
  let received = 0;
  // Untimed: the enrichment the round started and the deliveries it caused, so rounds do not overlap.
  const settle = async () => {
    const from = performance.now();
    // Capped: on a busy machine enriching a whole round takes long; what is left is cut off by the next TRUNCATE.
    while (since(from) < settings.settleSeconds * 1000 && ((await anyUnfinished(env)) || (await pendingDeliveries(env)) > 0)) await sleep(100);
  };
  try {
    const comparison = await compareIngest(env, target, settings, 'WHOOK', [
      { name: 'api1000', apiPort: api.port, after: settle },
      {
        name: 'api1000_webhooks',
        apiPort: api.port,
        before: async () => {
          await subscribe(env, box, target.integrationId, receiver.url, settings.endpoints, `ing${Math.random().toString(36).slice(2, 8)}`);
        },
        after: async () => {
          const before = receiver.stats.received;
          await settle();
          received += receiver.stats.received - before;
        },
      },
    ], settle);
    return { ...comparison, endpoints: settings.endpoints, received };
  } finally {
    await worker.stop();
    await api.stop();
    receiver.close();
  }
}

// Run alone: delivery throughput on a database of its own.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '20000' }, endpoints: { type: 'string', default: '10' } } });
  const started = performance.now();
  const env = new BenchEnv({
    adminUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    childNodeArgs: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
    log: (message: string) => console.log(`[webhooks bench ${(since(started) / 1000).toFixed(0).padStart(3)} s] ${message}`),
  });
  try {
    await env.setUp();
    const result = await benchWebhookDelivery(
      env,
      { deliveries: Number(values.deliveries), endpoints: Number(values.endpoints) },
      process.env.BENCH_WEBHOOK_ENV ? (JSON.parse(process.env.BENCH_WEBHOOK_ENV) as Record<string, string>) : {},
    );
    if (Object.keys(result.workerLog).length > 0) console.log(`worker log lines: ${JSON.stringify(result.workerLog)}`);
  } finally {
    await env.cleanUp();
  }
}
