/**
 * Body bombs (issue 9): 10 MiB of `{}` items and of `1` items, with and without an Idempotency-Key,
 * posted to an API of its own with a 256 MB heap. Reports the API's peak heap while it receives them
 * beside its heap at rest, and whether every bomb got its 413 with the process still up.
 *
 * Then the public OpenAPI document, asked 2,000 times in one pipelined write on one connection that
 * reads nothing (for /openapi.json, then for the UI's /docs/json), before the bombs: the answers queue
 * in the API's socket buffers, outside the JS heap, so its RSS is sampled. Served as one cached
 * buffer they hold nothing new; serialised per request, /docs/json took the API from 182 to 754 MB.
 */
import net from 'node:net';
import type { BenchEnv } from './harness.js';
import { memoryOf, type LucroChild } from './harness.js';
import { round, sleep } from './stats.js';

export interface BodyBombResult {
  bombs: number;
  /** Largest `heapUsed` seen at rest, sampled through /metrics. */
  idleHeapMiB: number;
  /** Largest `heapUsed` seen while the bombs were received and answered. */
  peakHeapMiB: number;
  peakRssMiB: number;
  /** Every bomb answered 413 and the API still answered /healthz afterwards. */
  allRefused: boolean;
  answers: number[];
  /** RSS at rest, and the largest while 2,000 pipelined requests for each OpenAPI document waited unread. */
  idleRssMiB: number;
  documentsPeakRssMiB: number;
  documentRequests: number;
  /** The API still answered /healthz after them (serialised per request, it ran out of heap). */
  aliveAfterDocuments: boolean;
}

const DOCUMENT_REQUESTS = 2_000;

/** Writes `count` GETs of `path` on one connection that never reads, and holds it open for `holdMs`. */
function pipelineUnread(port: number, path: string, count: number, holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\n\r\n`.repeat(count));
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, holdMs);
    });
    socket.on('error', () => resolve());
  });
}

const TEN_MIB = 10 * 1024 * 1024 - 64;

function bomb(item: string): Buffer {
  const head = '{"account":{"account_id":"ACC-BOMB","currency":"USD"},"transactions":[';
  const count = Math.floor((TEN_MIB - head.length - 2) / (item.length + 1));
  return Buffer.from(`${head}${Array.from({ length: count }, () => item).join(',')}]}`);
}

async function heapUsedMiB(env: BenchEnv, port: number): Promise<number> {
  const { body } = await env.request('GET', port, '/metrics');
  const match = /^lucro_nodejs_heap_size_used_bytes (\S+)$/m.exec(body);
  return match ? Number(match[1]) / 2 ** 20 : Number.NaN;
}

export async function benchBodyBombs(env: BenchEnv, key: string, settings: { rounds: number }): Promise<BodyBombResult> {
  const api: LucroChild & { port: number } = await env.startRole('api', { QUEUE_PREFIX: env.queuePrefix('bodies'), NODE_OPTIONS: '--max-old-space-size=256' });
  try {
    let idle = 0;
    for (let i = 0; i < 10; i++) {
      idle = Math.max(idle, await heapUsedMiB(env, api.port));
      await sleep(100);
    }
    const idleRss = memoryOf(api.pid)?.rssMiB ?? Number.NaN;
    let documentsPeak = idleRss;
    const documents = (async () => {
      for (const path of ['/openapi.json', '/docs/json']) await pipelineUnread(api.port, path, DOCUMENT_REQUESTS, 3_000);
    })();
    for (let done = false; !done; ) {
      documentsPeak = Math.max(documentsPeak, memoryOf(api.pid)?.rssMiB ?? 0);
      done = await Promise.race([documents.then(() => true), sleep(10).then(() => false)]);
    }
    const aliveAfterDocuments = await env.request('GET', api.port, '/healthz').then((r) => r.status === 200, () => false);
    const bodies = [bomb('{}'), bomb('1')];
    const answers: number[] = [];
    let peak = idle;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await heapUsedMiB(env, api.port).catch(() => 0));
        await sleep(10);
      }
    })();
    for (let round_ = 0; round_ < settings.rounds; round_++) {
      for (const body of bodies) {
        for (const idempotencyKey of [undefined, `bomb-${round_}-${body.length}`]) {
          const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) };
          answers.push((await env.request('POST', api.port, '/api/integrations/transactions/', { body, headers }).catch(() => ({ status: 0 }))).status);
        }
      }
    }
    sampling = false;
    await sampler;
    const alive = await env.request('GET', api.port, '/healthz').then((r) => r.status === 200, () => false);
    const result = {
      bombs: answers.length,
      idleHeapMiB: round(idle, 1),
      peakHeapMiB: round(peak, 1),
      peakRssMiB: round(memoryOf(api.pid)?.peakMiB ?? Number.NaN, 1),
      allRefused: alive && answers.every((status) => status === 413),
      answers,
      idleRssMiB: round(idleRss, 1),
      documentsPeakRssMiB: round(documentsPeak, 1),
      documentRequests: DOCUMENT_REQUESTS,
      aliveAfterDocuments,
    };
    env.options.log(`  body bombs: ${answers.join(', ')}; heap idle ${result.idleHeapMiB} MiB, peak ${result.peakHeapMiB} MiB; peak RSS ${result.peakRssMiB} MiB`);
    env.options.log(`  ${DOCUMENT_REQUESTS} pipelined unread requests per OpenAPI document: RSS ${result.idleRssMiB} MiB at rest, peak ${result.documentsPeakRssMiB} MiB${aliveAfterDocuments ? '' : '; the API died'}`);
    return result;
  } finally {
    await api.stop();
  }
}
