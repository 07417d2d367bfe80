import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ logLevel: 'info', trustProxy: false, categorizer: 'layered', redisUrl: undefined, workerConcurrency: 32 });
    // The contract's table (§1), value for value.
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: path.resolve('.lucro'),
      host: '127.0.0.1',
      port: 8000,
      enrichmentLatencyMs: [500, 1000],
      processingLeaseMs: 60_000,
      maxAttempts: 3,
      maxBatchSize: 10_000,
      metricsPort: undefined,
    });
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ TRUST_PROXY: 'garbage' }, 'TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDRs of the proxies (e.g. 10.0.0.0/8,127.0.0.1), got "garbage"'],
    [{ TRUST_PROXY: '99' }, 'TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDRs of the proxies (e.g. 10.0.0.0/8,127.0.0.1), got "99"'],
    [{ TRUST_PROXY: '10.0.0.1,10.0.0.0/33' }, 'TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDRs of the proxies (e.g. 10.0.0.0/8,127.0.0.1), got "10.0.0.0/33"'],
    [{ CATEGORIZER: 'xyz' }, 'CATEGORIZER must be one of layered, rules, got "xyz"'],
    [{ CATEGORIZER: 'rules', LLM_BASE_URL: 'http://x', LLM_MODEL: 'm' }, 'LLM_BASE_URL and LLM_MODEL are set, but CATEGORIZER=rules has no LLM layer: use CATEGORIZER=layered, or unset them'],
    [{ REDIS_URL: 'notaurl' }, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got something that is not a URL'],
    [{ REDIS_URL: 'http://:hunter2@cache:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got "http://:***@cache:6379/"'],
    [{ DATABASE_URL: 'garbage' }, 'DATABASE_URL must be a postgres:// URL such as postgres://lucro:secret@127.0.0.1:5432/lucro, got something that is not a URL'],
    [{ DATABASE_URL: 'mysql://root:hunter2@db/lucro' }, 'DATABASE_URL must be a postgres:// URL such as postgres://lucro:secret@127.0.0.1:5432/lucro, got "mysql://root:***@db/lucro"'],
    [{ DATABASE_URL: 'mysql://root@db/lucro?password=hunter2' }, 'DATABASE_URL must be a postgres:// URL such as postgres://lucro:secret@127.0.0.1:5432/lucro, got "mysql://root@db/lucro?password=***"'],
    [{ KEYS_DATABASE_URL: 'db:5432' }, 'KEYS_DATABASE_URL must be a postgres:// URL such as postgres://lucro:secret@127.0.0.1:5432/lucro, got "db:5432"'],
    [{ REDIS_SOCKET_TIMEOUT_MS: '5000' }, 'REDIS_SOCKET_TIMEOUT_MS must be a whole number from 11000 to 2147483647, got "5000"'],
    // A Node timer longer than 2^31-1 ms fires after 1 ms: the process would loop.
    [{ SCHEDULER_INTERVAL_MS: '2147483648' }, 'SCHEDULER_INTERVAL_MS must be a whole number from 50 to 2147483647, got "2147483648"'],
    [{ WEBHOOK_POLL_INTERVAL_MS: '99999999999' }, 'WEBHOOK_POLL_INTERVAL_MS must be a whole number from 10 to 2147483647, got "99999999999"'],
    [{ REDIS_SOCKET_TIMEOUT_MS: '99999999999' }, 'REDIS_SOCKET_TIMEOUT_MS must be a whole number from 11000 to 2147483647, got "99999999999"'],
    [{ ENRICHMENT_LATENCY_MS: '1-2147483648' }, 'ENRICHMENT_LATENCY_MS must be at most 2147483647 milliseconds, got "1-2147483648"'],
    [{ DATABASE_URL: 'postgres://db/lucro?sslmode=verify' }, 'DATABASE_URL: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, no-verify, got "verify"'],
    [{ DATABASE_URL: 'postgres://db/lucro?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem' }, 'DATABASE_URL: sslrootcert /nonexistent/ca.pem cannot be read (ENOENT)'],
    [{ WORKER_CONCURRENCY: '-1' }, 'WORKER_CONCURRENCY must be a positive whole number up to 10000, got "-1"'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY must be a positive whole number up to 10000, got "0"'],
    [{ PROCESSING_LEASE_MS: '-5' }, 'PROCESSING_LEASE_MS must be a whole number from 100 to 2147483647, got "-5"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535, got "70000"'],
  ])('when the environment has %j, then it fails with one line naming the variable and what it takes', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('when TRUST_PROXY names addresses, CIDRs and ranges, then they are kept for the proxy check', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1/128,loopback' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1,::1/128,loopback');
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('when REDIS_URL is a redis:// or rediss:// URL, then it is used as given', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ REDIS_URL: 'rediss://:secret@cache.example.com:6380/2' }).redisUrl).toBe('rediss://:secret@cache.example.com:6380/2');
  });

  it('when a setting is left empty, as .env.example leaves the optional ones, then its default applies', () => {
    expect(loadConfig({ ENRICHMENT_LATENCY_MS: '', SCHEDULER_INTERVAL_MS: ' ' })).toMatchObject({ enrichmentLatencyMs: [500, 1000], schedulerIntervalMs: 5_000 });
  });

  it('when a switch is written true, 1, false or 0 in any case, then every switch reads it alike', () => {
    for (const [raw, on] of [['true', true], ['1', true], ['TRUE', true], ['0', false], ['false', false]] as const) {
      expect(loadConfig({ ADMIN_UI: raw, WEBHOOK_ALLOW_PRIVATE_URLS: raw })).toMatchObject({ adminUi: on, webhooks: { allowPrivateUrls: on } });
    }
    expect(() => loadConfig({ ADMIN_UI: 'yes' })).toThrow(new ConfigError('ADMIN_UI must be true or false, got "yes"'));
  });

  it('when DATABASE_URL gives TLS settings empty, in capitals or as libpq\'s allow, then it is taken as node-postgres takes it', () => {
    for (const query of ['sslmode=', 'sslmode=allow', 'sslmode=REQUIRE', 'sslmode=require&sslrootcert=', `sslmode=verify-full&sslrootcert=${process.execPath}`]) {
      expect(loadConfig({ DATABASE_URL: `postgres://db/lucro?${query}` }).databaseUrl).toBe(`postgres://db/lucro?${query}`);
    }
  });

  it('when timers are set to the longest a Node timer takes, then they are kept', () => {
    expect(loadConfig({ SCHEDULER_INTERVAL_MS: '2147483647', ENRICHMENT_LATENCY_MS: '0-2147483647' })).toMatchObject({ schedulerIntervalMs: 2_147_483_647, enrichmentLatencyMs: [0, 2_147_483_647] });
  });

  it('when LOG_LEVEL and CATEGORIZER name what exists, then they are used', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug', CATEGORIZER: 'rules' })).toMatchObject({ logLevel: 'debug', categorizer: 'rules' });
  });
});
