import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifyLucroSignature } from './signing.js';

const body = '{"id":"evt_1","type":"batch.completed","created_at":"2026-11-27T10:00:00.000Z","data":{}}';
const secret = 'whsec_current';
const old = 'whsec_previous';
const now = 1_800_000_000;

describe('Lucro-Signature', () => {
  it('when signed with two secrets, then the header has t and one v1 per secret, each HMAC-SHA256 of "<t>.<body>"', () => {
    const header = signatureHeader(body, [secret, old], now);
    const hex = (key: string) => createHmac('sha256', key).update(`${now}.${body}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${hex(secret)},v1=${hex(old)}`);
  });

  it('when the body, the secret and the time are right, then the verifier accepts, with either secret of a rotation', () => {
    const header = signatureHeader(body, [secret, old], now);
    expect(verifyLucroSignature(body, header, secret, { nowSec: now })).toBe(true);
    expect(verifyLucroSignature(Buffer.from(body), header, [old], { nowSec: now + 299 })).toBe(true);
  });

  it('when the body was changed, the secret is wrong, t is over 5 minutes away or the header is malformed, then the verifier refuses', () => {
    const header = signatureHeader(body, [secret], now);
    expect(verifyLucroSignature(body.replace('evt_1', 'evt_2'), header, secret, { nowSec: now })).toBe(false);
    expect(verifyLucroSignature(body, header, 'whsec_other', { nowSec: now })).toBe(false);
    expect(verifyLucroSignature(body, header, secret, { nowSec: now + 301 })).toBe(false);
    expect(verifyLucroSignature(body, header, secret, { nowSec: now - 301 })).toBe(false);
    expect(verifyLucroSignature(body, header, secret, { nowSec: now + 600, toleranceSec: 900 })).toBe(true);
    for (const bad of [undefined, '', `v1=${'0'.repeat(64)}`, `t=${now}`, `t=${now},v1=abc`, header.replace(`t=${now}`, `t=${now + 1}`)]) {
      expect(verifyLucroSignature(body, bad, secret, { nowSec: now }), String(bad)).toBe(false);
    }
  });

  it('when a receiver copies the README recipe, then it accepts a signed delivery and refuses a changed body, another secret and an old t', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const recipe = /```js\n([\s\S]*?function verifyLucroSignature[\s\S]*?)```/.exec(readme)?.[1];
    expect(recipe).toBeDefined();
    const code = (recipe ?? '').replace(/^import .*$/m, '');
    const verify = new Function('createHmac', 'timingSafeEqual', `${code}\nreturn verifyLucroSignature;`)(createHmac, timingSafeEqual) as (
      rawBody: string,
      header: string,
      secret: string,
    ) => boolean;
    const fresh = Math.floor(Date.now() / 1000);
    const header = signatureHeader(body, [secret, old], fresh);
    expect(verify(body, header, secret)).toBe(true);
    expect(verify(body, header, old)).toBe(true);
    expect(verify(`${body} `, header, secret)).toBe(false);
    expect(verify(body, header, 'whsec_other')).toBe(false);
    expect(verify(body, signatureHeader(body, [secret], fresh - 301), secret)).toBe(false);
  });
});
