/**
 * `npx tsx bench/webhooks.ts [--deliveries=N] [--endpoints=N]`
 *
 * Webhook delivery throughput of one worker process to a local receiver: N deliveries (events
 * fanned out to the endpoints) are stored, one `lucro worker` is started, and the time until all
 * are delivered gives deliveries per second. Uses a fresh database on DATABASE_URL (the admin
 * URL), dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { SecretBox } from '../src/webhooks/secret-box.js';
import { insertEndpoint, insertSecret, recordWebhookEvents } from '../src/webhooks/webhook.repository.js';
import { BenchEnv } from './harness.js';
import { since } from './stats.js';

const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '20000' }, endpoints: { type: 'string', default: '10' } } });
const total = Number(values.deliveries);
const endpointCount = Number(values.endpoints);
const started = performance.now();
const log = (message: string) => console.log(`[webhooks bench ${(since(started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

/** User + system CPU seconds a process has used, from /proc (Linux). */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const env = new BenchEnv({
  adminUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  childNodeArgs: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  log,
});
let received = 0;
let firstAt = 0;
let lastAt = 0;
const receiver = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    received += 1;
    lastAt = performance.now();
    if (received === 1) firstAt = lastAt;
    response.writeHead(204).end();
  });
});

try {
  await env.setUp();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const key = randomBytes(32);
  const box = new SecretBox(async () => key);
  const { rows } = await env.pool.query<{ id: number }>("INSERT INTO integrations (name) VALUES ('bench-webhooks') RETURNING id");
  const integrationId = rows[0]!.id;
  for (let i = 0; i < endpointCount; i++) {
    const id = `we_bench${i}`;
    await insertEndpoint(env.pool, { id, integrationId, url, events: ['reenrichment.completed'] });
    await insertSecret(env.pool, id, await box.seal(`whsec_bench_${i}`, id));
  }
  const events = Math.ceil(total / endpointCount);
  for (let done = 0; done < events; done += 1_000) {
    const chunk = Array.from({ length: Math.min(1_000, events - done) }, (_, i) => ({
      integrationId,
      type: 'reenrichment.completed' as const,
      data: { reenrichment_id: `ree_${done + i}`, status: 'completed', counts: { total: 1, pending: 0, processing: 0, completed: 1, failed: 0 } },
    }));
    await recordWebhookEvents(env.pool, chunk);
  }
  const { rows: counted } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
  const deliveries = counted[0]!.n;
  log(`${deliveries} deliveries to ${endpointCount} endpoints stored; starting one worker`);

  const worker = await env.startRole('worker', {
    WEBHOOK_SECRET_KEY: key.toString('base64'),
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    ENRICHMENT_LATENCY_MS: '0',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    ...(process.env.BENCH_WEBHOOK_ENV ? (JSON.parse(process.env.BENCH_WEBHOOK_ENV) as Record<string, string>) : {}),
  });
  const from = performance.now();
  let delivered = 0;
  while (delivered < deliveries && since(from) < 300_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { rows: state } = await env.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'");
    delivered = state[0]!.n;
  }
  // From the first request the receiver saw to the last: start-up is not delivery time.
  const seconds = (lastAt - firstAt) / 1000;
  const cpuSeconds = cpuSecondsOf(worker.pid);
  await worker.stop();
  if (cpuSeconds !== undefined) {
    // On a shared machine wall time says little; CPU time per delivery says what one core would do.
    log(`the worker used ${cpuSeconds.toFixed(1)} s of CPU (start-up included): ${(received / cpuSeconds).toFixed(0)} deliveries per CPU-second`);
  }
  log(`${delivered} of ${deliveries} delivered, the receiver saw ${received} requests in ${seconds.toFixed(2)} s: ${(received / seconds).toFixed(0)} deliveries/s per worker process`);
  const warnings = [...worker.warnings].filter(([msg]) => msg !== 'webhook attempt delivered');
  if (warnings.length > 0) log(`worker log lines: ${JSON.stringify(warnings)}`);
} finally {
  receiver.close();
  await env.cleanUp();
}
