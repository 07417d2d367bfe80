import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { runLucro } from './helpers/processes.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});
afterAll(() => db.drop());

/** Runs `lucro migrate`, its stdout a pipe or a terminal. */
function migrate(env: Record<string, string>, terminal: boolean) {
  return runLucro(['migrate'], { DATABASE_URL: db.url, ...env }, { terminal });
}

const ESC = '\u001b[';

describe('log format', () => {
  it('when stdout is not a terminal, then every log line is a JSON object', async () => {
    const { code, stdout } = await migrate({}, false);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service: 'lucro', role: 'migrate' });
    expect(lines.map((line) => JSON.parse(line).msg)).toContain('schema is up to date');
  });

  it('when stdout is a terminal, then lines are pretty and colourised: time, level, role, message', async () => {
    const { code, stdout } = await migrate({}, true);
    expect(code).toBe(0);
    expect(stdout).toContain(ESC);
    const plain = stdout.replaceAll(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(migrate\): schema is up to date\r?$/m);
    expect(plain).not.toContain('{"level"');
  });

  it('when LOG_FORMAT=json is set, then a terminal gets JSON lines too', async () => {
    const { code, stdout } = await migrate({ LOG_FORMAT: 'json' }, true);
    expect(code).toBe(0);
    expect(stdout).not.toContain(ESC);
    expect(stdout.trim().split(/\r?\n/).map((line) => JSON.parse(line).msg)).toContain('schema is up to date');
  });

  it('when LOG_FORMAT=pretty is set, then a pipe gets pretty lines (without colour)', async () => {
    const { code, stdout } = await migrate({ LOG_FORMAT: 'pretty' }, false);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(migrate\): schema is up to date$/m);
  });

  it('when LOG_FORMAT names no format, then the command refuses to start and names the variable', async () => {
    const { code, stderr } = await migrate({ LOG_FORMAT: 'xml' }, false);
    expect(code).not.toBe(0);
    expect(stderr).toContain('LOG_FORMAT must be one of json, pretty, got "xml"');
  });
});
