import path from 'node:path';
import { config as loadDotenv } from 'dotenv';

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
  /** Failed authentications (401/403) per second per client address, bursts to twice that; past it → 429; 0 = off (`AUTH_FAILURES_PER_SECOND`). */
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
  /** Worker and scheduler serve /healthz and /metrics here when set. */
  readonly metricsPort: number | undefined;
  /** Key prefix of the BullMQ queue in Redis (`QUEUE_PREFIX`); KEDA reads `<prefix>:enrichment:wait`. */
  readonly queuePrefix: string;
  /** Which categorizer the worker runs: `layered` (default: codes, bank wording, brands, lexicons) or `rules` (the keyword rules alone). */
  readonly categorizer: string;
  /** How often the scheduler sweeps for expired leases and stranded pending rows. */
  readonly schedulerIntervalMs: number;
  /** Pending rows untouched for this long are dispatched again by the scheduler. */
  readonly redispatchAfterMs: number;
  /** Days the change feed keeps a change (`CHANGE_RETENTION_DAYS`, at least 30). */
  readonly changeRetentionDays: number;
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
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function latencyRange(raw: string | undefined): [number, number] {
  const text = (raw ?? '500-1000').trim();
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
  if (!match) throw new ConfigError(`ENRICHMENT_LATENCY_MS must be "N" or "MIN-MAX" milliseconds, got "${text}"`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (high < low) throw new ConfigError(`ENRICHMENT_LATENCY_MS range is reversed: "${text}"`);
  return [low, high];
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
    retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 5_000, 1),
    timeoutMs,
    secretOverlapSeconds: integer(env, 'WEBHOOK_SECRET_OVERLAP_SECONDS', 24 * 3600, 0),
    concurrency: integer(env, 'WEBHOOK_CONCURRENCY', 64, 1, 10_000),
    endpointConcurrency: integer(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1, 1_000),
    pollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', 1_000, 10),
  });
}

function trustProxy(raw: string | undefined): boolean | string {
  if (raw === undefined || raw === 'false') return false;
  return raw === 'true' ? true : raw;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Builds the configuration from an environment (process.env plus `.env` by default). */
export function loadConfig(env: Env = readProcessEnv()): Config {
  const metricsPort = optional(env, 'METRICS_PORT');
  return Object.freeze({
    databaseUrl: optional(env, 'DATABASE_URL'),
    dataDir: path.resolve(optional(env, 'LUCRO_DATA_DIR') ?? '.lucro'),
    embeddedPostgresPort: integer(env, 'LUCRO_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    keysDatabaseUrl: optional(env, 'KEYS_DATABASE_URL'),
    redisUrl: optional(env, 'REDIS_URL'),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 8000, 0, 65535),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 32, 1, 10_000),
    enrichmentLatencyMs: Object.freeze(latencyRange(env.ENRICHMENT_LATENCY_MS)) as readonly [number, number],
    processingLeaseMs: integer(env, 'PROCESSING_LEASE_MS', 60_000, 100),
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 3, 1, 100),
    maxBatchSize: integer(env, 'MAX_BATCH_SIZE', 10_000, 1, 1_000_000),
    rateLimitPerSecond: integer(env, 'RATE_LIMIT_PER_SECOND', 200, 0, 1_000_000),
    authFailuresPerSecond: integer(env, 'AUTH_FAILURES_PER_SECOND', 10, 0, 1_000_000),
    trustProxy: trustProxy(optional(env, 'TRUST_PROXY')),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 20, 1, 1_000),
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    metricsPort: metricsPort === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
    queuePrefix: optional(env, 'QUEUE_PREFIX') ?? 'lucro',
    categorizer: optional(env, 'CATEGORIZER') ?? 'layered',
    schedulerIntervalMs: integer(env, 'SCHEDULER_INTERVAL_MS', 5_000, 50),
    redispatchAfterMs: integer(env, 'REDISPATCH_AFTER_MS', 30_000, 0),
    changeRetentionDays: integer(env, 'CHANGE_RETENTION_DAYS', 30, 30, 36_500),
    webhooks: webhookConfig(env),
  });
}

function readProcessEnv(): Env {
  loadDotenv({ quiet: true });
  return process.env;
}
