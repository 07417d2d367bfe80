/** Running PostgreSQL's binaries (as the `postgres` OS user when we are root) and small helpers. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** The OS user the server runs as; undefined when we are not root and simply run as ourselves. */
export interface ServerUser {
  uid: number;
  gid: number;
}

export interface RunResult {
  code: number | null;
  output: string;
}

/** Who runs a binary and where: the server user (when root) must be able to enter the cwd. */
export interface RunAs {
  user?: ServerUser | undefined;
  cwd?: string;
  /** Written to the binary's stdin, which is then closed. */
  input?: string;
}

export function spawnOptions({ user, cwd = '/' }: RunAs) {
  // English messages, so that errors we surface (and log tails) read the same everywhere.
  const env = { ...process.env, LC_MESSAGES: 'C' };
  return user ? { cwd, env, uid: user.uid, gid: user.gid } : { cwd, env };
}

/** Runs a binary, collecting its output; rejects only when it cannot be spawned at all. */
export function run(file: string, args: string[], runAs: RunAs): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...spawnOptions(runAs), stdio: [runAs.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    if (runAs.input !== undefined) child.stdin?.end(runAs.input);
  });
}

export async function runOrThrow(file: string, args: string[], runAs: RunAs, what: string): Promise<void> {
  const result = await run(file, args, runAs);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}): ${result.output.trim()}`);
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM'); // exists, but belongs to another user
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
