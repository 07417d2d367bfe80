import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../src/domain/errors.js';
import { fallbackDataArea, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { freePort, runLucro, waitFor } from './helpers/processes.js';
import { psqlSelectOne } from './helpers/psql.js';

const TIMEOUT = 120_000;
const FIXTURE = fileURLToPath(new URL('./fixtures/embedded-postgres-owner.ts', import.meta.url));
const isRoot = process.getuid?.() === 0;

const tempDirs: string[] = [];
const dataAreas: string[] = [];
const children: ChildProcess[] = [];
const servers: EmbeddedPostgres[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.stop().catch(() => {});
  // Whatever a failed test left running (e.g. the orphan of a killed fixture) goes down too.
  for (const area of dataAreas) await killServerOf(area);
  for (const dir of [...tempDirs, ...dataAreas.filter((area) => area.startsWith('/var/tmp/'))]) {
    await rm(dir, { recursive: true, force: true });
  }
}, TIMEOUT);

describe('startEmbeddedPostgres', () => {
  it('when started on an empty directory, then it initialises, serves queries, and after stop() the port refuses connections', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    expect(db.owned).toBe(true);
    // Over its own socket: see 'who may connect' below.
    expect(db.databaseUrl).toMatch(new RegExp(`^postgres://postgres:[A-Za-z0-9_-]{32}@127\\.0\\.0\\.1:${port}/lucro\\?host=${encodeURIComponent(path.join(dataDir, 'pg', 'run'))}$`));
    expect(await selectOne(db.databaseUrl)).toBe(1);
    expect(existsSync(path.join(dataDir, 'pg', 'data', 'PG_VERSION'))).toBe(true);
    // Its own socket directory, not the system server's /var/run/postgresql.
    expect(await setting(db.databaseUrl, 'unix_socket_directories')).toBe(path.join(dataDir, 'pg', 'run'));

    await db.stop();
    await db.stop(); // idempotent
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);

  it('when the process that started it was killed with SIGKILL, then the next start stops the orphan and serves queries', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const first = await startOwnerProcess(dataDir, port);
    expect(first.owned).toBe(true);

    await killHard(first.child);
    // The orphaned server outlives its Lucro process and keeps holding postmaster.pid.
    expect(await selectOne(first.databaseUrl)).toBe(1);
    const orphanPid = await postmasterPid(dataDir);

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    expect(db.owned).toBe(true);
    expect(await postmasterPid(dataDir)).not.toBe(orphanPid);
    expect(await selectOne(db.databaseUrl)).toBe(1);
    await db.stop();
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);

  it('when the server it owns is killed with SIGKILL, then the owner starts it again on the same port and its URL works again', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const db = track(await startEmbeddedPostgres({ dataDir, port }));
    const killed = await postmasterPid(dataDir);
    expect(killed).toBeDefined();
    process.kill(killed as number, 'SIGKILL');

    await waitFor(async () => (await selectOne(db.databaseUrl).catch(() => 0)) === 1, 30_000, 'the server to be started again');
    expect(await postmasterPid(dataDir)).not.toBe(killed);
    await db.stop();
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);

  it('when a second start happens while the owning process is alive, then it shares the server and the owner stays usable', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const owner = await startOwnerProcess(dataDir, port);

    const shared = track(await startEmbeddedPostgres({ dataDir, port }));

    expect(shared.owned).toBe(false);
    expect(shared.databaseUrl).toBe(owner.databaseUrl);
    expect(await selectOne(shared.databaseUrl)).toBe(1);
    await shared.stop();
    expect(await selectOne(owner.databaseUrl)).toBe(1);

    // The owner's stop() (on SIGTERM in the fixture) does stop the server.
    owner.child.kill('SIGTERM');
    await exited(owner.child);
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);

  it('when the owning process stops while another still shares the server, then the sharer starts it again and owns it', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const owner = await startOwnerProcess(dataDir, port);
    const shared = track(await startEmbeddedPostgres({ dataDir, port }));
    expect(shared.owned).toBe(false);

    // A short-lived owner (`lucro reenrich` started first) stops the server as it exits.
    owner.child.kill('SIGTERM');
    await exited(owner.child);
    await waitFor(async () => shared.owned, 30_000, 'the sharer to take the server over');
    expect(await selectOne(shared.databaseUrl)).toBe(1);

    await shared.stop();
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);

  it('when started twice in one process, then the second shares and stopping it leaves the first usable', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const first = track(await startEmbeddedPostgres({ dataDir, port }));

    const second = track(await startEmbeddedPostgres({ dataDir, port }));

    expect([first.owned, second.owned]).toEqual([true, false]);
    await second.stop();
    expect(await selectOne(first.databaseUrl)).toBe(1);
    await first.stop();
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);

  it('when its port is taken by another program, then starting fails with one line that names LUCRO_EMBEDDED_PG_PORT', async () => {
    const dataDir = await newDataDir();
    const taken = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startEmbeddedPostgres({ dataDir, port })).rejects.toThrow(
        new StartupError(`the embedded PostgreSQL cannot listen on 127.0.0.1:${port}: the port is in use (set LUCRO_EMBEDDED_PG_PORT, or DATABASE_URL to use a server of your own)`),
      );
    } finally {
      taken.close();
    }
  }, TIMEOUT);

  it('when the data dir is inside a private 0700 directory, then it still starts (as root: from the fallback location)', async () => {
    const privateDir = await mkdtemp(path.join(os.tmpdir(), 'lucro-epg-private-')); // mode 0700
    tempDirs.push(privateDir);
    const dataDir = path.join(privateDir, 'checkout', '.lucro');
    const fallback = fallbackDataArea(dataDir);
    dataAreas.push(dataDir, fallback);
    const port = await freePort();

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    expect(await selectOne(db.databaseUrl)).toBe(1);
    // lucro status finds the server (and its socket) wherever its files are.
    const { stdout } = await runLucro(['status', '--json'], { LUCRO_DATA_DIR: dataDir, LUCRO_EMBEDDED_PG_PORT: String(port) });
    expect(JSON.parse(stdout).database).toMatchObject({ reachable: true });
    if (isRoot) {
      expect(existsSync(path.join(fallback, 'pg', 'data', 'PG_VERSION'))).toBe(true);
      expect((await readFile(path.join(dataDir, 'embedded-postgres.location'), 'utf8')).trim()).toBe(fallback);
    } else {
      expect(existsSync(path.join(dataDir, 'pg', 'data', 'PG_VERSION'))).toBe(true);
    }
    await db.stop();
    expect(await refusesConnections(port)).toBe(true);
  }, TIMEOUT);
});

describe('a data dir the embedded PostgreSQL can trust', () => {
  it.runIf(isRoot)('when the data dir belongs to another user, then starting fails with one line naming LUCRO_DATA_DIR, and nothing starts', async () => {
    const dataDir = await newDataDir();
    await mkdir(dataDir, { mode: 0o777 });
    await chmod(dataDir, 0o777);
    await chown(dataDir, 65534, 65534);
    await writeFile(path.join(dataDir, 'postgres.password'), 'planted-by-another-user\n');
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort() })).rejects.toThrow(
      new StartupError(`LUCRO_DATA_DIR ${dataDir} belongs to another user (uid 65534): whoever owns it could plant the password and files the embedded PostgreSQL trusts; use a directory of this user's`),
    );
    expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
  }, TIMEOUT);

  it.each([0o777, 0o1777, 0o775])('when its own data dir is writable by others (mode %o), then starting fails with one line, and the mode is left as it was', async (mode) => {
    const dataDir = await newDataDir();
    await mkdir(dataDir);
    await chmod(dataDir, mode);
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort() })).rejects.toThrow(
      new StartupError(`LUCRO_DATA_DIR ${dataDir} is writable by other users (mode ${mode.toString(8)}): use a directory only its owner may write (chmod go-w on one of this user's own)`),
    );
    expect((await stat(dataDir)).mode & 0o7777).toBe(mode);
  }, TIMEOUT);

  it('when owner.pid is a link to another file, then the link is replaced and the linked file is left as it was', async () => {
    const dataDir = await newDataDir();
    await mkdir(dataDir);
    const victim = path.join(path.dirname(dataDir), 'victim');
    await writeFile(victim, 'important\n');
    await symlink(victim, path.join(dataDir, 'owner.pid'));

    const db = track(await startEmbeddedPostgres({ dataDir, port: await freePort() }));

    expect(await readFile(victim, 'utf8')).toBe('important\n');
    expect(await readFile(path.join(dataDir, 'owner.pid'), 'utf8')).toBe(`${process.pid}\n`);
    await db.stop();
  }, TIMEOUT);

  it('when the data was made by another PostgreSQL major version, then starting fails with one line naming both versions', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    await (await startEmbeddedPostgres({ dataDir, port })).stop();
    await writeFile(path.join(dataDir, 'pg', 'data', 'PG_VERSION'), '14\n');
    const starting = startEmbeddedPostgres({ dataDir, port });
    await expect(starting).rejects.toBeInstanceOf(StartupError);
    await expect(starting).rejects.toThrow(
      new RegExp(`^the embedded PostgreSQL data in ${path.join(dataDir, 'pg', 'data')} was made by PostgreSQL 14, and this Lucro runs 15\\.\\d+: upgrade it with pg_upgrade, or set LUCRO_DATA_DIR to start afresh elsewhere$`),
    );
  }, TIMEOUT);

  it('when LUCRO_DATA_DIR names a file, then starting fails with one line saying so', async () => {
    const dataDir = await newDataDir();
    await writeFile(dataDir, 'not a directory\n');
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort() })).rejects.toThrow(
      new StartupError(`LUCRO_DATA_DIR ${dataDir} is not a directory (a file is in its way)`),
    );
  }, TIMEOUT);
});

describe('who may connect to the embedded PostgreSQL', () => {
  it('when started, then psql without the password is refused over TCP and the socket, by any OS user, and the app\'s URL works', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    const socketDir = path.join(dataDir, 'pg', 'run');
    for (const host of ['127.0.0.1', socketDir]) {
      const refused = psqlSelectOne(['-h', host, '-p', String(port), '-U', 'postgres', '-d', 'lucro']);
      expect(refused.status, `${host}: ${refused.stdout}`).not.toBe(0);
      expect(refused.stderr, host).toMatch(/password/);
    }
    if (isRoot) {
      const stranger = psqlSelectOne(['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'lucro'], { uid: 65534, gid: 65534 });
      expect(stranger.status, stranger.stdout).not.toBe(0);
      expect(stranger.stderr).toMatch(/password/);
    }
    const allowed = psqlSelectOne(['-d', db.databaseUrl]);
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout.trim()).toBe('1');

    const passwordFile = path.join(dataDir, 'postgres.password');
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect(db.databaseUrl).toContain(`:${(await readFile(passwordFile, 'utf8')).trim()}@`);
    await db.stop();
  }, TIMEOUT);

  it('when lucro status is run without LUCRO_EMBEDDED_PG_PORT while a server runs on another port, then it finds that server', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const db = track(await startEmbeddedPostgres({ dataDir, port }));
    const { stdout } = await runLucro(['status', '--json'], { LUCRO_DATA_DIR: dataDir });
    expect(JSON.parse(stdout).database).toEqual({ url: expect.stringContaining(`:${port}/lucro`), reachable: true });
    await db.stop();
  }, TIMEOUT);

  it('when another program took the embedded port while the server is down, then lucro status sends it nothing, least of all the password', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    await (await startEmbeddedPostgres({ dataDir, port })).stop();
    const received: Buffer[] = [];
    // It would ask whoever connects for the password in clear text.
    const impostor = net.createServer((socket) => {
      socket.on('data', (data) => received.push(data));
      socket.on('error', () => {});
      socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
    });
    await new Promise<void>((resolve) => impostor.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stdout } = await runLucro(['status', '--json'], { LUCRO_DATA_DIR: dataDir, LUCRO_EMBEDDED_PG_PORT: String(port) });
      expect(code).toBe(2);
      expect(JSON.parse(stdout).database.reachable).toBe(false);
      expect(Buffer.concat(received).toString('latin1')).toBe('');
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  }, TIMEOUT);

  it('when a data dir was initialised to trust every local user (by an older Lucro), then the next start makes it require the password', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    await (await startEmbeddedPostgres({ dataDir, port })).stop();
    // What `initdb --auth trust` wrote before, and no password file yet.
    await writeFile(path.join(dataDir, 'pg', 'data', 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n');
    await rm(path.join(dataDir, 'postgres.password'));

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    expect(psqlSelectOne(['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'lucro']).stderr).toMatch(/password/);
    expect(psqlSelectOne(['-d', db.databaseUrl]).stdout.trim()).toBe('1');
    expect((await stat(path.join(dataDir, 'postgres.password'))).mode & 0o777).toBe(0o600);
    await db.stop();
  }, TIMEOUT);

  it('when a restore left the password file readable by others, then the next start makes it 0600 again and uses it', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    await (await startEmbeddedPostgres({ dataDir, port })).stop();
    const passwordFile = path.join(dataDir, 'postgres.password');
    await chmod(passwordFile, 0o644);

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect(await selectOne(db.databaseUrl)).toBe(1);
    await db.stop();
  }, TIMEOUT);

  it('when the password file is deleted while it is stopped, then the next start sets a new password and the old one stops working', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const first = track(await startEmbeddedPostgres({ dataDir, port }));
    const oldUrl = first.databaseUrl;
    await first.stop();
    await rm(path.join(dataDir, 'postgres.password'));

    const db = track(await startEmbeddedPostgres({ dataDir, port }));

    expect(db.databaseUrl).not.toBe(oldUrl);
    expect(psqlSelectOne(['-d', db.databaseUrl]).stdout.trim()).toBe('1');
    expect(psqlSelectOne(['-d', oldUrl]).stderr).toMatch(/password authentication failed/);
    await db.stop();
  }, TIMEOUT);
});

/** A fresh data dir whose parents the postgres OS user can traverse (mkdtemp makes 0700 dirs). */
async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lucro-epg-'));
  await chmod(dir, 0o755);
  tempDirs.push(dir);
  const dataDir = path.join(dir, 'data');
  dataAreas.push(dataDir);
  return dataDir;
}

function track(server: EmbeddedPostgres): EmbeddedPostgres {
  servers.push(server);
  return server;
}

async function selectOne(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

async function setting(databaseUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ value: string }>('SELECT current_setting($1) AS value', [name])).rows[0]!.value;
  } finally {
    await client.end();
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function postmasterPid(dataArea: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataArea, 'pg', 'data', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return pid > 0 ? pid : undefined;
}

interface OwnerProcess {
  child: ChildProcess;
  databaseUrl: string;
  owned: boolean;
}

/** Runs the fixture in a separate Node process and waits for its READY line. */
function startOwnerProcess(dataDir: string, port: number): Promise<OwnerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /^READY (.*)$/m.exec(stdout);
      if (ready) resolve({ child, ...(JSON.parse(ready[1]!) as { databaseUrl: string; owned: boolean }) });
    });
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before READY: ${stderr}`)));
  });
}

async function killHard(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await exited(child);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Cleanup only: an immediate shutdown of whatever server still runs on this data area. */
async function killServerOf(dataArea: string): Promise<void> {
  const pid = await postmasterPid(dataArea);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  for (let i = 0; i < 50; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
