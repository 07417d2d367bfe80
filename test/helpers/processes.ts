import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/lucro.js', import.meta.url));

export interface LucroProcess {
  child: ChildProcess;
  /** Every JSON log line the process printed so far. */
  lines: Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Starts `lucro <args>` as its own OS process with only the given environment on top of PATH. */
export function startLucro(args: string[], env: Record<string, string>): LucroProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  if (child.stdout) {
    onJsonLines(child.stdout, (line) => {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    lines,
    exited,
    waitForLog(predicate, timeoutMs = 30_000) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`log line not seen within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before the log line; stderr: ${stderr}`));
        });
      });
    },
  };
}

export interface LucroRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Polls `check` until it returns true or the time runs out. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** Calls `handle` with each JSON log line a process prints; other output is passed over. */
export function onJsonLines(stream: Readable, handle: (line: Record<string, unknown>) => void): void {
  let buffered = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        continue; // not a log line
      }
      if (typeof line === 'object' && line !== null) handle(line as Record<string, unknown>);
    }
  });
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a server a test starts. It is drawn below
 * the kernel's ephemeral range (32768–60999 on Linux): a port from that range, or a fixed one in it,
 * can be taken at any moment as the local end of one of the suite's many client connections, and a
 * server then fails to bind it ("Address already in use").
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port below the ephemeral range after 50 tries');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Runs `lucro <args>` to the end (a CLI command) with only the given environment on top of PATH, and
 * returns its exit code and output; killed after `timeoutMs`. With `terminal`, its stdout is a
 * terminal (through util-linux `script`), as when an operator runs it by hand.
 */
export function runLucro(
  args: string[],
  env: Record<string, string>,
  options: number | { terminal?: boolean; timeoutMs?: number } = {},
): Promise<LucroRun> {
  const { terminal = false, timeoutMs = 90_000 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const [command, commandArgs] = terminal
    ? ['script', ['-qec', [process.execPath, BIN, ...args].join(' '), '/dev/null']]
    : [process.execPath, [BIN, ...args]];
  const child = spawn(command as string, commandArgs as string[], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
