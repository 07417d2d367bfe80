import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuthService } from '../src/auth/auth.service.js';
import { createPool } from '../src/infra/db.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freePort, runLucro, startLucro, waitFor, type LucroProcess } from './helpers/processes.js';

let db: TestDatabase;
let env: Record<string, string>;
const apis: LucroProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  env = { DATABASE_URL: db.url, LOG_LEVEL: 'warn', ENRICHMENT_LATENCY_MS: '0' };
});

afterAll(async () => {
  for (const api of apis) api.child.kill('SIGKILL');
  await Promise.all(apis.map((api) => api.exited));
  await db?.drop();
});

interface ListedKey {
  prefix: string;
  integration: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
}

async function createKey(integration: string, ...extra: string[]): Promise<string> {
  const run = await runLucro(['keys', 'create', '--integration', integration, '--json', ...extra], env);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { key: string }).key;
}

async function listKeys(...extra: string[]): Promise<ListedKey[]> {
  const run = await runLucro(['keys', 'list', '--json', ...extra], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ListedKey[];
}

async function startApi(): Promise<string> {
  const port = await freePort();
  const api = startLucro(['api'], { ...env, PORT: String(port), LOG_LEVEL: 'info' });
  apis.push(api);
  await api.waitForLog((line) => String(line.msg).startsWith('API listening'), 60_000);
  return `http://127.0.0.1:${port}`;
}

const categories = (base: string, key: string) => fetch(`${base}/api/categories`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

describe('lucro keys list and revoke (§14)', () => {
  it('when keys are listed, then each shows its prefix, integration, scopes, creation, last use, revocation and expiry, and never the key', async () => {
    const key = await createKey('list-a', '--scopes', 'ingest');
    const expiring = await createKey('list-b', '--scopes', 'reports', '--expires-in', '30d');

    const listed = await listKeys();
    const a = listed.find((k) => key.startsWith(k.prefix));
    const b = listed.find((k) => expiring.startsWith(k.prefix));
    expect(a).toMatchObject({ integration: 'list-a', scopes: ['ingest'], last_used_at: null, revoked_at: null, expires_at: null });
    expect(Date.parse(a?.created_at ?? '')).not.toBeNaN();
    expect(b).toMatchObject({ integration: 'list-b', scopes: ['reports'], revoked_at: null });
    const days = (Date.parse(b?.expires_at ?? '') - Date.parse(b?.created_at ?? '')) / 86_400_000;
    expect(days).toBeCloseTo(30, 3);
    expect(JSON.stringify(listed)).not.toContain(key.slice(12));

    expect((await listKeys('--integration', 'list-b')).map((k) => k.integration)).toEqual(['list-b']);
    const table = await runLucro(['keys', 'list', '--integration', 'list-a'], env);
    expect(table.stdout).toMatch(/^PREFIX\s+INTEGRATION\s+SCOPES\s+CREATED\s+LAST USED\s+REVOKED\s+EXPIRES$/m);
    expect(table.stdout).toContain(a?.prefix);
  }, 120_000);

  it('when a key is revoked, then two separate API processes that had accepted it both answer 401 within 5 s', async () => {
    const [first, second] = await Promise.all([startApi(), startApi()]);
    const key = await createKey('revoke-me');
    const other = await createKey('keep-me');
    // Both processes have verified (and cached) the key.
    expect([await categories(first, key), await categories(second, key)]).toEqual([200, 200]);

    const revoke = await runLucro(['keys', 'revoke', key.slice(0, 12)], env);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(key.slice(0, 12));

    await waitFor(async () => (await categories(first, key)) === 401 && (await categories(second, key)) === 401, 5_000, 'both processes to refuse the key');
    expect([await categories(first, other), await categories(second, other)]).toEqual([200, 200]);
    const listed = (await listKeys('--integration', 'revoke-me'))[0];
    expect(Date.parse(listed?.revoked_at ?? '')).not.toBeNaN();
  }, 120_000);

  it('when a prefix matches several keys, then nothing is revoked and the matches are listed', async () => {
    const one = await createKey('ambiguous-a');
    const two = await createKey('ambiguous-b');

    const run = await runLucro(['keys', 'revoke', 'lucro_'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/matches \d+ keys; nothing was revoked/);
    expect(run.stderr).toContain(one.slice(0, 12));
    expect(run.stderr).toContain(two.slice(0, 12));
    const listed = await listKeys();
    expect(listed.filter((k) => k.integration.startsWith('ambiguous-')).map((k) => k.revoked_at)).toEqual([null, null]);
  }, 120_000);

  it('when a key is created with --json, then it shows the prefix that keys list shows and keys revoke takes', async () => {
    const run = await runLucro(['keys', 'create', '--integration', 'json-prefix', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const created = JSON.parse(run.stdout) as { key: string; prefix: string };
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect((await listKeys('--integration', 'json-prefix')).map((k) => k.prefix)).toEqual([created.prefix]);
  }, 60_000);

  it('when revoke --json finds no key or several, then stdout has a JSON error (the matches for several) and it exits 1', async () => {
    const one = await createKey('json-ambiguous-a');
    const two = await createKey('json-ambiguous-b');

    const [none, several] = await Promise.all([runLucro(['keys', 'revoke', 'lucro_nomatch', '--json'], env), runLucro(['keys', 'revoke', 'lucro_', '--json'], env)]);

    expect({ code: none?.code, stdout: JSON.parse(none?.stdout ?? '') }).toEqual({
      code: 1,
      stdout: { error: 'not_found', message: 'No key starts with "lucro_nomatch". `lucro keys list` shows every key\'s prefix.' },
    });
    expect(none?.stderr).toContain('No key starts with "lucro_nomatch"');
    expect(several?.code).toBe(1);
    const answer = JSON.parse(several?.stdout ?? '') as { error: string; message: string; prefixes: string[] };
    expect(answer.error).toBe('ambiguous');
    expect(answer.message).toMatch(/^"lucro_" matches \d+ keys; nothing was revoked\.$/);
    expect(answer.prefixes).toEqual(expect.arrayContaining([one.slice(0, 12), two.slice(0, 12)]));
  }, 120_000);

  it('when no key has the prefix, then it exits 1 and says so', async () => {
    const run = await runLucro(['keys', 'revoke', 'lucro_nomatch'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No key starts with "lucro_nomatch"');
  }, 60_000);

  it('when keys commands are piped into a reader that stops at once, then they end quietly with their own exit code, not with an EPIPE stack', async () => {
    await createKey('piped-reader');
    const pipedInto = async (args: string[]) => {
      const child = spawn(process.execPath, [fileURLToPath(new URL('../bin/lucro.js', import.meta.url)), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const [code] = (await once(child, 'exit')) as [number | null];
      return [code, stderr];
    };
    expect(await pipedInto(['keys', 'list'])).toEqual([0, '']);
    // revoke --json writes its error object to stdout and exits 1: the closed pipe does not turn that into 0.
    expect(await pipedInto(['keys', 'revoke', 'lucro_nomatch', '--json'])).toEqual([1, expect.not.stringMatching(/EPIPE|^\s+at /m)]);
  });

  it('when KEYS_DATABASE_URL names a server that is not there, then one line says it is that variable, while DATABASE_URL works', async () => {
    const run = await runLucro(['keys', 'list'], { ...env, KEYS_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere` });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lucro: the database of KEYS_DATABASE_URL is unreachable \(.*ECONNREFUSED/)]);
  });

  it('when --expires-in is not a duration, then it exits 2 and explains the format', async () => {
    const run = await runLucro(['keys', 'create', '--integration', 'x', '--expires-in', 'soon'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--expires-in must be a number and a unit');
  }, 60_000);
});

describe('key checks in the API process', () => {
  let pool: pg.Pool;
  let queries: string[];
  let auth: AuthService;

  beforeAll(() => {
    pool = createPool(db.url, { max: 2 });
    queries = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    // The real pool, counting the statements it is asked to run.
    pool.query = ((...args: unknown[]) => {
      queries.push(typeof args[0] === 'string' ? args[0] : 'prepared');
      return query(...args);
    }) as typeof pool.query;
    auth = new AuthService(pool);
  });
  afterAll(() => pool.end());

  it('when keys of the wrong shape arrive, then they are refused without any database query', async () => {
    for (const bad of ['wrong', 'lucro_short', `lucro_${'a'.repeat(44)}`, `other_${'a'.repeat(43)}`, 'lucro_' + '!'.repeat(43)]) {
      await expect(auth.authenticate(`Bearer ${bad}`)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    expect(queries).toEqual([]);
  });

  it('when the same unknown key floods in, then it costs one lookup, not one per request', async () => {
    const unknown = `lucro_${'B'.repeat(43)}`;
    await Promise.all(Array.from({ length: 50 }, () => expect(auth.authenticate(`Bearer ${unknown}`)).rejects.toMatchObject({ code: 'unauthorized' })));
    for (let i = 0; i < 50; i++) await expect(auth.authenticate(`Bearer ${unknown}`)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(queries.filter((q) => q.includes('key_hash'))).toHaveLength(1);
  });

  it('when a key is used many times, then last_used_at is written once and keeps the first use', async () => {
    const { key } = await auth.createKey('busy', ['ingest']);
    await auth.authenticate(`Bearer ${key}`);
    await waitFor(async () => (await listKeys('--integration', 'busy'))[0]?.last_used_at !== null, 10_000, 'last_used_at to be written');
    const first = (await listKeys('--integration', 'busy'))[0]?.last_used_at;

    for (let i = 0; i < 30; i++) await auth.authenticate(`Bearer ${key}`);

    expect((await listKeys('--integration', 'busy'))[0]?.last_used_at).toBe(first);
    expect(queries.filter((q) => q.includes('last_used_at = now()'))).toHaveLength(1);
  }, 60_000);

  it('when a key has expired, then it is refused', async () => {
    const { key } = await auth.createKey('short-lived', ['ingest'], 3_600);
    await auth.authenticate(`Bearer ${key}`);
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_prefix = $1`, [key.slice(0, 12)]);
    await sql.end();

    await waitFor(async () => auth.authenticate(`Bearer ${key}`).then(() => false, () => true), 5_000, 'the expired key to be refused');
    expect(Date.parse((await listKeys('--integration', 'short-lived'))[0]?.expires_at ?? '')).toBeLessThan(Date.now());
  }, 60_000);
});
