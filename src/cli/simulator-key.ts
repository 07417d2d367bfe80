import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readPrivateFile } from '../infra/private-file.js';

/** The simulator's key is made to expire: a stored key that leaks is not a permanent one. */
export const SIMULATOR_KEY_EXPIRY_SECONDS = 30 * 86_400;

/** Where `lucro simulate` keeps its key between runs (owner read/write only). */
function simulatorKeyFile(dataDir: string): string {
  return path.join(dataDir, 'simulator.key');
}

/** The key a previous run stored, if any. */
export async function readSimulatorKey(dataDir: string): Promise<string | undefined> {
  const text = await readPrivateFile(simulatorKeyFile(dataDir)).catch(() => undefined);
  return text?.trim() || undefined;
}

/** Stores the key with mode 0600, replacing the old file in one step. */
export async function storeSimulatorKey(dataDir: string, key: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = simulatorKeyFile(dataDir);
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, `${key}\n`, { mode: 0o600 });
  await chmod(staging, 0o600);
  await rename(staging, file);
}
