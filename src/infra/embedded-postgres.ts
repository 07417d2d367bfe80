/**
 * An embedded, real PostgreSQL 15 for running Lucro without DATABASE_URL: this file runs the
 * server's lifecycle; the questions around it have a file each:
 *   embedded-postgres-binaries.ts     which binaries, run as which OS user
 *   embedded-postgres-area.ts         where the data lives, who may reach it, the start lock
 *   embedded-postgres-credentials.ts  the superuser's password and pg_hba.conf
 *
 * We drive initdb and pg_ctl ourselves rather than use the `embedded-postgres` package's class:
 *  - importing that class installs process-wide SIGINT/SIGTERM/uncaughtException hooks
 *    (async-exit-hook) that call process.exit and would cut Lucro's own graceful shutdown short;
 *  - it can only run the binaries from node_modules, and cannot adopt or stop a server it did not
 *    spawn itself (an orphan left by `kill -9`, or one shared with another Lucro process).
 *
 * Sharing: several Lucro processes (`lucro api` and `lucro worker` on one data dir) use one server.
 * The first starts it and owns it; later ones find it running with a live owner and just connect
 * (owned=false, their stop() does nothing). When the owner stops, the server stops for everyone;
 * an owner that exits without stop() still asks the server to shut down (a process 'exit' hook).
 * If the owner died without stopping it (kill -9), the next start stops that orphan and starts
 * afresh as the new owner.
 */
import { spawnSync } from 'node:child_process';
import { constants, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { StartupError } from '../domain/errors.js';
import {
  acquireStartLock,
  clusterPaths,
  fallbackDataArea,
  inCluster,
  makeServerOwnedDir,
  prepareServerDirs,
  readPidFile,
  resolveDataArea,
  socketDirFor,
  type Cluster,
  type ClusterPaths,
} from './embedded-postgres-area.js';
import { resolveBinaries, resolveServerUser, type Logger } from './embedded-postgres-binaries.js';
import {
  hbaTrustsAnyone,
  initdbAuthArgs,
  newPassword,
  readPassword,
  requirePassword,
  resetPasswordOffline,
  storePassword,
  SUPERUSER,
} from './embedded-postgres-credentials.js';
import { isProcessAlive, run, runOrThrow, shellQuote, sleep, spawnOptions, tail } from './embedded-postgres-process.js';

export { fallbackDataArea } from './embedded-postgres-area.js';
export { SHARED_ROOT } from './embedded-postgres-binaries.js';

export interface EmbeddedPostgres {
  /** Carries the superuser's password: log it only through redactUrl. */
  databaseUrl: string;
  /** true when this process started the server and stop() will stop it */
  owned: boolean;
  stop(): Promise<void>;
}

export type EmbeddedPostgresLogger = Logger;

export interface StartEmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  logger?: EmbeddedPostgresLogger;
}

const DEFAULT_EMBEDDED_POSTGRES_PORT = 54329;

const DATABASE = 'lucro';
const PG_CTL_TIMEOUT_SECONDS = 60;
const BUSY_SERVER_TIMEOUT_MS = 30_000;

/** Data areas whose server this process started and has not stopped yet. */
const ownedHere = new Set<string>();

export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const port = options.port ?? DEFAULT_EMBEDDED_POSTGRES_PORT;
  const dataDir = path.resolve(options.dataDir);
  const user = await resolveServerUser();
  const binaries = await resolveBinaries(user, logger);
  const area = await resolveDataArea(dataDir, user, logger);
  const cluster: Cluster = { paths: clusterPaths(area, dataDir), binaries, user };
  await prepareServerDirs(cluster);

  const release = await acquireStartLock(cluster.paths.lockFile);
  try {
    await ensureInitialised(cluster, logger);
    const access = await settleCredentials(cluster, logger);
    const server = await adoptOrStart(cluster, port, logger);
    await withClient(serverAddress(cluster.paths, server.port), access.password, async (client) => {
      if (access.trusting) {
        await requirePassword(client, cluster.paths, access.password);
        logger?.warn({ passwordFile: cluster.paths.passwordFile }, 'embedded PostgreSQL trusted every local user; it now requires the password kept in the password file');
      }
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    }).catch(async (error: unknown) => {
      if (server.owned) await giveUpOwnership(cluster).catch(() => {});
      throw error;
    });
    return embeddedHandle(cluster, server, access.password, logger);
  } finally {
    await release();
  }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

interface RunningServer {
  port: number;
  owned: boolean;
}

/** Connects to a server a live Lucro process already runs, or (re)starts one and owns it. */
async function adoptOrStart(cluster: Cluster, port: number, logger?: EmbeddedPostgresLogger): Promise<RunningServer> {
  const { paths } = cluster;
  const running = await findRunningServer(cluster, logger);
  if (running) {
    const ownerPid = await liveOwner(cluster);
    if (ownerPid !== undefined) {
      if (running.port !== port) {
        logger?.warn({ requestedPort: port, port: running.port }, 'embedded PostgreSQL already runs on another port; using it');
      }
      logger?.info({ port: running.port, ownerPid }, 'sharing the embedded PostgreSQL started by another Lucro process');
      return { port: running.port, owned: false };
    }
    logger?.warn({ postmasterPid: running.pid }, 'stopping an orphaned embedded PostgreSQL whose Lucro process died');
    await stopServer(cluster);
  }

  await startServer(cluster, port, logger);
  await becomeOwner(paths);
  logger?.info({ port, dataDirectory: paths.pgData }, 'embedded PostgreSQL started');
  return { port, owned: true };
}

/**
 * The URL of the embedded server's database, with the password kept under `dataDir` (or its
 * fallback area), for tools that look without starting it (`lucro status`): on the port the running
 * server of that data dir took (postmaster.pid), else on `port`. Changes nothing.
 */
export async function embeddedDatabaseUrl(dataDirOption: string, port: number): Promise<string> {
  const dataDir = path.resolve(dataDirOption);
  // The password is always kept in the data dir; the server's files (and so its socket) may be in
  // the fallback area, as root when the postgres user cannot reach the data dir.
  const areas = [dataDir, fallbackDataArea(dataDir)].map((area) => clusterPaths(area, dataDir));
  const password = await readPassword(areas[0] as ClusterPaths);
  for (const paths of areas) {
    const running = await readPostmasterPid(path.join(paths.pgData, 'postmaster.pid'));
    if (running) return databaseUrlOf(serverAddress(paths, running.port), password);
  }
  const initialised = areas.find((paths) => existsSync(path.join(paths.pgData, 'PG_VERSION'))) ?? (areas[0] as ClusterPaths);
  return databaseUrlOf(serverAddress(initialised, port), password);
}

/**
 * Where clients reach the server on `port`: its unix socket, in the 0700 pg/run directory that no
 * other local user can enter, so the password never goes to whoever took the TCP port while the
 * server was down; loopback TCP only when the socket path is too long for the OS.
 */
function serverAddress(paths: ClusterPaths, port: number): ServerAddress {
  return { host: socketDirFor(paths.socketDir, port) || '127.0.0.1', port };
}

interface ServerAddress {
  /** A socket directory, or 127.0.0.1. */
  host: string;
  port: number;
}

function databaseUrlOf({ host, port }: ServerAddress, password?: string): string {
  const url = `postgres://${SUPERUSER}${password === undefined ? '' : `:${password}`}@127.0.0.1:${port}/${DATABASE}`;
  // libpq and node-postgres both take the socket directory from `host` in the query.
  return host === '127.0.0.1' ? url : `${url}?host=${encodeURIComponent(host)}`;
}

function embeddedHandle(cluster: Cluster, server: RunningServer, password: string, logger?: EmbeddedPostgresLogger): EmbeddedPostgres {
  const databaseUrl = databaseUrlOf(serverAddress(cluster.paths, server.port), password);
  let owned = false;
  let stopping: Promise<void> | undefined;
  let removeExitHook = () => {};
  let stopWatching: () => Promise<void> = async () => {};
  const own = () => {
    owned = true;
    removeExitHook = stopOnExit(cluster);
    stopWatching = reviveWhenDead(cluster, server.port, () => stopping !== undefined, logger);
  };
  if (server.owned) own();
  else stopWatching = takeOverWhenOwnerLeaves(cluster, server.port, () => stopping !== undefined, own, logger);

  const stop = async (): Promise<void> => {
    // A takeover in flight ends first: it gives up, or it made this process the owner before.
    await stopWatching();
    if (!owned) return;
    removeExitHook();
    // Under the start lock, so that a process starting right now either adopts the server before
    // it goes away or starts a fresh one after, never adopts one that is about to stop.
    const release = await acquireStartLock(cluster.paths.lockFile);
    try {
      await giveUpOwnership(cluster);
    } finally {
      await release();
    }
  };
  return {
    databaseUrl,
    get owned() {
      return owned;
    },
    stop: () => (stopping ??= stop()),
  };
}

/**
 * A process that shares the server keeps it when its owner leaves: a short-lived owner (`lucro
 * reenrich` started first) stops the server as it exits, and `npm start` sharing it would otherwise
 * be left without a database. The first sharer to notice the owner gone (checked every
 * WATCH_INTERVAL_MS) starts the server again if it stopped, on the same port, and owns it from then
 * on (`own`). Returns what stops the watching.
 */
function takeOverWhenOwnerLeaves(cluster: Cluster, port: number, stopping: () => boolean, own: () => void, logger?: EmbeddedPostgresLogger): () => Promise<void> {
  const check = async (): Promise<void> => {
    if (stopping() || (await liveOwner(cluster)) !== undefined) return;
    const release = await acquireStartLock(cluster.paths.lockFile);
    try {
      if (stopping() || (await liveOwner(cluster)) !== undefined) return;
      const startedHere = !(await findRunningServer(cluster, logger));
      if (startedHere) await startServer(cluster, port, logger);
      // This process began to stop meanwhile: a server it started must not outlive it.
      if (stopping()) {
        if (startedHere) await stopServer(cluster);
        return;
      }
      await becomeOwner(cluster.paths);
      void stopWatching();
      own();
      logger?.warn({ port }, 'the Lucro process that ran the embedded PostgreSQL left; this process runs it now');
    } finally {
      await release();
    }
  };
  const stopWatching = watch(check, 'could not take over the embedded PostgreSQL; trying later', logger);
  return stopWatching;
}

/**
 * Runs `check` every WATCH_INTERVAL_MS, one at a time, logging a failure as `failure`; the watch
 * alone is no reason for the process to stay alive. What it returns stops the watch, and resolves
 * once a check in flight has ended.
 */
function watch(check: () => Promise<void>, failure: string, logger?: EmbeddedPostgresLogger): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inFlight ??= check()
      .catch((error: unknown) => logger?.warn({ err: error }, failure))
      .finally(() => (inFlight = undefined));
  }, WATCH_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

/** How often the owner checks that its embedded server still runs. */
const WATCH_INTERVAL_MS = 2_000;

/**
 * Nothing but its owner would bring back an embedded server that died (kill -9, the OOM killer):
 * the owner checks for it and starts it again on the same port, so that the process recovers by
 * itself as with an external database (contract §9). Returns what stops the watching.
 */
function reviveWhenDead(cluster: Cluster, port: number, stopping: () => boolean, logger?: EmbeddedPostgresLogger): () => Promise<void> {
  const pidFile = path.join(cluster.paths.pgData, 'postmaster.pid');
  const check = async (): Promise<void> => {
    const info = await readPostmasterPid(pidFile);
    if (stopping() || (info && isPostgresProcess(info.pid))) return;
    const release = await acquireStartLock(cluster.paths.lockFile);
    try {
      if (stopping() || (await findRunningServer(cluster, logger))) return;
      logger?.warn({ port }, 'embedded PostgreSQL stopped on its own; starting it again');
      await startServer(cluster, port, logger);
      logger?.info({ port }, 'embedded PostgreSQL started again');
    } finally {
      await release();
    }
  };
  return watch(check, 'could not start embedded PostgreSQL again; trying later', logger);
}

/**
 * Names this process the server's owner (the one that stops it), in owner.pid and here. The file is
 * a new one, never written through a link left in its place: that would overwrite whatever file the
 * link names.
 */
async function becomeOwner(paths: ClusterPaths): Promise<void> {
  await rm(paths.ownerFile, { force: true });
  const file = await open(paths.ownerFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await file.writeFile(`${process.pid}\n`);
  } finally {
    await file.close();
  }
  ownedHere.add(paths.area);
}

async function giveUpOwnership(cluster: Cluster): Promise<void> {
  ownedHere.delete(cluster.paths.area);
  await stopServer(cluster);
  if ((await readPidFile(cluster.paths.ownerFile)) === process.pid) await rm(cluster.paths.ownerFile, { force: true });
}

/**
 * If the owner exits without calling stop() (an uncaught error, process.exit), still ask the server
 * to shut down rather than leave it running. Only synchronous work is possible in 'exit'; we do not
 * wait for the shutdown to finish (-W).
 */
function stopOnExit(cluster: Cluster): () => void {
  const hook = (): void => {
    const { pgCtl } = cluster.binaries;
    spawnSync(pgCtl, ['stop', '-D', cluster.paths.pgData, '-m', 'fast', '-W'], { ...spawnOptions(inCluster(cluster)), stdio: 'ignore' });
    try {
      if (readFileSync(cluster.paths.ownerFile, 'utf8').trim() === String(process.pid)) unlinkSync(cluster.paths.ownerFile);
    } catch {
      // Nothing to clean: the next start treats a dead owner as an orphan anyway.
    }
  };
  process.once('exit', hook);
  return () => process.off('exit', hook);
}

/** initdb on first start, with a new password asked for from the start. It runs into a staging dir
 *  that is renamed into place when complete, so an interrupted initdb never leaves a half-made
 *  PGDATA that later starts would trust. */
async function ensureInitialised(cluster: Cluster, logger?: EmbeddedPostgresLogger): Promise<void> {
  const { paths, binaries, user } = cluster;
  if (existsSync(path.join(paths.pgData, 'PG_VERSION'))) return;

  // The password file comes first: a start interrupted after it simply initialises again with it.
  let password = await readPassword(paths);
  if (!password) {
    password = newPassword();
    await storePassword(paths, password);
  }
  const staging = `${paths.pgData}.initdb`;
  await rm(staging, { recursive: true, force: true });
  await makeServerOwnedDir(staging, user);
  const auth = await initdbAuthArgs(cluster, password);
  const started = Date.now();
  try {
    await runOrThrow(binaries.initdb, [
      '-D', staging,
      '--username', SUPERUSER,
      ...auth.args,
      '--encoding', 'UTF8',
      '--locale', await bestLocale(),
    ], inCluster(cluster), 'initdb');
  } finally {
    await auth.cleanup();
  }
  await rename(staging, paths.pgData);
  logger?.info({ dataDirectory: paths.pgData, passwordFile: paths.passwordFile, ms: Date.now() - started }, 'initialised embedded PostgreSQL data directory');
}

/**
 * The password to connect with, and whether the cluster still trusts everyone (made by an older
 * Lucro: the password is then set once the server runs). A cluster that asks for a password whose
 * file is gone gets a new one while it is stopped: that is how the password is rotated.
 */
async function settleCredentials(cluster: Cluster, logger?: EmbeddedPostgresLogger): Promise<{ password: string; trusting: boolean }> {
  const { paths } = cluster;
  const trusting = await hbaTrustsAnyone(paths);
  const stored = await readPassword(paths);
  if (stored) return { password: stored, trusting };
  const password = newPassword();
  if (trusting) {
    await storePassword(paths, password);
    return { password, trusting };
  }
  const running = await findRunningServer(cluster, logger);
  if (running) {
    if ((await liveOwner(cluster)) !== undefined) {
      throw new Error(`${paths.passwordFile} is missing while another Lucro process runs the embedded PostgreSQL; stop every Lucro process using ${paths.area} and start again to set a new password`);
    }
    await stopServer(cluster);
  }
  await resetPasswordOffline(cluster, password);
  await storePassword(paths, password);
  logger?.warn({ passwordFile: paths.passwordFile }, 'the embedded PostgreSQL password file was missing; set a new password');
  return { password, trusting: false };
}

async function startServer(cluster: Cluster, port: number, logger?: EmbeddedPostgresLogger): Promise<void> {
  const { paths, binaries } = cluster;
  await rename(paths.logFile, `${paths.logFile}.1`).catch(() => {});
  const socketDir = socketDirFor(paths.socketDir, port);
  if (socketDir === '') logger?.warn({ socketDir: paths.socketDir }, 'socket path too long; embedded PostgreSQL listens on TCP only');

  // pg_ctl hands -o to /bin/sh, hence the quoting. Loopback only: nothing off this machine reaches it.
  const serverOptions = ['-p', String(port), '-h', '127.0.0.1', '-k', socketDir].map(shellQuote).join(' ');
  const result = await run(binaries.pgCtl, [
    'start', '-D', paths.pgData, '-l', paths.logFile, '-w', '-t', String(PG_CTL_TIMEOUT_SECONDS), '-o', serverOptions,
  ], inCluster(cluster));
  if (result.code !== 0) {
    const log = await tail(paths.logFile);
    if (/could not bind .*Address already in use/.test(log)) {
      throw new StartupError(`the embedded PostgreSQL cannot listen on 127.0.0.1:${port}: the port is in use (set LUCRO_EMBEDDED_PG_PORT, or DATABASE_URL to use a server of your own)`);
    }
    const made = /initialized by PostgreSQL version (\S+), which is not compatible with this version (\S+?)\.?$/m.exec(log);
    if (made) {
      throw new StartupError(
        `the embedded PostgreSQL data in ${paths.pgData} was made by PostgreSQL ${made[1]}, and this Lucro runs ${made[2]}: upgrade it with pg_upgrade, or set LUCRO_DATA_DIR to start afresh elsewhere`,
      );
    }
    throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${result.output.trim()}\n${log}`);
  }
}

/** Stops the server of this data dir, whoever started it; a no-op when none is running. */
async function stopServer(cluster: Cluster): Promise<void> {
  const { paths, binaries } = cluster;
  for (const mode of ['fast', 'immediate']) {
    if (!existsSync(path.join(paths.pgData, 'postmaster.pid'))) return;
    const result = await run(binaries.pgCtl, ['stop', '-D', paths.pgData, '-m', mode, '-w', '-t', String(PG_CTL_TIMEOUT_SECONDS)], inCluster(cluster));
    if (result.code === 0) return;
  }
  if (existsSync(path.join(paths.pgData, 'postmaster.pid'))) {
    throw new Error(`could not stop the embedded PostgreSQL of ${paths.pgData}\n${await tail(paths.logFile)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Finding a server that is already running

interface PostmasterInfo {
  pid: number;
  port: number;
}

/**
 * Reads postmaster.pid to tell whether a server already runs on this data dir. A pid file whose
 * process is gone (kill -9 of the whole machine or container) is removed: a reused PID would
 * otherwise make the new postmaster refuse to start. A server that is alive but not accepting
 * connections is starting up or shutting down; we wait for it to settle.
 */
async function findRunningServer(cluster: Cluster, logger?: EmbeddedPostgresLogger): Promise<PostmasterInfo | undefined> {
  const pidFile = path.join(cluster.paths.pgData, 'postmaster.pid');
  const deadline = Date.now() + BUSY_SERVER_TIMEOUT_MS;
  for (;;) {
    const info = await readPostmasterPid(pidFile);
    if (!info) return undefined;
    if (!isPostgresProcess(info.pid)) {
      logger?.info({ pid: info.pid }, 'removing stale postmaster.pid of a server that no longer runs');
      await rm(pidFile, { force: true });
      return undefined;
    }
    if (await answers(serverAddress(cluster.paths, info.port))) return info;
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL (pid ${info.pid}) holds ${cluster.paths.pgData} but does not accept connections on port ${info.port}; stop it or remove postmaster.pid`);
    }
    await sleep(250);
  }
}

async function readPostmasterPid(pidFile: string): Promise<PostmasterInfo | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  // Line 1 is the postmaster PID, line 4 its port.
  const lines = text?.split('\n') ?? [];
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) ? { pid, port } : undefined;
}

/** Whether the server takes connections (like pg_isready): refusing our made-up password counts. */
async function answers(address: ServerAddress): Promise<boolean> {
  return withClient(address, 'not-the-password', async () => true).catch(
    (error: unknown) => error instanceof pg.DatabaseError && error.code !== '57P03', // 57P03: starting up or shutting down
  );
}

async function withClient<T>({ host, port }: ServerAddress, password: string, work: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ host, port, user: SUPERUSER, password, database, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Guards against a PID reused by an unrelated process (on Linux, where /proc tells us its name). */
function isPostgresProcess(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  if (!existsSync('/proc/self/comm')) return true;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
  } catch {
    return false;
  }
}

/** The PID of the live Lucro process that owns the running server, if any. The owner file may name
 *  this very process: either we own it now (a second start in one process), or it is a previous
 *  incarnation whose PID we happen to have been given. */
async function liveOwner(cluster: Cluster): Promise<number | undefined> {
  const pid = await readPidFile(cluster.paths.ownerFile);
  if (pid === undefined) return undefined;
  const alive = pid === process.pid ? ownedHere.has(cluster.paths.area) : isProcessAlive(pid);
  return alive ? pid : undefined;
}

async function bestLocale(): Promise<string> {
  // C.UTF-8 gives Unicode-aware upper()/lower() with bytewise (machine-independent) sorting.
  const result = await run('locale', ['-a'], {}).catch(() => undefined);
  const available = (result?.output ?? '').toLowerCase().split('\n');
  return available.includes('c.utf8') || available.includes('c.utf-8') ? 'C.UTF-8' : 'C';
}
