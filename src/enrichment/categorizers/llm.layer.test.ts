import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CategorizableTransaction } from './categorizer.js';
import { LayeredCategorizer } from './layered.categorizer.js';
import { LLM_CONFIDENCE, LlmLayer, type LlmSettings } from './llm.layer.js';

/** What the fake server does with each request, in turn; the last one repeats. */
type Reply = { status?: number; headers?: Record<string, string>; content?: string; raw?: string } | 'hang';

/** A fake OpenAI-compatible chat-completions server, started by the test. */
class FakeLlm {
  replies: Reply[] = [];
  requests: { path: string; authorization: string | undefined; body: { model: string; messages: { role: string; content: string }[]; response_format: unknown } }[] = [];
  private server: Server | undefined;
  private readonly hanging: ServerResponse[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text) });
    const reply = this.replies.length > 1 ? this.replies.shift() : this.replies[0];
    if (reply === undefined || reply === 'hang') {
      this.hanging.push(res);
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.raw ?? JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply.content ?? '' } }] }));
  }
}

const fake = new FakeLlm();
let baseUrl = '';
beforeAll(async () => {
  baseUrl = await fake.start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.replies = [];
  fake.requests = [];
});

function settings(overrides: Partial<LlmSettings> = {}): LlmSettings {
  return { baseUrl, apiKey: 'sk-test', model: 'tiny-1', timeoutMs: 5_000, retries: 2, backoffMs: 5, breakerFailures: 3, breakerCooldownMs: 60_000, cacheSize: 100, ...overrides };
}

function categorizer(llm: LlmLayer): LayeredCategorizer {
  return new LayeredCategorizer({ refine: { layer: llm, belowConfidence: 0.75 } });
}

function tx(description: string, currency = 'ZAR'): CategorizableTransaction {
  return { transactionId: 't', accountId: 'a', date: '2026-01-01', amount: '-120.00', currency, merchantName: null, description };
}

const UNKNOWN = 'POS Purchase The Dusty Owl  * 12 Oct';

describe('LLM layer against an OpenAI-compatible server', () => {
  it('when the local layers do not know a line, then the model answers it, constrained to our categories, with its source', async () => {
    fake.replies = [{ content: '{"category":"FOOD_AND_DRINK"}' }];
    const answer = await categorizer(new LlmLayer(settings())).categorize(tx(UNKNOWN));
    expect(answer).toEqual({ category: 'FOOD_AND_DRINK', confidence: LLM_CONFIDENCE, source: 'llm:tiny-1' });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe('Bearer sk-test');
    expect(request?.body.model).toBe('tiny-1');
    expect(JSON.stringify(request?.body.response_format)).toContain('"enum":["INCOME"');
    expect(request?.body.messages[1]?.content).toContain('The Dusty Owl');
  });

  it('when a merchant comes again in the same market, then the cached answer is used without a call', async () => {
    fake.replies = [{ content: '{"category":"ENTERTAINMENT"}' }];
    const layered = categorizer(new LlmLayer(settings()));
    await layered.categorize(tx('POS Purchase Zorvath Quill  * 01 Oct'));
    const again = await layered.categorize(tx('POS Purchase Zorvath Quill  * 19 Nov'));
    expect(again.category).toBe('ENTERTAINMENT');
    expect(fake.requests).toHaveLength(1);
    await layered.categorize(tx('POS Purchase Zorvath Quill  * 19 Nov', 'GBP'));
    expect(fake.requests).toHaveLength(2);
  });

  it('when the local answer is strong, then the model is not asked', async () => {
    fake.replies = [{ content: '{"category":"TRAVEL"}' }];
    const answer = await categorizer(new LlmLayer(settings())).categorize(tx('POS Purchase Engen Montclair  * 07 Oct'));
    expect(answer.category).toBe('TRANSPORTATION');
    expect(fake.requests).toHaveLength(0);
  });

  it('when the model answers a category outside the list, then the local answer stands and nothing is cached', async () => {
    fake.replies = [{ content: '{"category":"GROCERIES"}' }];
    const layered = categorizer(new LlmLayer(settings()));
    expect(await layered.categorize(tx(UNKNOWN))).toEqual({ category: 'UNCATEGORIZED', confidence: 0, source: 'rules:none' });
    await layered.categorize(tx(UNKNOWN));
    expect(fake.requests).toHaveLength(2);
  });

  it('when the model answers something that is not JSON, then the local answer stands', async () => {
    fake.replies = [{ content: 'I think this is probably a restaurant.' }, { raw: '{"choices": [' }];
    const layered = categorizer(new LlmLayer(settings()));
    expect((await layered.categorize(tx(UNKNOWN))).category).toBe('UNCATEGORIZED');
    expect((await layered.categorize(tx('POS Purchase Another Place  * 02 Oct'))).category).toBe('UNCATEGORIZED');
  });

  it('when the server answers 429 with Retry-After, then the call is retried and the answer used', async () => {
    fake.replies = [{ status: 429, headers: { 'retry-after': '0' }, raw: '{"error":"rate limited"}' }, { content: '{"category":"PERSONAL_CARE"}' }];
    const answer = await categorizer(new LlmLayer(settings())).categorize(tx(UNKNOWN));
    expect(answer.category).toBe('PERSONAL_CARE');
    expect(fake.requests).toHaveLength(2);
  });

  it('when the server never answers, then each attempt times out, retries stop, and the local answer stands', async () => {
    fake.replies = ['hang'];
    const answer = await categorizer(new LlmLayer(settings({ timeoutMs: 100, retries: 1 }))).categorize(tx(UNKNOWN));
    expect(answer.category).toBe('UNCATEGORIZED');
    expect(fake.requests).toHaveLength(2);
  });

  it('when the worker aborts the call (its lease runs out), then the categorizer stops with that reason', async () => {
    fake.replies = ['hang'];
    const controller = new AbortController();
    const pending = categorizer(new LlmLayer(settings({ timeoutMs: 10_000 }))).categorize(tx(UNKNOWN), controller.signal);
    controller.abort(new Error('lease ends'));
    await expect(pending).rejects.toThrow('lease ends');
  });

  it('when the server keeps failing, then the circuit opens and later lines are not sent', async () => {
    fake.replies = [{ status: 500, raw: '{}' }];
    const llm = new LlmLayer(settings({ retries: 0, breakerFailures: 3 }));
    const layered = categorizer(llm);
    for (const place of ['One', 'Two', 'Three', 'Four', 'Five']) await layered.categorize(tx(`POS Purchase Unknown ${place}  * 01 Oct`));
    expect(fake.requests).toHaveLength(3);
    expect(llm.circuitOpen).toBe(true);
  });
});
