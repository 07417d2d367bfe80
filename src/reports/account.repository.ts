import type { Queryable } from '../infra/db.js';

export interface AccountListRow {
  id: number;
  account_id: string;
  currency: string;
  name: string | null;
  institution: string | null;
  created_at: Date;
  transaction_count: number;
}

/**
 * One page of the integration's accounts in the order they were created (their identity), after the
 * account whose account_id is `after` (a number: its internal id, as older cursors held; null: from
 * the first). Transactions are counted from the monthly rollup: a few rows an account, and kept
 * exactly equal to the transactions it counts. Undefined when `after` names no account of the
 * integration.
 */
export async function listAccounts(db: Queryable, integrationId: number, after: string | number | null, limit: number): Promise<AccountListRow[] | undefined> {
  let afterId = typeof after === 'number' ? after : 0;
  if (typeof after === 'string') {
    const start = await db.query<{ id: number }>('SELECT id::int AS id FROM accounts WHERE integration_id = $1 AND external_id = $2', [integrationId, after]);
    if (!start.rows[0]) return undefined;
    afterId = start.rows[0].id;
  }
  const { rows } = await db.query<AccountListRow>(
    `SELECT a.id::int AS id, a.external_id AS account_id, a.currency::text AS currency, a.name, a.institution, a.created_at,
            coalesce((SELECT sum(m.transactions) FROM account_monthly_rollup m WHERE m.account_id = a.id), 0)::int AS transaction_count
       FROM accounts a
      WHERE a.integration_id = $1 AND a.id > $2
      ORDER BY a.id
      LIMIT $3`,
    [integrationId, afterId, limit],
  );
  return rows;
}
