import { accessSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { config as loadDotenv } from 'dotenv';
import { redactParsedUrl, type LogFormat } from './infra/logger.js';

/** Typed, validated, frozen configuration. The only module that reads process.env. */
export interface Config {
  /** PostgreSQL URL; undefined → the embedded server under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL keeps its data (`LUCRO_DATA_DIR`). */
  readonly dataDir: string;
  /** Port of the embedded PostgreSQL (`LUCRO_EMBEDDED_PG_PORT`), used only when DATABASE_URL is unset. */
  readonly embeddedPostgresPort: number;
  /**
   * PostgreSQL URL for `lucro keys` (`KEYS_DATABASE_URL`): the key administration role, which alone may
   * create and revoke keys; undefined → `databaseUrl`.
   */
  readonly keysDatabaseUrl: string | undefined;
  /** Redis URL for BullMQ; undefined → in-process dispatch (single process only). */
  readonly redisUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Transactions enriched at once per worker process. */
  readonly workerConcurrency: number;
  /** Simulated enrichment latency range in ms; [0, 0] turns it off. */
  readonly enrichmentLatencyMs: readonly [number, number];
  /** A claim not finished within this is reclaimed. */
  readonly processingLeaseMs: number;
  /** Claims after which a transaction is `failed`. */
  readonly maxAttempts: number;
  /** Transactions per ingestion request. */
  readonly maxBatchSize: number;
  /** API requests per second per integration, bursts to twice that; 0 turns limiting off (`RATE_LIMIT_PER_SECOND`). */
  readonly rateLimitPerSecond: number;
  /** Requests answered 401 (no key, an unknown or revoked one) per second per client address, bursts to twice that; past it → 429; 0 = off (`AUTH_FAILURES_PER_SECOND`). */
  readonly authFailuresPerSecond: number;
  /**
   * Which proxies' `X-Forwarded-For` names the client address (`TRUST_PROXY`): unset → none (the
   * socket's peer is the client), `true` (any), or comma-separated addresses/CIDRs of the proxies.
   * Behind an ingress, set it, or the per-address auth-failure limit counts the ingress as one client.
   */
  readonly trustProxy: boolean | string;
  /** A request (headers and body) not received within this is answered 408 and its connection closed (`REQUEST_TIMEOUT_MS`). */
  readonly requestTimeoutMs: number;
  /** Connections each process keeps to PostgreSQL at most (`DATABASE_POOL_MAX`). */
  readonly databasePoolMax: number;
  readonly logLevel: string;
  /** `LOG_FORMAT`: `json` or `pretty`; undefined → pretty when stdout is a terminal, JSON lines otherwise. */
  readonly logFormat: LogFormat | undefined;
  /**
   * OpenTelemetry tracing, on when an OTLP endpoint or a traces exporter is set
   * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_TRACES_EXPORTER` other
   * than `none`) and `OTEL_SDK_DISABLED` is not `true`; the SDK reads the other OTEL_* variables itself.
   * `serviceName` is `OTEL_SERVICE_NAME`, undefined → `lucro-<role>`.
   */
  readonly tracing: { serviceName: string | undefined } | undefined;
  /** `ADMIN_UI=true` serves the queue board at /admin/queues (admin scope); off by default. */
  readonly adminUi: boolean;
  /** Worker and scheduler serve /healthz and /metrics here when set. */
  readonly metricsPort: number | undefined;
  /** Key prefix of the BullMQ queue in Redis (`QUEUE_PREFIX`); KEDA reads `<prefix>:enrichment:wait`. */
  readonly queuePrefix: string;
  /**
   * A Redis connection with a command outstanding and nothing received for this long is taken for
   * dead, dropped and made again (`REDIS_SOCKET_TIMEOUT_MS`; above BullMQ's 10 s longest wait).
   */
  readonly redisSocketTimeoutMs: number;
  /** Which categorizer the worker runs: `layered` (default: codes, bank wording, brands, lexicons) or `rules` (the keyword rules alone). */
  readonly categorizer: CategorizerName;
  /**
   * Optional LLM layer of the layered categorizer (any OpenAI-compatible chat-completions server), on
   * only when `LLM_BASE_URL` and `LLM_MODEL` are set: asked for lines whose local answer is below
   * `LLM_BELOW_CONFIDENCE` (default 0.75), each attempt cut after `LLM_TIMEOUT_MS` (default 8000).
   */
  readonly llm: { readonly baseUrl: string; readonly apiKey: string | undefined; readonly model: string; readonly belowConfidence: number; readonly timeoutMs: number } | undefined;
  /** How often the scheduler sweeps for expired leases and stranded pending rows. */
  readonly schedulerIntervalMs: number;
  /** Pending rows untouched for this long are dispatched again by the scheduler. */
  readonly redispatchAfterMs: number;
  /** Days the change feed keeps a change (`CHANGE_RETENTION_DAYS`, at least 30). */
  readonly changeRetentionDays: number;

  // Timeouts (issue 10)
  /**
   * How long a process waits for one database statement (`DATABASE_QUERY_TIMEOUT_MS`, default 4500,
   * inside the contract's 5 s for a 503). The server's statement and lock timeouts are set below it,
   * so the server gives a statement up before the client stops waiting for it.
   */
  readonly databaseQueryTimeoutMs: number;
  /** A draining process exits after this even if something hangs (`SHUTDOWN_DEADLINE_MS`, default 25000; the contract allows 30 s). */
  readonly shutdownDeadlineMs: number;
  /**
   * npm started the process (`npm_command`, which npm sets for what it runs, as in `npx lucro start`):
   * a signal npm passes on may end only the shell between, so the process watches for its parent to go.
   */
  readonly startedByNpm: boolean;
  /** Webhooks (contract §13). */
  readonly webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** AES-256-GCM key sealing endpoint secrets at rest (`WEBHOOK_SECRET_KEY`, 32 bytes as base64 or hex); undefined → a key file under the data dir. */
  readonly secretKey: Buffer | undefined;
  /** `WEBHOOK_ALLOW_PRIVATE_URLS=true` allows http and private, loopback and link-local addresses (local use and tests). */
  readonly allowPrivateUrls: boolean;
  /** A delivery is retried for this long after its event, then `failed` (`WEBHOOK_RETRY_HOURS`, decimals allowed). */
  readonly retryHours: number;
  /** First retry delay; each further one doubles, up to an hour, with jitter (`WEBHOOK_RETRY_BASE_MS`). */
  readonly retryBaseMs: number;
  /** A receiver must answer within this (`WEBHOOK_TIMEOUT_MS`, 10 s by the contract). */
  readonly timeoutMs: number;
  /** After a rotation the old secret keeps signing this long (`WEBHOOK_SECRET_OVERLAP_SECONDS`, 24 h). */
  readonly secretOverlapSeconds: number;
  /** Deliveries in flight per worker process (`WEBHOOK_CONCURRENCY`). */
  readonly concurrency: number;
  /** Deliveries in flight per endpoint across all workers, so one slow receiver cannot take every slot (`WEBHOOK_ENDPOINT_CONCURRENCY`). */
  readonly endpointConcurrency: number;
  /** How often an idle worker looks for due deliveries and change notifications (`WEBHOOK_POLL_INTERVAL_MS`). */
  readonly pollIntervalMs: number;
  /** Days a delivered or failed delivery, and an event with none left, is kept (`WEBHOOK_RETENTION_DAYS`); the scheduler purges older ones. */
  readonly retentionDays: number;
}

export class ConfigError extends Error {}

/** The categorizers CATEGORIZER may name; the registry (enrichment/categorizers/registry.ts) has one entry for each. */
export const CATEGORIZER_NAMES = ['layered', 'rules'] as const;
export type CategorizerName = (typeof CATEGORIZER_NAMES)[number];

/** pino's levels. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

/**
 * The longest delay a Node timer takes (about 24.8 days): a longer one fires after 1 ms instead, so a
 * process given one would loop. Every setting in milliseconds stops here.
 */
const MAX_TIMER_MS = 2_147_483_647;

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${name} must be ${wholeNumber(min, max)}, got "${raw}"`);
  return value;
}

/** What `integer` accepts, in words: "a positive whole number", "a whole number from 0 to 65535", … */
function wholeNumber(min: number, max: number): string {
  const bounded = max < Number.MAX_SAFE_INTEGER;
  if (min === 1) return bounded ? `a positive whole number up to ${max}` : 'a positive whole number';
  return bounded ? `a whole number from ${min} to ${max}` : `a whole number of ${min} or more`;
}

function latencyRange(raw: string | undefined): [number, number] {
  // Empty is the default, as for every other setting (.env.example leaves optional ones empty).
  const text = raw === undefined || raw.trim() === '' ? '500-1000' : raw.trim();
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
  if (!match) throw new ConfigError(`ENRICHMENT_LATENCY_MS must be "N" or "MIN-MAX" milliseconds, got "${text}"`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (high < low) throw new ConfigError(`ENRICHMENT_LATENCY_MS range is reversed: "${text}"`);
  if (high > MAX_TIMER_MS) throw new ConfigError(`ENRICHMENT_LATENCY_MS must be at most ${MAX_TIMER_MS} milliseconds, got "${text}"`);
  return [low, high];
}

function llmSettings(env: Env): Config['llm'] {
  const baseUrl = optional(env, 'LLM_BASE_URL');
  const model = optional(env, 'LLM_MODEL');
  if (baseUrl === undefined && model === undefined) return undefined;
  if (baseUrl === undefined || model === undefined) throw new ConfigError('LLM_BASE_URL and LLM_MODEL go together: set both to use an LLM, or neither');
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigError(`LLM_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  const below = optional(env, 'LLM_BELOW_CONFIDENCE') ?? '0.75';
  const belowConfidence = Number(below);
  if (!/^(?:0(?:\.\d+)?|1(?:\.0+)?)$/.test(below)) throw new ConfigError(`LLM_BELOW_CONFIDENCE must be a number from 0 to 1, got "${below}"`);
  return Object.freeze({ baseUrl, apiKey: optional(env, 'LLM_API_KEY'), model, belowConfidence, timeoutMs: integer(env, 'LLM_TIMEOUT_MS', 8_000, 100, 600_000) });
}

function decimal(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) < min) throw new ConfigError(`${name} must be a number of at least ${min}, got "${raw}"`);
  return Number(raw);
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function secretKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  // The key itself is never part of the message.
  if (key.length !== 32) throw new ConfigError('WEBHOOK_SECRET_KEY must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)');
  return key;
}

function webhookConfig(env: Env): WebhookConfig {
  const timeoutMs = integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 50, 10_000);
  return Object.freeze({
    secretKey: secretKey(optional(env, 'WEBHOOK_SECRET_KEY')),
    allowPrivateUrls: flag(env, 'WEBHOOK_ALLOW_PRIVATE_URLS'),
    retryHours: decimal(env, 'WEBHOOK_RETRY_HOURS', 24, 0),
    retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 5_000, 1, MAX_TIMER_MS),
    timeoutMs,
    secretOverlapSeconds: integer(env, 'WEBHOOK_SECRET_OVERLAP_SECONDS', 24 * 3600, 0),
    concurrency: integer(env, 'WEBHOOK_CONCURRENCY', 64, 1, 10_000),
    endpointConcurrency: integer(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1, 1_000),
    pollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', 1_000, 10, MAX_TIMER_MS),
    retentionDays: integer(env, 'WEBHOOK_RETENTION_DAYS', 30, 1, 36_500),
  });
}

/** proxy-addr's names for address ranges, accepted beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(raw: string | undefined): boolean | string {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrCidr(entry));
  if (bad !== undefined) {
    throw new ConfigError(`TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDRs of the proxies (e.g. 10.0.0.0/8,127.0.0.1), got "${bad}"`);
  }
  return entries.join(',');
}

function isAddressOrCidr(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits <= (version === 4 ? 32 : 128);
}

function redisUrl(env: Env): string | undefined {
  return serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:'], 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379');
}

/** libpq's sslmode values, and node-postgres's no-verify. */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

function databaseUrl(env: Env, name: string): string | undefined {
  const raw = serviceUrl(env, name, ['postgres:', 'postgresql:', 'socket:'], 'a postgres:// URL such as postgres://lucro:secret@127.0.0.1:5432/lucro');
  if (raw === undefined) return undefined;
  // TLS settings are checked here, once: a CA file that cannot be read is a mistake to fix, not a
  // database outage to wait out (the driver reads it at each connection, and would fail each time).
  // An empty value is no setting, as node-postgres reads it.
  const params = new URL(raw).searchParams;
  const sslmode = params.get('sslmode');
  if (sslmode && !SSL_MODES.includes(sslmode.toLowerCase())) throw new ConfigError(`${name}: sslmode must be one of ${SSL_MODES.join(', ')}, got "${sslmode}"`);
  for (const file of ['sslrootcert', 'sslcert', 'sslkey']) {
    const at = params.get(file);
    if (!at) continue;
    try {
      accessSync(at, fsConstants.R_OK);
    } catch (error) {
      throw new ConfigError(`${name}: ${file} ${at} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return raw;
}

/** A URL of one of these schemes, or undefined when unset; anything else is refused in one line. */
function serviceUrl(env: Env, name: string, protocols: readonly string[], what: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // Not echoed: a mistyped URL may still hold the password.
    throw new ConfigError(`${name} must be ${what}, got something that is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must be ${what}, got "${redactParsedUrl(url)}"`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[]): T | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Builds the configuration from an environment (process.env plus `.env` by default). */
export function loadConfig(env: Env = readProcessEnv()): Config {
  const metricsPort = optional(env, 'METRICS_PORT');
  const categorizer = oneOf(env, 'CATEGORIZER', CATEGORIZER_NAMES) ?? 'layered';
  const llm = llmSettings(env);
  if (llm !== undefined && categorizer !== 'layered') {
    throw new ConfigError(`LLM_BASE_URL and LLM_MODEL are set, but CATEGORIZER=${categorizer} has no LLM layer: use CATEGORIZER=layered, or unset them`);
  }
  return Object.freeze({
    databaseUrl: databaseUrl(env, 'DATABASE_URL'),
    dataDir: path.resolve(optional(env, 'LUCRO_DATA_DIR') ?? '.lucro'),
    embeddedPostgresPort: integer(env, 'LUCRO_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    keysDatabaseUrl: databaseUrl(env, 'KEYS_DATABASE_URL'),
    redisUrl: redisUrl(env),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 8000, 0, 65535),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 32, 1, 10_000),
    enrichmentLatencyMs: Object.freeze(latencyRange(env.ENRICHMENT_LATENCY_MS)) as readonly [number, number],
    processingLeaseMs: integer(env, 'PROCESSING_LEASE_MS', 60_000, 100, MAX_TIMER_MS),
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 3, 1, 100),
    maxBatchSize: integer(env, 'MAX_BATCH_SIZE', 10_000, 1, 1_000_000),
    rateLimitPerSecond: integer(env, 'RATE_LIMIT_PER_SECOND', 200, 0, 1_000_000),
    authFailuresPerSecond: integer(env, 'AUTH_FAILURES_PER_SECOND', 50, 0, 1_000_000),
    trustProxy: trustProxy(optional(env, 'TRUST_PROXY')),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 20, 1, 1_000),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS) ?? 'info',
    logFormat: oneOf<LogFormat>(env, 'LOG_FORMAT', ['json', 'pretty']),
    adminUi: flag(env, 'ADMIN_UI'),
    tracing: tracingEnabled(env) ? { serviceName: optional(env, 'OTEL_SERVICE_NAME') } : undefined,
    metricsPort: metricsPort === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
    queuePrefix: optional(env, 'QUEUE_PREFIX') ?? 'lucro',
    redisSocketTimeoutMs: integer(env, 'REDIS_SOCKET_TIMEOUT_MS', 30_000, 11_000, MAX_TIMER_MS),
    categorizer,
    llm,
    schedulerIntervalMs: integer(env, 'SCHEDULER_INTERVAL_MS', 5_000, 50, MAX_TIMER_MS),
    redispatchAfterMs: integer(env, 'REDISPATCH_AFTER_MS', 30_000, 0, MAX_TIMER_MS),
    changeRetentionDays: integer(env, 'CHANGE_RETENTION_DAYS', 30, 30, 36_500),
    databaseQueryTimeoutMs: integer(env, 'DATABASE_QUERY_TIMEOUT_MS', 4_500, 200, 60_000),
    shutdownDeadlineMs: integer(env, 'SHUTDOWN_DEADLINE_MS', 25_000, 100, 29_000),
    startedByNpm: env.npm_command !== undefined,
    webhooks: webhookConfig(env),
  });
}

function tracingEnabled(env: Env): boolean {
  if (optional(env, 'OTEL_SDK_DISABLED') === 'true') return false;
  const exporter = optional(env, 'OTEL_TRACES_EXPORTER');
  if (exporter !== undefined) return exporter !== 'none';
  return optional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined || optional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined;
}

function readProcessEnv(): Env {
  loadDotenv({ quiet: true });
  return process.env;
}
