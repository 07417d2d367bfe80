import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPrivateFile } from './private-file.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function fileWithMode(mode: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lucro-private-'));
  dirs.push(dir);
  const file = path.join(dir, 'secret');
  await writeFile(file, 's3cret\n');
  await chmod(file, mode);
  return file;
}

describe('readPrivateFile', () => {
  it('when a secret file was left readable by others, then it is read and made 0600 again', async () => {
    const file = await fileWithMode(0o644);
    expect(await readPrivateFile(file)).toBe('s3cret\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('when the file is already 0600, then it is read and left as it is', async () => {
    const file = await fileWithMode(0o600);
    expect(await readPrivateFile(file)).toBe('s3cret\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('when there is no file, then there is no text', async () => {
    expect(await readPrivateFile(path.join(os.tmpdir(), `lucro-missing-${process.pid}`))).toBeUndefined();
  });
});
