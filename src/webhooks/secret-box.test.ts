import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_FILE, keyFromConfigOrFile, SecretBox, warnOfPlaceholderKey } from './secret-box.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('webhook secret key and sealing', () => {
  it('when no WEBHOOK_SECRET_KEY is set, then a key is generated once in the data dir (0600), said in the log without the key, and reused', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lucro-key-'));
    dirs.push(dir);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const [first, second] = await Promise.all([keyFromConfigOrFile(undefined, path.join(dir, 'data'), logger), keyFromConfigOrFile(undefined, path.join(dir, 'data'), logger)]);
    expect(first.length).toBe(32);
    expect(second.equals(first)).toBe(true);
    const file = path.join(dir, 'data', KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').equals(first)).toBe(true);
    expect(lines.filter((l) => l.includes('generated a webhook secret key'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(first.toString('base64'));
    expect((await keyFromConfigOrFile(undefined, path.join(dir, 'data'), logger)).equals(first)).toBe(true);
  });

  it('when WEBHOOK_SECRET_KEY is left as .env.example\'s placeholder, then it is used but an error line says it is public; a key of its own is used silently', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const placeholder = Buffer.from('Y2hhbmdlLW1lLWNoYW5nZS1tZS1jaGFuZ2UtbWUtMzI=', 'base64');
    warnOfPlaceholderKey(placeholder, logger);
    expect((await keyFromConfigOrFile(placeholder, '/nonexistent', logger)).equals(placeholder)).toBe(true);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([{ level: 50, msg: expect.stringContaining('placeholder of .env.example') }]);
    const own = Buffer.alloc(32, 9);
    warnOfPlaceholderKey(own, logger);
    warnOfPlaceholderKey(undefined, logger);
    expect((await keyFromConfigOrFile(own, '/nonexistent', logger)).equals(own)).toBe(true);
    expect(lines).toHaveLength(1);
  });

  it('when a secret is sealed, then only the same key and endpoint open it', async () => {
    const key = Buffer.alloc(32, 7);
    const box = new SecretBox(async () => key);
    const sealed = await box.seal('whsec_abc', 'we_1');
    expect(sealed.toString('latin1')).not.toContain('whsec_abc');
    expect(await box.open(sealed, 'we_1')).toBe('whsec_abc');
    await expect(box.open(sealed, 'we_2')).rejects.toThrow();
    await expect(new SecretBox(async () => Buffer.alloc(32, 8)).open(sealed, 'we_1')).rejects.toThrow();
  });
});
