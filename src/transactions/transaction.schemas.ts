import { Type, type Static } from 'typebox';
import { CATEGORY_NAMES } from '../domain/taxonomy.js';
import { documentedRule } from '../http/documented.js';
import { AccountIdParam, named, PageLimit, TransactionIdParam } from '../http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const TransactionStatus = Type.Enum(['pending', 'processing', 'completed', 'failed'], { type: 'string' });

/** A stored transaction as every endpoint shows it (contract §5, §10, §11). */
export const TransactionView = named('Transaction', Type.Object({
  transaction_id: Type.String(),
  batch_id: Type.String({ format: 'uuid', description: 'The batch that stored or last modified it' }),
  date: Type.String({ format: 'date' }),
  amount: Type.String({ description: "Exact decimal with the currency's minor-unit decimals" }),
  currency: Type.String(),
  merchant_name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  // Type-based, not a union, so that serializing never tests the value against the enum.
  category: Type.Unsafe<string | null>({ type: ['string', 'null'], enum: [...CATEGORY_NAMES, null], description: 'A category of GET /api/categories; null until enriched' }),
  category_confidence: Nullable(Type.Number()),
  category_source: Nullable(Type.String({ description: 'rules:…, learned:…, user, llm:…' })),
  category_locked: Type.Boolean({ description: 'A person chose the category; enrichment never changes it' }),
  categorizer_version: Nullable(Type.String({ description: 'The categorizer build that produced the category' })),
  status: TransactionStatus,
  attempts: Type.Integer(),
  error: Nullable(Type.String()),
  pending: Type.Boolean({ description: 'The bank has not posted it yet' }),
  pending_transaction_id: Nullable(Type.String({ description: 'On a posted transaction: the pending one it replaces' })),
  removed_at: Nullable(Type.String({ format: 'date-time' })),
  replaced_by: Nullable(Type.String({ description: 'The posted transaction that replaced this pending one' })),
}, {
  examples: [
    {
      transaction_id: 'TX-1001',
      batch_id: '0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d',
      date: '2026-11-02',
      amount: '-12.50',
      currency: 'USD',
      merchant_name: 'Starbucks',
      description: 'STARBUCKS STORE 1234 SEATTLE WA',
      category: 'FOOD_AND_DRINK',
      category_confidence: 0.97,
      category_source: 'rules:coffee',
      category_locked: false,
      categorizer_version: 'layered@5+brands@20260918',
      status: 'completed',
      attempts: 1,
      error: null,
      pending: false,
      pending_transaction_id: null,
      removed_at: null,
      replaced_by: null,
    },
  ],
}));
export type TransactionView = Static<typeof TransactionView>;

export const TransactionsPage = Type.Object({
  transactions: Type.Array(TransactionView),
  next_cursor: Nullable(Type.String()),
});
export type TransactionsPage = Static<typeof TransactionsPage>;

export const AccountParams = Type.Object({ account_id: AccountIdParam });

export const AccountTransactionParams = Type.Object({
  account_id: AccountIdParam,
  transaction_id: TransactionIdParam,
});

// Query values are strings as sent (no coercion); the service checks them and names the parameter, so
// what it accepts is documented here but not enforced by the schema (src/http/documented.ts).
export const AccountTransactionsQuery = Type.Object({
  start_date: Type.Optional(documentedRule(Type.String({ description: 'First day included, YYYY-MM-DD' }), { format: 'date' })),
  end_date: Type.Optional(documentedRule(Type.String({ description: 'Last day included, YYYY-MM-DD' }), { format: 'date' })),
  category: Type.Optional(documentedRule(Type.String({ description: 'One category of GET /api/categories' }), { enum: CATEGORY_NAMES })),
  status: Type.Optional(documentedRule(Type.String({ description: 'pending, processing, completed or failed' }), { enum: TransactionStatus.enum })),
  include_removed: Type.Optional(documentedRule(Type.String({ description: 'true or false (default false)' }), { enum: ['true', 'false'], default: 'false' })),
  q: Type.Optional(Type.String({ description: 'Text the merchant name, description or transaction id contains, any case (1–200 characters)', examples: ['starbucks'] })),
  limit: Type.Optional(PageLimit),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});
export type AccountTransactionsQuery = Static<typeof AccountTransactionsQuery>;
