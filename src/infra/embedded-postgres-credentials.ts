/**
 * Who may connect to the embedded server: nobody without the superuser's password. It is random,
 * made on first start, and kept in <LUCRO_DATA_DIR>/postgres.password (mode 0600, owned by the user
 * running Lucro), and pg_hba.conf asks for it (SCRAM) on the socket and on loopback alike. A data
 * directory initialised by an older Lucro with `trust` is upgraded on its next start; deleting the
 * password file while Lucro is stopped makes the next start set a new password (rotation).
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { inCluster, type Cluster, type ClusterPaths } from './embedded-postgres-area.js';
import { runOrThrow } from './embedded-postgres-process.js';
import { readPrivateFile } from './private-file.js';

export const SUPERUSER = 'postgres';

const PG_HBA = `# Written by Lucro: every connection, on the socket or on loopback, must prove the superuser's
# password (SCRAM). Lucro keeps it in postgres.password (mode 0600) in its data directory.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
`;

/** URL-safe, so it goes into a connection URL as it is. */
export function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function readPassword(paths: ClusterPaths): Promise<string | undefined> {
  const text = await readPrivateFile(paths.passwordFile).catch(() => undefined);
  return text?.trim() || undefined;
}

export async function storePassword(paths: ClusterPaths, password: string): Promise<void> {
  await writeFile(paths.passwordFile, `${password}\n`, { mode: 0o600 });
  await chmod(paths.passwordFile, 0o600);
}

/** True when pg_hba.conf lets anyone in without a password (data dirs made before this file). */
export async function hbaTrustsAnyone(paths: ClusterPaths): Promise<boolean> {
  const text = await readFile(path.join(paths.pgData, 'pg_hba.conf'), 'utf8');
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .some((tokens) => tokens.includes('trust'));
}

/** initdb options that make a fresh cluster ask for `password` from its first start. */
export async function initdbAuthArgs(cluster: Cluster, password: string): Promise<{ args: string[]; cleanup: () => Promise<void> }> {
  // initdb runs as the server user and reads the password from a file it can open; it lives only
  // as long as initdb runs, in the server's own 0700 directory.
  const pwfile = path.join(cluster.paths.serverDir, 'initdb.pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (cluster.user) await chown(pwfile, cluster.user.uid, cluster.user.gid);
  return {
    args: ['--auth-local', 'scram-sha-256', '--auth-host', 'scram-sha-256', '--pwfile', pwfile],
    cleanup: () => rm(pwfile, { force: true }),
  };
}

/** On a running server that still trusts everyone: set the password, then demand it (reload). */
export async function requirePassword(client: pg.Client, paths: ClusterPaths, password: string): Promise<void> {
  await client.query(`SET password_encryption = 'scram-sha-256'`);
  await client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${client.escapeLiteral(password)}`);
  await writeHba(paths);
  await client.query('SELECT pg_reload_conf()');
}

/** With the server stopped: sets a new password in single-user mode and demands it from now on. */
export async function resetPasswordOffline(cluster: Cluster, password: string): Promise<void> {
  const { binaries, paths } = cluster;
  await runOrThrow(
    binaries.postgres,
    ['--single', '-D', paths.pgData, '-c', 'password_encryption=scram-sha-256', 'postgres'],
    { ...inCluster(cluster), input: `ALTER ROLE ${SUPERUSER} PASSWORD '${password}';\n` },
    'setting a new embedded PostgreSQL password',
  );
  await writeHba(paths);
}

/** Rewrites the file in place, so it keeps its owner (the server user) and mode. */
async function writeHba(paths: ClusterPaths): Promise<void> {
  await writeFile(path.join(paths.pgData, 'pg_hba.conf'), PG_HBA);
}
