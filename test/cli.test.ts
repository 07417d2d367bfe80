import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freePort, runLucro } from './helpers/processes.js';

const COMMANDS = ['start', 'api', 'worker', 'scheduler', 'migrate', 'keys', 'simulate', 'reenrich', 'status'];
/** Nothing listens there: a command that got as far as the database would say so, or wait for it. */
const NO_DATABASE = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/lucro' };

let db: TestDatabase;

/**
 * Runs each argument list as its own `lucro` process, a few at a time: each one compiles the
 * sources as it starts (seconds of CPU), so all at once on a busy 2-core machine would outlast any
 * sensible limit. Answers in the order asked.
 */
async function runEach(argLists: string[][], env: Record<string, string>): Promise<Array<Awaited<ReturnType<typeof runLucro>>>> {
  const runs: Array<Awaited<ReturnType<typeof runLucro>>> = [];
  for (let at = 0; at < argLists.length; at += 3) {
    runs.push(...(await Promise.all(argLists.slice(at, at + 3).map((args) => runLucro(args, env, 60_000)))));
  }
  return runs;
}

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});
afterAll(async () => {
  await db?.drop();
});

describe('using a command wrongly', () => {
  it('when any command gets an unknown option, then it prints one line naming it, starts nothing and exits 2', async () => {
    const runs = await runEach(COMMANDS.map((command) => [command, '--bogus']), NO_DATABASE);
    runs.forEach((run, i) => {
      const command = COMMANDS[i] as string;
      expect({ command, code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
        command,
        code: 2,
        stdout: '',
        stderr: `lucro ${command}: unknown option --bogus; \`lucro ${command} --help\` shows the usage\n`,
      });
    });
  }, 180_000);

  it('when no command is given, or keys create gets an integration name it cannot hold, then it says so on stderr, touches no database and exits 2', async () => {
    const [none, badName] = await runEach([[], ['keys', 'create', '--integration', 'bad name']], NO_DATABASE);
    expect({ code: none?.code, stdout: none?.stdout }).toEqual({ code: 2, stdout: '' });
    expect(none?.stderr).toMatch(/^Usage: lucro <command>/);
    expect({ code: badName?.code, stderr: badName?.stderr }).toEqual({
      code: 2,
      stderr: 'lucro keys: --integration must be 1–64 characters of A-Z a-z 0-9 . _ : -, got "bad name"\n',
    });
  }, 120_000);

  it('when a command gets an argument it does not take, then it prints one line naming it and exits 2', async () => {
    const cases = [['status', 'extra'], ['api', 'extra'], ['migrate', 'extra'], ['keys', 'list', 'extra'], ['reenrich', '--integration', 'x', 'extra']];
    const runs = await runEach(cases, NO_DATABASE);
    runs.forEach((run, i) => {
      const command = cases[i]?.[0] as string;
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `lucro ${command}: unexpected argument "extra"; \`lucro ${command} --help\` shows the usage\n` });
    });
  }, 180_000);

  it('when an option is given twice, then it prints one line naming it, acts on neither and exits 2', async () => {
    const cases = [['keys', 'create', '--integration', 'a', '--integration', 'b'], ['status', '--json', '--json']];
    const runs = await runEach(cases, NO_DATABASE);
    expect(runs.map((run) => ({ code: run.code, stdout: run.stdout, stderr: run.stderr }))).toEqual([
      { code: 2, stdout: '', stderr: 'lucro keys: --integration is given more than once; `lucro keys --help` shows the usage\n' },
      { code: 2, stdout: '', stderr: 'lucro status: --json is given more than once; `lucro status --help` shows the usage\n' },
    ]);
  }, 120_000);

  it('when keys revoke gets an empty or blank prefix, then it asks for the prefix, touches no database and exits 2', async () => {
    const runs = await runEach([['keys', 'revoke', ''], ['keys', 'revoke', '  ']], NO_DATABASE);
    for (const run of runs) {
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr: "lucro keys: revoke needs the key's PREFIX (`lucro keys list` shows each key's prefix)\n",
      });
    }
  }, 120_000);

  it('when asked for --version or version, then it prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const runs = await runEach([['--version'], ['version']], NO_DATABASE);
    for (const run of runs) expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  }, 120_000);

  it('when asked for the top-level --help, then it shows every command with the options its own --help documents', async () => {
    const run = await runLucro(['--help'], NO_DATABASE, 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  keys revoke PREFIX [--json]\n');
    expect(run.stdout).toContain('  --version ');
  }, 60_000);

  it('when any command is asked for --help, then it prints its usage and exits 0', async () => {
    const runs = await runEach(COMMANDS.map((command) => [command, '--help']), NO_DATABASE);
    runs.forEach((run, i) => {
      const command = COMMANDS[i] as string;
      expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(run.stdout).toContain(`lucro ${command}`);
      expect(run.stdout).toMatch(/^Usage:/);
    });
    expect(runs[COMMANDS.indexOf('keys')]?.stdout).toContain('lucro keys create --integration NAME [--scopes ingest,reports]');
  }, 180_000);

  it('when reenrich gets a --since that is not a real date, then it names --since and the format and exits 2', async () => {
    for (const since of ['2026-13-01', 'yesterday']) {
      const run = await runLucro(['reenrich', '--integration', 'x', '--since', since], NO_DATABASE, 30_000);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `lucro reenrich: --since must be a real calendar date YYYY-MM-DD, got "${since}"\n` });
    }
  }, 60_000);
});

describe('settings that cannot work', () => {
  it('when LOG_LEVEL, TRUST_PROXY, CATEGORIZER, REDIS_URL or DATABASE_URL is not something that exists, then the API does not start and one line names the variable', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
      [{ TRUST_PROXY: 'garbage' }, 'TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDRs of the proxies (e.g. 10.0.0.0/8,127.0.0.1), got "garbage"'],
      [{ CATEGORIZER: 'xyz' }, 'CATEGORIZER must be one of layered, rules, got "xyz"'],
      [{ REDIS_URL: 'notaurl' }, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got something that is not a URL'],
      [{ DATABASE_URL: 'garbage' }, 'DATABASE_URL must be a postgres:// URL such as postgres://lucro:secret@127.0.0.1:5432/lucro, got something that is not a URL'],
    ];
    const port = String(await freePort());
    const runs = await Promise.all(cases.map(([env]) => runLucro(['api'], { DATABASE_URL: db.url, PORT: port, ...env }, 30_000)));
    runs.forEach((run, i) => {
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: `lucro: ${cases[i]?.[1]}\n` });
    });
  }, 60_000);

  it('when the port is in use or HOST does not resolve, then the role says it cannot listen, names the setting and exits 1', async () => {
    const taken = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'warn', ENRICHMENT_LATENCY_MS: '0' };
    try {
      const [api, worker, host] = await Promise.all([
        runLucro(['api'], { ...env, PORT: String(port) }, 30_000),
        runLucro(['worker'], { ...env, METRICS_PORT: String(port) }, 30_000),
        runLucro(['api'], { ...env, HOST: 'not..a..host', PORT: String(await freePort()) }, 30_000),
      ]);
      expect({ code: api?.code, stderr: api?.stderr }).toEqual({ code: 1, stderr: `lucro: cannot listen on 127.0.0.1:${port}: the port is in use (set PORT)\n` });
      expect({ code: worker?.code, stderr: worker?.stderr }).toEqual({ code: 1, stderr: `lucro: cannot listen on 127.0.0.1:${port}: the port is in use (set METRICS_PORT)\n` });
      expect(host?.code).toBe(1);
      expect(host?.stderr).toMatch(/^lucro: cannot listen on not\.\.a\.\.host:\d+: the host name not\.\.a\.\.host does not resolve \(set HOST, e\.g\. to 127\.0\.0\.1 or 0\.0\.0\.0\)\n$/);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('when DATABASE_URL names a database or role PostgreSQL does not know, then migrate and start say so in one line and exit 1', async () => {
    const missing = new URL(db.url);
    missing.pathname = '/lucro_no_such_database';
    const stranger = new URL(db.url);
    stranger.username = 'lucro_no_such_role';
    const [migrate, start, role] = await Promise.all([
      runLucro(['migrate'], { DATABASE_URL: missing.toString(), LOG_LEVEL: 'warn' }, 30_000),
      runLucro(['start'], { DATABASE_URL: missing.toString(), LOG_LEVEL: 'warn', PORT: String(await freePort()) }, 30_000),
      runLucro(['migrate'], { DATABASE_URL: stranger.toString(), LOG_LEVEL: 'warn' }, 30_000),
    ]);
    const refused = 'lucro: PostgreSQL refused DATABASE_URL: database "lucro_no_such_database" does not exist\n';
    expect({ code: migrate?.code, stderr: migrate?.stderr }).toEqual({ code: 1, stderr: refused });
    expect({ code: start?.code, stderr: start?.stderr }).toEqual({ code: 1, stderr: refused });
    expect({ code: role?.code, stderr: role?.stderr }).toEqual({ code: 1, stderr: 'lucro: PostgreSQL refused DATABASE_URL: role "lucro_no_such_role" does not exist\n' });
  }, 60_000);
});
