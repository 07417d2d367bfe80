import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freePort, runLucro, type LucroRun } from './helpers/processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = 'bin/lucro.js';

let db: TestDatabase;
let server: ChildProcess;
let serverOutput = '';
let env: NodeJS.ProcessEnv;
let url: string;
let dataDir: string;

/** The service's environment: this file's database, no Redis, fast enrichment, quiet logs. */
function serviceEnv(databaseUrl: string, port: number, dataDir: string): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'HOST', 'METRICS_PORT', 'LUCRO_DATA_DIR']) delete inherited[name];
  // Empty values also stop a developer's .env file from filling these in.
  return { ...inherited, DATABASE_URL: databaseUrl, LUCRO_DATA_DIR: dataDir, REDIS_URL: '', PORT: String(port), HOST: '127.0.0.1', ENRICHMENT_LATENCY_MS: '0-50', LOG_LEVEL: 'warn' };
}

async function waitUntilHealthy(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${serverOutput}`);
    const healthy = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not healthy within ${timeoutMs} ms:\n${serverOutput}`);
}

function runCli(args: string[]): Promise<LucroRun> {
  return runLucro(args, env as Record<string, string>);
}

function exitWithin(child: ChildProcess, ms: number): Promise<number | null | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'lucro-simulate-'));
  env = serviceEnv(db.url, port, dataDir);
  server = spawn(process.execPath, [BIN, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  await waitUntilHealthy(url, server, 90_000);
}, 120_000);

afterAll(async () => {
  // The last test stops the server; this only covers a run that failed before it.
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    if ((await exitWithin(server, 30_000)) === 'timeout') server.kill('SIGKILL');
  }
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('lucro simulate, end to end against a running server', () => {
  it('when the server is up, then it posts a batch, waits for it and exits 0 with every transaction completed and categorized', async () => {
    const run = await runCli(['simulate', '--url', url]);
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);

    const batchId = /^batch ([0-9a-f-]{36})$/m.exec(run.stdout)?.[1];
    expect(batchId, run.stdout).toBeDefined();
    expect(run.stdout).toMatch(/^Account SIM-[0-9A-F]+ \(USD\)$/m);
    expect(run.stdout).toContain('ACME CORP PAYROLL');

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ status: string; category: string | null }>('SELECT status, category FROM transactions WHERE batch_id = $1', [batchId]);
      expect(rows.length).toBeGreaterThanOrEqual(10);
      expect(rows.length).toBeLessThanOrEqual(15);
      for (const row of rows) {
        expect(row.status).toBe('completed');
        expect(row.category).toMatch(/^[A-Z_]+$/);
      }
      const batch = await sql.query<{ integration: string }>(
        'SELECT i.name AS integration FROM batches b JOIN accounts a ON a.id = b.account_id JOIN integrations i ON i.id = a.integration_id WHERE b.id = $1',
        [batchId],
      );
      expect(batch.rows[0]?.integration).toBe('simulator');
    } finally {
      await sql.end();
    }
  }, 120_000);

  it('when run again without --key, then it reuses the expiring key it kept 0600 instead of minting another', async () => {
    const run = await runCli(['simulate', '--url', url, '--count', '10']);
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ expires: boolean }>(
        `SELECT k.expires_at > now() AS expires FROM api_keys k JOIN integrations i ON i.id = k.integration_id WHERE i.name = 'simulator'`,
      );
      expect(rows).toEqual([{ expires: true }]);
    } finally {
      await sql.end();
    }
    expect((await stat(path.join(dataDir, 'simulator.key'))).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('when nothing listens at the URL, then it exits 2 and names the URL', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['simulate', '--url', nowhere]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Cannot reach the Lucro API at ${nowhere}`);
    expect(run.stderr).toContain('npm start');
  }, 60_000);

  it('when the key is wrong, then it exits 1 and says the key was rejected', async () => {
    const run = await runCli(['simulate', '--url', url, '--key', 'wrong']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/The API key was rejected \(401 unauthorized\)/);
    expect(run.stdout).not.toMatch(/^batch /m);
  }, 60_000);

  it('when it must make its key in a database nothing has migrated, then it exits 1 and says to migrate first', async () => {
    const empty = await createTestDatabase('template0');
    const emptyDir = await mkdtemp(path.join(os.tmpdir(), 'lucro-simulate-empty-'));
    try {
      const run = await runLucro(['simulate', '--url', url], { ...env, DATABASE_URL: empty.url, LUCRO_DATA_DIR: emptyDir } as Record<string, string>);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('this database has no Lucro tables yet; run npm start (or npx lucro migrate)');
      expect(run.stderr).not.toMatch(/relation .* does not exist/);
    } finally {
      await empty.drop();
      await rm(emptyDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('when the server gets SIGTERM, then it drains and exits 0 within 30 s', async () => {
    server.kill('SIGTERM');
    expect(await exitWithin(server, 30_000), serverOutput).toBe(0);
  }, 40_000);
});
