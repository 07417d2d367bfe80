import { Type, type Static } from 'typebox';

export const AccountSummaryParams = Type.Object({
  account_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description: 'Your id for the account, as sent at ingestion' }),
});

// Query values are strings as sent (no coercion); the calendar check is the service's.
export const AccountSummaryQuery = Type.Object({
  start_date: Type.Optional(Type.String({ format: 'date', description: 'First day included, YYYY-MM-DD; absent means from the first transaction' })),
  end_date: Type.Optional(Type.String({ format: 'date', description: 'Last day included, YYYY-MM-DD; absent means up to the last transaction' })),
  include_pending: Type.Optional(Type.String({ description: 'true (default) or false: whether transactions the bank has not posted yet count' })),
});
export type AccountSummaryQuery = Static<typeof AccountSummaryQuery>;

const Money = (description: string) => Type.String({ description: `${description}; exact decimal with the currency's minor-unit decimals`, examples: ['3456.78'] });

export const IngestionStatusCounts = Type.Object(
  {
    pending: Type.Integer(),
    processing: Type.Integer(),
    completed: Type.Integer(),
    failed: Type.Integer(),
  },
  { description: 'Transactions in range by enrichment status; they add up to total_transactions' },
);

export const CategorySpend = Type.Object({
  category: Type.String({ description: 'A primary category (never UNCATEGORIZED)' }),
  total_spend: Money("Magnitude of the category's money out"),
  transaction_count: Type.Integer({ description: 'Spending transactions in the category' }),
});

export const AccountSummary = Type.Object({
  account_id: Type.String(),
  currency: Type.String(),
  start_date: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  end_date: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  include_pending: Type.Boolean(),
  total_transactions: Type.Integer({ description: 'Every transaction in range, whatever its status' }),
  total_spend: Money('Magnitude of the sum of negative amounts'),
  total_income: Money('Sum of positive amounts'),
  net: Money('total_income - total_spend; may be negative'),
  top_spend_categories: Type.Array(CategorySpend, {
    maxItems: 3,
    description: 'Categorized spend by total_spend descending, ties by category name ascending',
  }),
  ingestion_status: IngestionStatusCounts,
}, {
  examples: [
    {
      account_id: 'ACC-001',
      currency: 'USD',
      start_date: '2026-01-01',
      end_date: '2026-03-31',
      include_pending: true,
      total_transactions: 120,
      total_spend: '3456.78',
      total_income: '5000.00',
      net: '1543.22',
      top_spend_categories: [{ category: 'FOOD_AND_DRINK', total_spend: '800.00', transaction_count: 40 }],
      ingestion_status: { pending: 0, processing: 0, completed: 118, failed: 2 },
    },
  ],
});
export type AccountSummary = Static<typeof AccountSummary>;
