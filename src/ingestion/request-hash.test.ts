import { describe, expect, it } from 'vitest';
import { canonicalJson, hashBody } from './request-hash.js';

describe('canonicalJson and hashBody', () => {
  it('when keys come in another order, then the text and the hash are the same', () => {
    const one = { b: [1, { y: 'x', x: null }], a: 'é"' };
    const two = { a: 'é"', b: [1, { x: null, y: 'x' }] };
    expect(canonicalJson(one)).toBe('{"a":"é\\"","b":[1,{"x":null,"y":"x"}]}');
    expect(hashBody(one).equals(hashBody(two))).toBe(true);
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('when a value nests 100000 levels deep, then it is written without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(canonicalJson(deep).length).toBeGreaterThan(100_000);
    expect(hashBody(deep)).toHaveLength(32);
  });
});
