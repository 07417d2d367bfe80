import { spawnSync } from 'node:child_process';

export interface PsqlResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `psql … -c 'SELECT 1'` with no password from anywhere but its arguments: no PGPASSWORD, no
 * .pgpass, never a prompt. `as` runs it as another OS user (root only).
 */
export function psqlSelectOne(args: string[], as: { uid?: number; gid?: number } = {}): PsqlResult {
  const env = { PATH: process.env.PATH ?? '', HOME: '/nonexistent', PGPASSFILE: '/dev/null', LC_MESSAGES: 'C' };
  const result = spawnSync('psql', ['-X', '-w', '-tA', '-c', 'SELECT 1', ...args], { env, encoding: 'utf8', cwd: '/', ...as });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
