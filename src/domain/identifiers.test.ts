import { describe, expect, it } from 'vitest';
import { isAccountId, isIdentifier, isTransactionId } from './identifiers.js';

describe('client-chosen ids', () => {
  it('when an id has letters, digits and . _ : - up to its own length, then it is taken; one character more, and it is not', () => {
    expect(isAccountId('ACC-001.main:2')).toBe(true);
    expect(isAccountId('a'.repeat(64))).toBe(true);
    expect(isAccountId('a'.repeat(65))).toBe(false);
    expect(isTransactionId('t'.repeat(128))).toBe(true);
    expect(isTransactionId('t'.repeat(129))).toBe(false);
  });

  it('when an id is empty or holds a space, a slash, a newline or a letter outside ASCII, then it is refused', () => {
    for (const id of ['', 'ACC 1', 'ACC/1', 'ACC\n', 'café', '../x']) expect(isIdentifier(id, 128)).toBe(false);
  });
});
