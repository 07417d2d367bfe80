import { setTimeout as sleep } from 'node:timers/promises';
import { CATEGORIES, CATEGORY_NAMES, type Category } from '../../domain/taxonomy.js';
import type { Categorization } from './categorizer.js';
import type { CategorizationLayer, LineFacts } from './layer.js';

/** How to reach an OpenAI-compatible chat-completions server (a hosted model, llama.cpp, Ollama). */
export interface LlmSettings {
  /** Up to and without `/chat/completions`, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  /** One attempt is cut off after this; the worker's own signal (the lease) cuts every attempt. */
  readonly timeoutMs: number;
  /** Attempts after the first, for timeouts, 429s, 5xx and network errors. */
  readonly retries: number;
  /** First backoff; doubled per retry, with jitter; a 429's Retry-After is honoured up to 10 × this. */
  readonly backoffMs: number;
  /** Consecutive failed calls that open the circuit, and how long it stays open. */
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  /** Answers remembered per merchant key and market. */
  readonly cacheSize: number;
}

export const LLM_DEFAULTS = { timeoutMs: 8_000, retries: 2, backoffMs: 250, breakerFailures: 5, breakerCooldownMs: 30_000, cacheSize: 10_000 } as const;

/** An LLM's answer is a guess from the name alone: below the strong band, above the weak keyword guesses. */
export const LLM_CONFIDENCE = 0.7;

const ANSWERABLE = CATEGORY_NAMES.filter((c) => c !== 'UNCATEGORIZED');

const SYSTEM_PROMPT = [
  'You file one bank statement line under one category of a fixed list. Answer with JSON {"category": "<NAME>"}, nothing else.',
  'Use UNCATEGORIZED when the line does not say what was bought or who was paid.',
  'Categories:',
  ...CATEGORY_NAMES.map((name) => `${name}: ${CATEGORIES[name]}`),
].join('\n');

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Asks an OpenAI-compatible chat-completions server for a line no local layer was sure of. The
 * answer is constrained to our categories (a JSON schema with an enum, and checked again here);
 * answers are cached per merchant key and market, so a merchant costs one call. Each attempt has
 * a timeout inside the worker's lease; timeouts, 429s (honouring Retry-After), 5xx and network
 * errors are retried with exponential backoff; after `breakerFailures` failed calls in a row the
 * circuit opens and lines pass to the next answer without waiting, until the cooldown ends.
 * It never throws for the server's faults: it answers undefined and the local answer stands.
 */
export class LlmLayer implements CategorizationLayer {
  readonly name: string;
  private readonly cache = new Map<string, Category>();
  private readonly inFlight = new Map<string, Promise<Category | undefined>>();
  private failuresInARow = 0;
  private openUntil = 0;

  constructor(
    private readonly settings: LlmSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.name = `llm:${settings.model}`;
  }

  /** Whether calls are being skipped because the server kept failing. */
  get circuitOpen(): boolean {
    return Date.now() < this.openUntil;
  }

  async categorize(line: LineFacts, signal?: AbortSignal): Promise<Categorization | undefined> {
    const key = `${line.transaction.currency.toUpperCase()}:${line.merchant.key || line.words}`;
    const category = this.cache.get(key) ?? (await this.ask(key, line, signal));
    if (category === undefined || category === 'UNCATEGORIZED') return undefined;
    return { category, confidence: LLM_CONFIDENCE, source: this.name };
  }

  private ask(key: string, line: LineFacts, signal?: AbortSignal): Promise<Category | undefined> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const call = this.call(line, signal).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call.then((category) => {
      if (category !== undefined) this.remember(key, category);
      return category;
    });
  }

  private remember(key: string, category: Category): void {
    if (this.cache.size >= this.settings.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, category);
  }

  private async call(line: LineFacts, signal?: AbortSignal): Promise<Category | undefined> {
    if (this.circuitOpen) return undefined;
    const { retries, backoffMs } = this.settings;
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted();
      try {
        const category = await this.attempt(line, signal);
        this.failuresInARow = 0;
        return category;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof RetryableError) || attempt >= retries) {
          this.failed();
          return undefined;
        }
        const backoff = backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
        await sleep(Math.min(error.retryAfterMs ?? backoff, backoffMs * 10), undefined, { signal });
      }
    }
  }

  private failed(): void {
    this.failuresInARow += 1;
    if (this.failuresInARow >= this.settings.breakerFailures) {
      this.openUntil = Date.now() + this.settings.breakerCooldownMs;
      this.failuresInARow = 0;
    }
  }

  /** One request; throws RetryableError for faults worth another try, Error for a wrong answer. */
  private async attempt(line: LineFacts, signal?: AbortSignal): Promise<Category> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}) },
        body: JSON.stringify(this.request(line)),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RetryableError(`LLM request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new RetryableError(`LLM answered ${response.status}`, retryAfterMs(response.headers.get('retry-after')));
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`LLM answered ${response.status}`);
    }
    let content: unknown;
    try {
      const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
      content = body.choices?.[0]?.message?.content;
    } catch (error) {
      if (timeout.aborted || signal?.aborted) throw new RetryableError('LLM answer timed out');
      throw error;
    }
    return parseAnswer(content);
  }

  private request(line: LineFacts): unknown {
    const t = line.transaction;
    const described = { merchant: t.merchantName ?? undefined, description: t.description ?? undefined, direction: line.sign === 'credit' ? 'money in' : 'money out', currency: t.currency };
    return {
      model: this.settings.model,
      temperature: 0,
      max_tokens: 20,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: JSON.stringify(described) },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'category',
          strict: true,
          schema: { type: 'object', properties: { category: { type: 'string', enum: [...ANSWERABLE, 'UNCATEGORIZED'] } }, required: ['category'], additionalProperties: false },
        },
      },
    };
  }
}

/** The model's message as one of our categories; anything else is a wrong answer. */
function parseAnswer(content: unknown): Category {
  if (typeof content !== 'string') throw new Error('LLM answer has no message content');
  const json = /\{[\s\S]*\}/.exec(content)?.[0];
  if (json === undefined) throw new Error('LLM answer is not JSON');
  const category = (JSON.parse(json) as { category?: unknown }).category;
  if (typeof category !== 'string' || !(CATEGORY_NAMES as readonly string[]).includes(category)) throw new Error(`LLM answered a category outside the list: ${String(category)}`);
  return category as Category;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
