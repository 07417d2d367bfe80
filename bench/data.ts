/**
 * Realistic transactions for the benchmark: the request bodies the API receives and the SQL that
 * bulk-loads equivalent rows where going through the API is not what is being measured.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { SimulatedTransaction } from '../src/cli/simulate.data.js';

/** Merchant name, statement description and typical amount range (minor units); positive = income. */
const MERCHANTS: Array<[string | null, string, number, number]> = [
  ['Starbucks', 'STARBUCKS STORE 1234 SEATTLE WA', -1_800, -350],
  ['Uber', 'UBER *TRIP HELP.UBER.COM', -6_500, -900],
  ['Amazon', 'AMZN Mktp US*2K4T61Q', -25_000, -1_000],
  ['Shell', 'SHELL OIL 57442660 AUSTIN TX', -9_000, -2_500],
  ['Netflix', 'NETFLIX.COM LOS GATOS CA', -2_299, -1_549],
  ['Whole Foods', 'WHOLEFDS MKT 10234 SEATTLE', -22_000, -1_500],
  ['Delta', 'DELTA AIR 0062318459221', -90_000, -18_000],
  ['CVS', 'CVS/PHARMACY #04521', -7_500, -600],
  ['Comcast', 'COMCAST CABLE COMM 800-COMCAST', -14_000, -8_000],
  [null, 'ONLINE TRANSFER TO SAVINGS 4412', -100_000, -5_000],
  [null, 'MONTHLY SERVICE FEE', -1_500, -500],
  [null, 'ACME CORP PAYROLL PPD ID 99123', 250_000, 480_000],
  [null, 'ZELLE FROM J SMITH', 2_000, 30_000],
];

/** The merchant table as SQL arrays, for loads done with generate_series. */
export const MERCHANT_SQL = {
  names: `ARRAY[${MERCHANTS.map(([name]) => (name === null ? 'NULL' : `'${name}'`)).join(',')}]::text[]`,
  descriptions: `ARRAY[${MERCHANTS.map(([, description]) => `'${description}'`).join(',')}]::text[]`,
  low: `ARRAY[${MERCHANTS.map(([, , low]) => low).join(',')}]::int[]`,
  high: `ARRAY[${MERCHANTS.map(([, , , high]) => high).join(',')}]::int[]`,
  count: MERCHANTS.length,
};

/** A transaction in the ingestion API's shape, as the simulator makes them. */
export type BenchTransaction = SimulatedTransaction;

/** A deterministic pseudo-random stream (mulberry32), so every run posts the same rows. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `count` transactions of one account, ids `TX-<account>-<seq>`, dates over 2025. */
export function makeTransactions(accountKey: string, count: number, seed: number): BenchTransaction[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const [name, description, low, high] = MERCHANTS[Math.floor(random() * MERCHANTS.length)] as (typeof MERCHANTS)[number];
    const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 365) * 86_400_000).toISOString().slice(0, 10);
    const transaction: BenchTransaction = {
      transaction_id: `TX-${accountKey}-${String(i).padStart(7, '0')}`,
      date: day,
      amount: formatCents(Math.round(low + random() * (high - low))),
      currency: 'USD',
      description,
    };
    if (name !== null) transaction.merchant_name = name;
    return transaction;
  });
}

export function requestBody(accountId: string, transactions: BenchTransaction[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      account: { account_id: accountId, currency: 'USD', name: 'Everyday Checking', institution: 'Bench Bank' },
      transactions,
    }),
  );
}

/** Creates accounts of the integration (idempotent); returns their database ids by external id. */
export async function ensureAccounts(pool: pg.Pool, integrationId: number, externalIds: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ id: number; external_id: string }>(
    `WITH inserted AS (
       INSERT INTO accounts (integration_id, external_id, currency, name, institution)
       SELECT $1, e, 'USD', 'Everyday Checking', 'Bench Bank' FROM unnest($2::text[]) e
       ON CONFLICT (integration_id, external_id) DO NOTHING
       RETURNING id, external_id
     )
     SELECT id, external_id FROM inserted
     UNION ALL
     SELECT id, external_id FROM accounts WHERE integration_id = $1 AND external_id = ANY($2::text[])`,
    [integrationId, externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, Number(row.id)]));
}

/**
 * Inserts `batches` batches of `perBatch` pending transactions spread over the accounts, straight
 * into the tables (as the API would leave them, with a raw record). Returns the batch ids.
 */
export async function insertPendingBatches(
  pool: pg.Pool,
  integrationId: number,
  accountIds: number[],
  batches: number,
  perBatch: number,
  tag: string,
): Promise<string[]> {
  const batchIds = Array.from({ length: batches }, () => randomUUID());
  const accounts = batchIds.map((_, i) => accountIds[i % accountIds.length] as number);
  await pool.query(
    `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates)
     SELECT b, $2, a, $4, $4, 0 FROM unnest($1::uuid[], $3::bigint[]) AS x (b, a)`,
    [batchIds, integrationId, accounts, perBatch],
  );
  // One statement per 10 batches keeps each statement short on a shared machine.
  for (let start = 0; start < batches; start += 10) {
    const slice = batchIds.slice(start, start + 10);
    await pool.query(
      `INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, merchant_name, description, raw)
       SELECT x.a, x.b, t.transaction_id, t.date, t.amount, 'USD', t.merchant_name, t.description,
              jsonb_build_object('transaction_id', t.transaction_id, 'date', t.date, 'amount', t.amount::text,
                                 'currency', 'USD', 'merchant_name', t.merchant_name, 'description', t.description)
         FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS x (b, a, n)
         CROSS JOIN LATERAL generate_series(1, $3) g
         CROSS JOIN LATERAL (SELECT 1 + (hashint8(g * 7919 + x.n) & 2147483647) % ${MERCHANT_SQL.count} AS m) pick
         CROSS JOIN LATERAL (
           SELECT $4 || '-' || x.b || '-' || g AS transaction_id,
                  DATE '2025-01-01' + (g % 365) AS date,
                  round((((${MERCHANT_SQL.low})[pick.m] + random() * ((${MERCHANT_SQL.high})[pick.m] - (${MERCHANT_SQL.low})[pick.m])) / 100.0)::numeric, 2) AS amount,
                  (${MERCHANT_SQL.names})[pick.m] AS merchant_name,
                  (${MERCHANT_SQL.descriptions})[pick.m] AS description
         ) t`,
      [slice, accounts.slice(start, start + 10), perBatch, tag],
    );
  }
  return batchIds;
}
