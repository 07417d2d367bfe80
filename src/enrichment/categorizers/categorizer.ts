import type { Category } from '../../domain/taxonomy.js';

/** What a categorizer sees of a stored transaction. Amount is an exact decimal string; negative is money out. */
export interface CategorizableTransaction {
  transactionId: string;
  accountId: string;
  /** The integration owning the account, for categorizers that learn per integration. */
  integrationId?: number;
  date: string;
  amount: string;
  currency: string;
  merchantName: string | null;
  description: string | null;
  /** ISO 18245 merchant category code, when the feed sends one (card transactions often do). */
  mcc?: string | null;
  /**
   * The integration's learning version when the worker took the line: a categorizer that learns
   * answers from what it learned by then at least (a correction committed before counts at once).
   */
  learningVersion?: number;
}

/** The answer a categorizer gives; the worker stores it as it is. */
export interface Categorization {
  category: Category;
  /** How sure the categorizer is, 0..1. */
  confidence: number;
  /** Which categorizer (and which rule or model version) produced it, e.g. `rules:coffee`. */
  source: string;
  /**
   * The brand it recognised in the line and answered by, as a merchant key (`SHELL` for
   * `SHELL OIL 5744`): one name for every spelling and branch of a chain, which the learned layer
   * asks the integration's corrections about. Not stored.
   */
  brand?: string;
}

/**
 * Turns one transaction into a category. Implementations may be slow or remote (a model, an LLM):
 * the worker calls them with no database transaction open and may call many at once.
 * Throwing records the error on the row and retries it up to MAX_ATTEMPTS.
 */
export interface Categorizer {
  readonly name: string;
  /**
   * What exactly answered: the categorizer and the version of its rules and data, e.g. `rules@1`
   * or `layered@1+brands@20260918`. Stored beside each answer, so that answers of different builds
   * can be told apart and re-run.
   */
  readonly version: string;
  categorize(transaction: CategorizableTransaction, signal?: AbortSignal): Promise<Categorization>;
  /**
   * The brand a line names (as `Categorization.brand`), worked out locally and at once, without
   * asking anything remote: what the learned layer asks of the merchant keys an integration corrected.
   */
  brandOf?(transaction: CategorizableTransaction): BrandReading | undefined;
}

/** A brand a categorizer recognised in a line, and the category it gave the line by it. */
export interface BrandReading {
  brand: string;
  category: Category;
}
