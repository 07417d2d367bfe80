import { chmod, open } from 'node:fs/promises';

/**
 * The text of a secret file this process keeps (a password, a signing key), or undefined when there
 * is none. A copy, restore or hand edit may have left it readable by others: it is made 0600 again
 * as it is read, when it is this user's to change.
 */
export async function readPrivateFile(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { mode, uid } = await handle.stat();
    if ((mode & 0o077) !== 0 && uid === process.geteuid?.()) await chmod(file, 0o600);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
