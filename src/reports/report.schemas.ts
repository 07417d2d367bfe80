import { Type, type Static } from 'typebox';
import { CATEGORY_NAMES } from '../domain/taxonomy.js';
import { documentedRule } from '../http/documented.js';
import { AccountIdParam, named, PageLimit } from '../http/schemas.js';

export const AccountSummaryParams = Type.Object({ account_id: AccountIdParam });

// Query values are strings as sent (no coercion); the calendar check is the service's.
export const AccountSummaryQuery = Type.Object({
  start_date: Type.Optional(Type.String({ format: 'date', description: 'First day included, YYYY-MM-DD; absent means from the first transaction' })),
  end_date: Type.Optional(Type.String({ format: 'date', description: 'Last day included, YYYY-MM-DD; absent means up to the last transaction' })),
  include_pending: Type.Optional(
    documentedRule(Type.String({ description: 'true (default) or false: whether transactions the bank has not posted yet count' }), { enum: ['true', 'false'], default: 'true' }),
  ),
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
  category: Type.Unsafe<string>({ type: 'string', enum: CATEGORY_NAMES.filter((category) => category !== 'UNCATEGORIZED'), description: 'A primary category (never UNCATEGORIZED)' }),
  total_spend: Money("Magnitude of the category's money out"),
  transaction_count: Type.Integer({ description: 'Spending transactions in the category' }),
});

export const AccountSummary = named('AccountSummary', Type.Object({
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
}));
export type AccountSummary = Static<typeof AccountSummary>;

export const AccountListQuery = Type.Object({
  limit: Type.Optional(PageLimit),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});
export type AccountListQuery = Static<typeof AccountListQuery>;

/** An account as §15's list shows it. */
export const AccountView = named('Account', Type.Object({
  account_id: Type.String(),
  currency: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  institution: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  transaction_count: Type.Integer({ description: "The account's transactions, in any enrichment status and bank-pending ones included; removed transactions are not counted" }),
}));

export const AccountListPage = Type.Object({
  accounts: Type.Array(AccountView, { description: 'Oldest first, in the order the accounts were created' }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
}, {
  examples: [
    {
      accounts: [
        { account_id: 'ACC-001', currency: 'USD', name: 'Everyday Checking', institution: 'Example Bank', created_at: '2026-11-27T10:00:00.000Z', transaction_count: 120 },
      ],
      next_cursor: null,
    },
  ],
});
export type AccountListPage = Static<typeof AccountListPage>;

export const MonthlyReportQuery = Type.Object({
  ...AccountSummaryQuery.properties,
  include_pending: Type.Optional(
    documentedRule(Type.String({ description: 'true (default) or false: whether transactions the bank still reports as pending count' }), { enum: ['true', 'false'], default: 'true' }),
  ),
});
export type MonthlyReportQuery = Static<typeof MonthlyReportQuery>;

export const MonthlyReport = named('MonthlyReport', Type.Object({
  account_id: Type.String(),
  currency: Type.String(),
  start_date: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  end_date: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  include_pending: Type.Boolean(),
  months: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM', examples: ['2026-10'] }),
      total_spend: Money('Magnitude of the sum of negative amounts'),
      total_income: Money('Sum of positive amounts'),
      net: Money('total_income - total_spend; may be negative'),
      categories: Type.Array(CategorySpend, { description: 'Every categorized spend category of the month, by total_spend descending, ties by name' }),
    }),
    { description: 'Months with transactions in range, ascending' },
  ),
}, {
  examples: [
    {
      account_id: 'ACC-001',
      currency: 'USD',
      start_date: '2026-10-01',
      end_date: '2026-11-30',
      include_pending: true,
      months: [
        {
          month: '2026-10',
          total_spend: '1511.89',
          total_income: '2500.00',
          net: '988.11',
          categories: [
            { category: 'RENT_AND_UTILITIES', total_spend: '1200.00', transaction_count: 1 },
            { category: 'FOOD_AND_DRINK', total_spend: '311.89', transaction_count: 14 },
          ],
        },
        { month: '2026-11', total_spend: '96.40', total_income: '2600.00', net: '2503.60', categories: [{ category: 'FOOD_AND_DRINK', total_spend: '96.40', transaction_count: 5 }] },
      ],
    },
  ],
}));
export type MonthlyReport = Static<typeof MonthlyReport>;
