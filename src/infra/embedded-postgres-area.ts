/**
 * Owning a data area: where the embedded server's files live, who may reach them, and the start
 * lock that lets one process at a time decide whether to initialise, adopt or start the server.
 *
 * Layout (normally LUCRO_DATA_DIR itself; as root, see resolveDataArea for the exception):
 *   <area>/owner.pid          PID of the Lucro process that started the server; it alone stops it
 *   <area>/start.lock         held while one process inspects, initialises or starts the server
 *   <area>/pg/data            PGDATA
 *   <area>/pg/run             unix socket directory (never /var/run/postgresql: the system server's)
 *   <area>/pg/server.log      server output (the previous run's is kept as server.log.1)
 * and, always in LUCRO_DATA_DIR itself (where operators look, and root alone can write):
 *   postgres.password         the superuser's password, mode 0600 (embedded-postgres-credentials.ts)
 */
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { StartupError } from '../domain/errors.js';
import path from 'node:path';
import { ensureSharedRoot, SHARED_ROOT, type Binaries, type Logger } from './embedded-postgres-binaries.js';
import { isErrno, isProcessAlive, run, sleep, type RunAs, type ServerUser } from './embedded-postgres-process.js';

const START_LOCK_TIMEOUT_MS = 180_000;
/** sizeof(sockaddr_un.sun_path) minus the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export interface ClusterPaths {
  area: string;
  serverDir: string;
  pgData: string;
  socketDir: string;
  logFile: string;
  ownerFile: string;
  lockFile: string;
  passwordFile: string;
}

/** Everything the steps of embedded-postgres.ts need to run a binary against this cluster. */
export interface Cluster {
  paths: ClusterPaths;
  binaries: Binaries;
  user: ServerUser | undefined;
}

export function clusterPaths(area: string, dataDir: string): ClusterPaths {
  const serverDir = path.join(area, 'pg');
  return {
    area,
    serverDir,
    pgData: path.join(serverDir, 'data'),
    socketDir: path.join(serverDir, 'run'),
    logFile: path.join(serverDir, 'server.log'),
    ownerFile: path.join(area, 'owner.pid'),
    lockFile: path.join(area, 'start.lock'),
    passwordFile: path.join(dataDir, 'postgres.password'),
  };
}

export function inCluster(cluster: Cluster): RunAs {
  return { user: cluster.user, cwd: cluster.paths.area };
}

/** The data location of the fallback used when the `postgres` user cannot reach `dataDir` (root only). */
export function fallbackDataArea(dataDir: string): string {
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(SHARED_ROOT, `data-${key}`);
}

/**
 * The data area is `dataDir`, unless we are root and the `postgres` OS user cannot reach it (a
 * checkout in a private directory, e.g. /root/x): then it moves to
 * /var/tmp/lucro-postgres/data-<first 16 hex of sha256(abs dataDir)>/, a warning is logged and the
 * location is written to <dataDir>/embedded-postgres.location. /var/tmp rather than os.tmpdir():
 * it survives reboots, and TMPDIR may itself be private.
 */
export async function resolveDataArea(dataDir: string, user: ServerUser | undefined, logger?: Logger): Promise<string> {
  await makeDirsTraversable(dataDir).catch((error: unknown) => {
    if (isErrno(error, 'EEXIST') || isErrno(error, 'ENOTDIR')) throw new StartupError(`LUCRO_DATA_DIR ${dataDir} is not a directory (a file is in its way)`);
    if (isErrno(error, 'EACCES') || isErrno(error, 'EROFS') || isErrno(error, 'ENOENT')) {
      throw new StartupError(`LUCRO_DATA_DIR ${dataDir} cannot be created or used here (${(error as NodeJS.ErrnoException).code}): choose a directory this user can write`);
    }
    throw error;
  });
  await requireOwnDirectory(dataDir);
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

/**
 * What the data dir holds is trusted: the superuser's password, the owner's PID, the server's
 * files. So it must be this user's (or root's), and writable by nobody else, as ssh and PostgreSQL
 * require of theirs. One that is not is refused, never changed: it may be a shared directory
 * (/tmp) whose mode others rely on.
 */
async function requireOwnDirectory(dataDir: string): Promise<void> {
  const info = await stat(dataDir);
  const me = process.geteuid?.();
  if (me === undefined) return;
  if (info.uid !== me && info.uid !== 0) {
    throw new StartupError(`LUCRO_DATA_DIR ${dataDir} belongs to another user (uid ${info.uid}): whoever owns it could plant the password and files the embedded PostgreSQL trusts; use a directory of this user's`);
  }
  if ((info.mode & 0o022) !== 0) {
    throw new StartupError(`LUCRO_DATA_DIR ${dataDir} is writable by other users (mode ${(info.mode & 0o7777).toString(8)}): use a directory only its owner may write (chmod go-w on one of this user's own)`);
  }
}

/** Directories we create ourselves get 0755 whatever the umask: reachable by the server user
 *  whenever their parents are, and writable by nobody else (requireOwnDirectory). */
async function makeDirsTraversable(dir: string): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true });
  if (firstCreated === undefined) return;
  for (let current = dir; ; current = path.dirname(current)) {
    await chmod(current, 0o755);
    if (current === firstCreated || current === path.dirname(current)) break;
  }
}

async function canTraverse(user: ServerUser, dir: string): Promise<boolean> {
  const result = await run('/bin/sh', ['-c', 'test -x "$1"', 'sh', dir], { user }).catch(() => undefined);
  return result?.code === 0;
}

/** The server's own directories belong to the server user; PostgreSQL insists on 0700 for PGDATA
 *  and we keep the log and socket next to it just as private. */
export async function prepareServerDirs({ paths, user }: Cluster): Promise<void> {
  await makeServerOwnedDir(paths.serverDir, user);
  await makeServerOwnedDir(paths.socketDir, user);
}

export async function makeServerOwnedDir(dir: string, user: ServerUser | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (user) await chown(dir, user.uid, user.gid);
}

/** Returns '' (no unix socket, TCP only) when the socket path would exceed the OS limit. */
export function socketDirFor(socketDir: string, port: number): string {
  return Buffer.byteLength(path.join(socketDir, `.s.PGSQL.${port}`)) > MAX_SOCKET_PATH ? '' : socketDir;
}

/** Start locks this process currently holds. */
const locksHeld = new Set<string>();

export async function acquireStartLock(lockFile: string): Promise<() => Promise<void>> {
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

export async function readPidFile(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
