import { describe, expect, it } from 'vitest';
import { isAccountId, isIdentifier, isTransactionId } from './identifiers.js';

describe('client-chosen ids', () => {
  it('take letters, digits and . _ : - up to their own length', () => {
    expect(isAccountId('ACC-001.main:2')).toBe(true);
    expect(isAccountId('a'.repeat(64))).toBe(true);
    expect(isAccountId('a'.repeat(65))).toBe(false);
    expect(isTransactionId('t'.repeat(128))).toBe(true);
    expect(isTransactionId('t'.repeat(129))).toBe(false);
  });

  it('refuse empty ids, spaces, slashes and letters outside ASCII', () => {
    for (const id of ['', 'ACC 1', 'ACC/1', 'ACC\n', 'café', '../x']) expect(isIdentifier(id, 128)).toBe(false);
  });
});
