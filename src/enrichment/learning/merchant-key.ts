import { normalizeStatementText } from '../categorizers/rules.categorizer.js';

/**
 * The merchant a line names: a clean text and a stable key (same merchant despite store numbers,
 * dates, references, processor prefixes). Stand-in with the signature of
 * `enrichment/merchant/normalize.ts` until that lands on main; then this file re-exports it.
 */
export interface NormalizedMerchant {
  text: string;
  key: string;
}

export function normalizeMerchant(input: { merchantName: string | null; description: string | null }): NormalizedMerchant {
  const text = normalizeStatementText(input.merchantName || input.description || '');
  // Bare numbers left over (amounts printed into the line, branch codes) are not the merchant.
  const key = text
    .split(' ')
    .filter((word) => !/^\d+$/.test(word))
    .join(' ');
  return { text, key };
}
