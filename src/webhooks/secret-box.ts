import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../infra/logger.js';
import { readPrivateFile } from '../infra/private-file.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE = 'webhook-secret.key';

/**
 * Seals endpoint secrets with AES-256-GCM so that the database alone does not reveal them; the
 * endpoint id is bound as associated data. The key is resolved on first use, so processes that
 * never touch a webhook secret never need one.
 */
export class SecretBox {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly resolveKey: () => Promise<Buffer>) {}

  async seal(plaintext: string, associated: string): Promise<Buffer> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.currentKey(), nonce).setAAD(Buffer.from(associated, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
  }

  /** Throws when the sealed value was not made with this key for this endpoint. */
  async open(sealed: Buffer, associated: string): Promise<string> {
    const decipher = createDecipheriv('aes-256-gcm', await this.currentKey(), sealed.subarray(0, NONCE_BYTES))
      .setAAD(Buffer.from(associated, 'utf8'))
      .setAuthTag(sealed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  private currentKey(): Promise<Buffer> {
    this.key ??= this.resolveKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }
}

/**
 * .env.example's placeholder key (it spells change-me) is accepted, so that the example starts, but it
 * is public: the api and the worker say so as they start, before any secret is sealed with it.
 */
export function warnOfPlaceholderKey(configured: Buffer | undefined, logger: Logger): void {
  if (!configured?.toString('latin1').includes('change-me')) return;
  logger.error(
    'WEBHOOK_SECRET_KEY is the placeholder of .env.example, which anyone can read: webhook signing secrets sealed with it are not protected. Set the output of `openssl rand -base64 32` before registering a webhook',
  );
}

/**
 * The key from WEBHOOK_SECRET_KEY, or else one kept in `<dataDir>/webhook-secret.key` (mode 0600),
 * generated on first use. Processes started at once agree on one file: it is created by an
 * atomic link, and a process that loses the race reads the winner's key.
 */
export async function keyFromConfigOrFile(configured: Buffer | undefined, dataDir: string, logger: Logger): Promise<Buffer> {
  if (configured) return configured;
  const file = path.join(dataDir, KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) {
    logger.info({ file }, 'WEBHOOK_SECRET_KEY is not set; using the webhook secret key kept in the data directory');
    return existing;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    logger.warn(
      { file },
      'WEBHOOK_SECRET_KEY is not set; generated a webhook secret key in the data directory (mode 0600). Every process must share it: set WEBHOOK_SECRET_KEY in production',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
  const key = await readKeyFile(file);
  if (!key) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  const text = await readPrivateFile(file);
  if (text === undefined) return undefined;
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}
