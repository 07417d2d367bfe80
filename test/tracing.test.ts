import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { batchBody, createTestContext, type TestContext } from './helpers/context.js';
import { freePort, startLucro, testRedisUrl, waitFor, type LucroProcess } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

/** One span as OTLP/JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<Omit<ReceivedSpan, 'service'>> }>;
  }>;
}

/** An OTLP/HTTP JSON receiver keeping every span in memory: the exporter of the processes under test. */
function otlpReceiver(): { spans: ReceivedSpan[]; server: http.Server } {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const exported = JSON.parse(body) as OtlpExport;
      for (const resourceSpans of exported.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ service, ...span });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { spans, server };
}

let ctx: TestContext;
const receiver = otlpReceiver();
const started: LucroProcess[] = [];
let hooks: Receiver;

beforeAll(async () => {
  ctx = await createTestContext();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  hooks = await startReceiver();
});
afterAll(async () => {
  for (const p of started) p.child.kill('SIGKILL');
  receiver.server.close();
  await hooks.close();
  await ctx.close();
});

const attribute = (span: ReceivedSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('OpenTelemetry traces', () => {
  it('when tracing variables are unset, then tracing is off; an OTLP endpoint turns it on, OTEL_SDK_DISABLED off again', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({ serviceName: undefined });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'lucro' }).tracing).toEqual({ serviceName: 'lucro' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeUndefined();
  });

  it('when a batch is POSTed to the API and enriched by a worker process, then the worker’s claim, categorize and write spans join the POST’s trace, its log lines carry the trace id, and each webhook attempt is a span in that trace with its POST beneath it', async () => {
    const address = receiver.server.address() as { port: number };
    const port = await freePort();
    const env = {
      DATABASE_URL: ctx.db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}`,
      ENRICHMENT_LATENCY_MS: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${address.port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    };
    const api = startLucro(['api'], { ...env, PORT: String(port) });
    const worker = startLucro(['worker'], { ...env, LOG_LEVEL: 'debug' });
    started.push(api, worker);
    await Promise.all([api.waitForLog((l) => String(l.msg).startsWith('API listening')), worker.waitForLog((l) => l.msg === 'worker started')]);

    const headers = { authorization: `Bearer ${await ctx.key(['ingest'])}`, 'content-type': 'application/json' };
    const subscribed = await fetch(`http://127.0.0.1:${port}/api/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: hooks.url, events: ['batch.completed'] }) });
    expect(subscribed.status).toBe(201);
    const posted = await fetch(`http://127.0.0.1:${port}/api/integrations/transactions/`, { method: 'POST', headers, body: JSON.stringify(batchBody(3, { accountId: 'ACC-TRACE' })) });
    expect(posted.status).toBe(202);
    const { batch_id: batchId } = (await posted.json()) as { batch_id: string };

    const post = await waitForSpan((s) => s.service === 'lucro-api' && s.kind === 2 && s.name === 'POST /api/integrations/transactions/');
    const traceId = post.traceId;
    const write = await waitForSpan((s) => s.service === 'lucro-worker' && s.name === 'enrichment.write' && (s.traceId === traceId || (s.links ?? []).some((l) => l.traceId === traceId)));
    expect(write).toBeDefined();

    // The job's span ends after the write it contains, so it may be exported a moment later.
    const job = await waitForSpan((s) => s.service === 'lucro-worker' && s.name === 'enrichment.job' && s.traceId === traceId);
    const inTrace = receiver.spans.filter((s) => s.traceId === traceId);
    // The job's parent is a span of the API's request, in the other process.
    expect(inTrace.filter((s) => s.service === 'lucro-api').map((s) => s.spanId)).toContain(job?.parentSpanId);
    const workerSpans = new Set(inTrace.filter((s) => s.service === 'lucro-worker').map((s) => s.name));
    for (const name of ['enrichment.job', 'enrichment.claim', 'enrichment.categorize', 'enrichment.write']) expect(workerSpans).toContain(name);
    // The client spans of the maintained instrumentations: PostgreSQL on both sides, Redis for the enqueue.
    expect(inTrace.some((s) => s.service === 'lucro-api' && s.name.startsWith('pg.query'))).toBe(true);
    expect(inTrace.some((s) => s.service === 'lucro-worker' && s.name.startsWith('pg.query'))).toBe(true);
    expect(inTrace.some((s) => s.service === 'lucro-api' && /^(evalsha|eval|multi|exec|rpush|lpush)/i.test(s.name))).toBe(true);

    // The API's own lines about the request, its arrival and its answer, carry the trace id too.
    const postLines = api.lines.filter((l) => l.reqId === posted.headers.get('x-request-id'));
    expect(postLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    for (const line of postLines) expect([line.msg, line.trace_id]).toEqual([line.msg, traceId]);

    const enriched = worker.lines.filter((l) => l.msg === 'transaction enriched' && l.batch_id === batchId);
    expect(enriched).toHaveLength(3);
    for (const line of enriched) expect(line.trace_id).toBe(traceId);
    expect(enriched[0]?.span_id).toMatch(/^[0-9a-f]{16}$/);

    // The batch.completed webhook: one webhook.deliver span per attempt, the POST to the receiver under it, and the attempt's log line in it.
    await waitFor(async () => hooks.received.length > 0, 20_000, 'the batch.completed delivery');
    const eventId = hooks.received[0]?.body.id;
    const deliver = await waitForSpan((s) => s.service === 'lucro-worker' && s.name === 'webhook.deliver' && attribute(s, 'lucro.event_id') === eventId);
    expect(deliver.kind).toBe(3);
    // It continues the POST's trace (through the job that finished the batch and recorded the event) and links to the pass that sent it.
    expect(deliver.traceId).toBe(traceId);
    const pass = await waitForSpan((s) => s.service === 'lucro-worker' && s.name === 'enrichment.job' && attribute(s, 'lucro.kind') === 'webhooks' && (deliver.links ?? []).some((l) => l.spanId === s.spanId));
    expect(pass.traceId).not.toBe(traceId);
    expect(attribute(deliver, 'lucro.event_type')).toBe('batch.completed');
    expect(attribute(deliver, 'lucro.attempt')).toBe(1);
    expect(attribute(deliver, 'http.response.status_code')).toBe(200);
    const request = await waitForSpan((s) => s.service === 'lucro-worker' && s.parentSpanId === deliver.spanId && s.kind === 3);
    expect(request.traceId).toBe(deliver.traceId);
    await waitFor(async () => worker.lines.some((l) => l.msg === 'webhook attempt delivered' && l.event_id === eventId), 10_000, 'the attempt log line');
    const attemptLine = worker.lines.find((l) => l.msg === 'webhook attempt delivered' && l.event_id === eventId);
    expect(attemptLine).toMatchObject({ trace_id: deliver.traceId, span_id: deliver.spanId });
  }, 90_000);
});

async function waitForSpan(predicate: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan> {
  await waitFor(async () => receiver.spans.some(predicate), 20_000, 'the span to be exported');
  return receiver.spans.find(predicate) as ReceivedSpan;
}
