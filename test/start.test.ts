import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fallbackDataArea } from '../src/infra/embedded-postgres.js';
import { freePort, startLucro, waitFor, type LucroProcess } from './helpers/processes.js';
import { psqlSelectOne } from './helpers/psql.js';

let dataDir: string | undefined;
let server: LucroProcess | undefined;

afterAll(async () => {
  server?.child.kill('SIGKILL');
  if (dataDir) {
    await rm(dataDir, { recursive: true, force: true });
    // As root the data itself lives in the fallback area (the temp dir is private to root).
    if (process.getuid?.() === 0) await rm(fallbackDataArea(dataDir), { recursive: true, force: true });
  }
});

describe('npm start on the embedded default', () => {
  it('when started with no DATABASE_URL, then it starts PostgreSQL, migrates, serves a POST, enriches it and stops cleanly', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'lucro-start-'));
    const port = await freePort();
    const databasePort = String(await freePort());
    const env = {
      LUCRO_DATA_DIR: dataDir,
      LUCRO_EMBEDDED_PG_PORT: databasePort,
      PORT: String(port),
      ENRICHMENT_LATENCY_MS: '0',
    };
    server = startLucro(['start'], env);
    await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('API listening'), 90_000);
    expect(server.lines.some((l) => l.msg === 'migrations applied')).toBe(true);
    expect(server.lines.some((l) => String(l.msg).startsWith('using the embedded PostgreSQL'))).toBe(true);

    // No other user of the machine gets in without the password, which only the owner may read.
    const refused = psqlSelectOne(['-h', '127.0.0.1', '-p', databasePort, '-U', 'postgres', '-d', 'lucro']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/password/);
    const passwordFile = path.join(dataDir, 'postgres.password');
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    const password = (await readFile(passwordFile, 'utf8')).trim();
    expect(psqlSelectOne(['-d', `postgres://postgres:${password}@127.0.0.1:${databasePort}/lucro`]).stdout.trim()).toBe('1');
    expect(JSON.stringify(server.lines)).not.toContain(password);

    const keys = startLucro(['keys', 'create', '--integration', 'start-test', '--scopes', 'ingest,reports', '--json'], env);
    expect(await keys.exited).toBe(0);
    // With --json, stdout is the created key alone: logs (the embedded database's warnings) go to stderr.
    expect(keys.lines).toHaveLength(1);
    const created = keys.lines[0] as { key: string; scopes: string[] };
    expect(created.scopes).toEqual(['ingest', 'reports']);

    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' };
    const response = await fetch(`${base}/api/integrations/transactions/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        account: { account_id: 'ACC-001', currency: 'USD' },
        transactions: [{ transaction_id: 'TX-1', date: '2026-11-02', amount: '-12.50', merchant_name: 'Starbucks' }],
      }),
    });
    expect(response.status).toBe(202);
    const { batch_id: batchId } = (await response.json()) as { batch_id: string };
    await waitFor(
      async () => {
        const batch = (await (await fetch(`${base}/api/batches/${batchId}`, { headers })).json()) as { status: string };
        return batch.status === 'completed';
      },
      20_000,
      'the batch to complete',
    );

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 150_000);

  it('when SIGTERM comes while the embedded PostgreSQL has just started, then start-up stops there, exit 0, and no PostgreSQL is left running', async () => {
    const port = await freePort();
    const databasePort = String(await freePort());
    dataDir ??= await mkdtemp(path.join(os.tmpdir(), 'lucro-start-'));
    const starting = startLucro(['start'], { LUCRO_DATA_DIR: dataDir, LUCRO_EMBEDDED_PG_PORT: databasePort, PORT: String(port) });
    await starting.waitForLog((l) => l.msg === 'embedded PostgreSQL started', 90_000);
    starting.child.kill('SIGTERM');
    expect(await starting.exited).toBe(0);
    expect(starting.lines).toContainEqual(expect.objectContaining({ msg: 'stopped while starting', signal: 'SIGTERM' }));
    expect(psqlSelectOne(['-h', '127.0.0.1', '-p', databasePort, '-U', 'postgres', '-d', 'lucro']).stderr).toMatch(/Connection refused/);
  }, 120_000);
});
