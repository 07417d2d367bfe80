import { descriptionKeyOf, normalizeMerchant, type NormalizedMerchant } from '../merchant/normalize.js';
import { countriesOfCurrency } from './brands/markets.js';
import type { CategorizableTransaction, Categorization } from './categorizer.js';
import { normalizeStatementText, signOf } from './rules.categorizer.js';

/**
 * What every layer knows of a line, worked out once: the merchant (text and key), the market's
 * countries, the direction of the money and the whole line as words. Layers may memoise their own
 * work in `memo` (the rules layers share one rules pass).
 */
export interface LineFacts {
  readonly transaction: CategorizableTransaction;
  readonly merchant: NormalizedMerchant;
  /** The key of the description when a merchant name was sent too (empty otherwise): a second place a brand may stand. */
  readonly descriptionKey: string;
  /** ISO country codes (lower case) whose brands this account meets; empty for an unknown currency. */
  readonly countries: readonly string[];
  readonly sign: 'debit' | 'credit' | null;
  /** Merchant name and description, each passed through `normalizeStatementText`, and the two as one text for wording. */
  readonly merchantWords: string;
  readonly descriptionWords: string;
  readonly words: string;
  readonly memo: Map<string, unknown>;
}

/**
 * One source of answers. A layer answers a line it knows, or returns undefined to let the next
 * layer try. It may be asynchronous (a learned model, a remote LLM) and should honour the signal.
 */
export interface CategorizationLayer {
  /** Reported in the answer's source as `<name>:<detail>`. */
  readonly name: string;
  categorize(line: LineFacts, signal?: AbortSignal): Categorization | undefined | Promise<Categorization | undefined>;
}

/** A layer that answers at once, from what the process holds (the standard layers). */
export interface LocalLayer extends CategorizationLayer {
  categorize(line: LineFacts): Categorization | undefined;
}

export function describeLine(transaction: CategorizableTransaction): LineFacts {
  const merchant = normalizeMerchant({ merchantName: transaction.merchantName, description: transaction.description });
  const merchantWords = transaction.merchantName ? normalizeStatementText(transaction.merchantName) : '';
  const descriptionWords = transaction.description ? normalizeStatementText(transaction.description) : '';
  return {
    transaction,
    merchant,
    descriptionKey: descriptionKeyOf(transaction, merchant.key),
    countries: countriesOfCurrency(transaction.currency),
    sign: signOf(transaction.amount),
    merchantWords,
    descriptionWords,
    words: merchantWords === '' ? descriptionWords : descriptionWords === '' ? merchantWords : `${merchantWords} ${descriptionWords}`,
    memo: new Map(),
  };
}
