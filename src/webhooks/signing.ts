import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Lucro-Signature` (contract §13): `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, one `v1` per active
 * secret, each an HMAC-SHA256 of `"<t>.<raw body>"` keyed with the whole `whsec_…` string.
 */
export function signatureHeader(rawBody: string, secrets: readonly string[], timestamp: number): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac(secret, timestamp, rawBody)}`)].join(',');
}

export interface VerifyOptions {
  /** A signature older (or further in the future) than this is refused; 300 s by default. */
  toleranceSec?: number;
  /** The receiver's clock in unix seconds; now by default. */
  nowSec?: number;
}

/**
 * For receivers: true when `header` carries a `v1` signature of `rawBody` by one of `secrets`
 * (several while a rotated one is still active) with a timestamp within the tolerance. `rawBody`
 * must be the bytes as received, before any JSON parsing. Comparisons take constant time.
 */
export function verifyLucroSignature(
  rawBody: string | Buffer,
  header: string | undefined,
  secrets: string | readonly string[],
  { toleranceSec = 300, nowSec = Math.floor(Date.now() / 1000) }: VerifyOptions = {},
): boolean {
  if (typeof header !== 'string') return false;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (name === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0 || Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = (typeof secrets === 'string' ? [secrets] : secrets).map((secret) => Buffer.from(hmac(secret, timestamp, rawBody), 'hex'));
  let matched = false;
  // Every pair is compared, so the time taken does not tell which one matched.
  for (const signature of signatures) for (const candidate of expected) matched = timingSafeEqual(signature, candidate) || matched;
  return matched;
}

function hmac(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.`, 'utf8').update(rawBody).digest('hex');
}
