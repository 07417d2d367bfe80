import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/context.js';
import { freePort, waitFor } from './helpers/processes.js';

/**
 * §1 names `npm start` and `npx lucro start` as the way to run the service, and §9 says SIGTERM drains
 * it. npm runs the command through a shell, and a shell does not pass on the SIGTERM that npm passes
 * to it: the service must still drain and exit, not serve on as an orphan.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

describe('SIGTERM through npm', () => {
  it.each(['npm start', 'npx lucro start'])('when `%s` is sent SIGTERM, then the service it started drains and exits', async (commandLine) => {
    const port = await freePort();
    const [command = '', ...args] = commandLine.split(' ');
    const npm = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: ctx.db.url, PORT: String(port), ENRICHMENT_LATENCY_MS: '0' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // The service writes to the same pipe; it ends only when every process holding it has exited.
    let output = '';
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const pipeClosed = new Promise<void>((resolve) => npm.stdout.on('close', resolve));
    try {
      const healthy = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      await waitFor(healthy, 60_000, 'the service to answer /healthz');

      npm.kill('SIGTERM');
      await Promise.race([pipeClosed, new Promise((_, reject) => setTimeout(() => reject(new Error(`the service is still running:\n${output.slice(-2000)}`)), 45_000))]);
      expect(await healthy()).toBe(false);
      expect(output).toMatch(/"msg":"draining"/);
      expect(output).toMatch(/"msg":"stopped"/);
    } finally {
      npm.kill('SIGKILL');
    }
  }, 120_000);
});
