/**
 * Account summary latency over HTTP against the very same statement run bare from the bench
 * process, on a table of millions of rows with one small and one large account.
 */
import { isActiveCurrency, minorUnits } from '../src/domain/currencies.js';
import { createPool, type Queryable } from '../src/infra/db.js';
import { summarizeAccountRange, type SummaryRange } from '../src/reports/report.repository.js';
import { ensureAccounts } from './data.js';
import type { BenchEnv } from './harness.js';
import { percentile, round, since } from './stats.js';

export interface SummarySettings {
  totalRows: number;
  bigRows: number;
  smallRows: number;
  requests: number;
  /** Builds a per-day rollup in the bench database, as evidence for what a fix would gain. */
  rollupProbe: boolean;
}

export interface LatencyFigure {
  account: string;
  rows: number;
  range: string;
  rowsInRange: number;
  http: { p50: number; p95: number };
  sql: { p50: number; p95: number };
  rollupSql?: { p50: number; p95: number; equal: boolean };
}

export interface SummaryResult {
  totalRows: number;
  loadSeconds: number;
  vacuumSeconds: number;
  tableMiB: number;
  indexMiB: Record<string, number>;
  requests: number;
  figures: LatencyFigure[];
  explain: string;
  rollup?: { buildSeconds: number; rows: number; tableMiB: number };
}

const DAYS = 396; // 2025-01-01 … 2026-01-31
const RANGES = [
  { name: '3 months', start: '2025-11-01', end: '2026-01-31' },
  { name: '12 months', start: '2025-02-01', end: '2026-01-31' },
];
const SPEND_CATEGORIES = [
  'FOOD_AND_DRINK', 'GENERAL_MERCHANDISE', 'TRANSPORTATION', 'RENT_AND_UTILITIES', 'ENTERTAINMENT', 'TRAVEL', 'MEDICAL',
  'PERSONAL_CARE', 'GENERAL_SERVICES', 'HOME_IMPROVEMENT', 'LOAN_PAYMENTS', 'BANK_FEES', 'TRANSFER_OUT',
  'GOVERNMENT_AND_NON_PROFIT', 'UNCATEGORIZED',
];

export async function benchSummary(env: BenchEnv, target: { apiPort: number; key: string; integrationId: number }, settings: SummarySettings): Promise<SummaryResult> {
  const log = env.options.log;
  const fillers = Math.max(0, Math.round((settings.totalRows - settings.bigRows - settings.smallRows) / 1_000));
  const accounts = [
    { externalId: 'SUM-BIG', rows: settings.bigRows },
    { externalId: 'SUM-SMALL', rows: settings.smallRows },
    ...Array.from({ length: fillers }, (_, i) => ({ externalId: `SUM-F${i}`, rows: 1_000 })),
  ];
  const totalRows = accounts.reduce((sum, a) => sum + a.rows, 0);
  await env.truncate();
  const ids = await ensureAccounts(env.pool, target.integrationId, accounts.map((a) => a.externalId));

  const loadStarted = performance.now();
  await env.pool.query('DROP TABLE IF EXISTS bench_load_spec');
  await env.pool.query('CREATE TABLE bench_load_spec (account_id bigint, batch_id uuid, n int)');
  await env.pool.query(`INSERT INTO bench_load_spec SELECT a, gen_random_uuid(), n FROM unnest($1::bigint[], $2::int[]) AS x (a, n)`, [
    accounts.map((a) => ids.get(a.externalId)),
    accounts.map((a) => a.rows),
  ]);
  await env.pool.query(
    `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates, completed_at)
     SELECT batch_id, $1, account_id, n, n, 0, now() FROM bench_load_spec`,
    [target.integrationId],
  );
  // Day by day across all accounts, as rows arrive in life; 10 days per statement.
  const categories = `ARRAY[${SPEND_CATEGORIES.map((c) => `'${c}'`).join(',')}]::text[]`;
  for (let day = 0; day < DAYS; day += 10) {
    await env.pool.query(
      `INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, merchant_name, description, raw,
                                 category, category_confidence, category_source, status, attempts, enrichment_commits, completed_at)
       SELECT s.account_id, s.batch_id, 'TX-' || k, DATE '2025-01-01' + (k::bigint * $3 / s.n)::int,
              v.amount, 'USD', 'Merchant ' || (k % 97), 'CARD PURCHASE ' || (k % 997), '{"source": "bench"}'::jsonb,
              CASE WHEN v.status = 'completed' THEN v.category END,
              CASE WHEN v.status = 'completed' THEN 0.9 END,
              CASE WHEN v.status = 'completed' THEN 'rules' END,
              v.status, CASE WHEN v.status = 'pending' THEN 0 ELSE 1 END,
              CASE WHEN v.status = 'completed' THEN 1 ELSE 0 END,
              CASE WHEN v.status <> 'pending' THEN now() END
         FROM bench_load_spec s
        CROSS JOIN LATERAL generate_series(ceil($1::numeric * s.n / $3)::int, ceil($2::numeric * s.n / $3)::int - 1) k
        CROSS JOIN LATERAL (SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r4, k AS kk) x
        CROSS JOIN LATERAL (
          SELECT CASE WHEN x.r1 < 0.12 THEN round((500 + x.r2 * 4500)::numeric, 2) ELSE -round((1 + x.r2 * 250)::numeric, 2) END AS amount,
                 CASE WHEN x.r1 < 0.12 THEN 'INCOME' ELSE (${categories})[1 + floor(x.r3 * ${SPEND_CATEGORIES.length})::int] END AS category,
                 CASE WHEN x.r4 < 0.97 THEN 'completed' WHEN x.r4 < 0.985 THEN 'pending' ELSE 'failed' END AS status
        ) v`,
      [day, Math.min(DAYS, day + 10), DAYS],
    );
    if (day % 100 === 0) log(`  summary load: day ${day}/${DAYS}`);
  }
  const loadSeconds = since(loadStarted) / 1000;
  const vacuumStarted = performance.now();
  await env.pool.query('VACUUM ANALYZE transactions');
  await env.pool.query('VACUUM ANALYZE accounts');
  const vacuumSeconds = since(vacuumStarted) / 1000;
  const { rows: counted } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions');
  if (counted[0]?.n !== totalRows) throw new Error(`summary load: expected ${totalRows} rows, found ${counted[0]?.n}`);
  const sizes = await env.pool.query<{ name: string; mib: number }>(
    `SELECT c.relname AS name, round(pg_relation_size(c.oid) / 1048576.0, 1)::float AS mib
       FROM pg_class c WHERE c.relname = 'transactions'
          OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'transactions'::regclass)`,
  );
  log(`  summary: ${totalRows.toLocaleString('en')} rows loaded in ${loadSeconds.toFixed(1)} s, vacuumed in ${vacuumSeconds.toFixed(1)} s`);

  let rollup: SummaryResult['rollup'];
  if (settings.rollupProbe) {
    const started = performance.now();
    await env.pool.query('DROP TABLE IF EXISTS bench_daily_rollup');
    await env.pool.query(
      `CREATE TABLE bench_daily_rollup AS
       SELECT account_id, date, category, status, count(*) AS n,
              coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS spend,
              coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS income,
              count(*) FILTER (WHERE amount < 0) AS spend_n
         FROM transactions GROUP BY account_id, date, category, status`,
    );
    await env.pool.query('CREATE INDEX ON bench_daily_rollup (account_id, date) INCLUDE (category, status, n, spend, income, spend_n)');
    await env.pool.query('VACUUM ANALYZE bench_daily_rollup');
    const { rows: info } = await env.pool.query<{ n: number; mib: number }>(
      `SELECT (SELECT count(*) FROM bench_daily_rollup)::int AS n, round(pg_total_relation_size('bench_daily_rollup') / 1048576.0, 1)::float AS mib`,
    );
    rollup = { buildSeconds: round(since(started) / 1000, 1), rows: info[0]?.n ?? 0, tableMiB: info[0]?.mib ?? 0 };
  }

  const sqlPool = createPool(env.benchUrl, { max: 1, applicationName: 'lucro-bench-sql' });
  const headers = { authorization: `Bearer ${target.key}` };
  const figures: LatencyFigure[] = [];
  let explain = '';
  try {
    for (const account of accounts.slice(0, 2)) {
      for (const range of RANGES) {
        const summaryRange: SummaryRange = {
          integrationId: target.integrationId,
          accountExternalId: account.externalId,
          startDate: range.start,
          endDate: range.end,
          currencyDecimals: currencyDecimals(),
        };
        const path = `/api/reports/account/${account.externalId}/summary?start_date=${range.start}&end_date=${range.end}`;
        const http = async () => {
          const started = performance.now();
          const response = await env.request('GET', target.apiPort, path, { headers });
          const ms = since(started);
          if (response.status !== 200) throw new Error(`summary answered ${response.status}: ${response.body.slice(0, 300)}`);
          return { ms, body: JSON.parse(response.body) as { total_transactions: number } };
        };
        const sql = async () => {
          const started = performance.now();
          const row = await summarizeAccountRange(sqlPool, summaryRange);
          return { ms: since(started), row };
        };
        const rolled = async () => {
          const started = performance.now();
          const row = await summarizeFromRollup(sqlPool, summaryRange);
          return { ms: since(started), row };
        };
        // Warm-up, then interleaved so both see the same neighbours' load.
        for (let i = 0; i < 5; i++) {
          await http();
          await sql();
          if (rollup) await rolled();
        }
        const httpMs: number[] = [];
        const sqlMs: number[] = [];
        const rollupMs: number[] = [];
        let rowsInRange = 0;
        let equal = true;
        for (let i = 0; i < settings.requests; i++) {
          const h = await http();
          httpMs.push(h.ms);
          rowsInRange = h.body.total_transactions;
          const s = await sql();
          sqlMs.push(s.ms);
          if (rollup) {
            const r = await rolled();
            rollupMs.push(r.ms);
            if (i === 0) equal = JSON.stringify(r.row) === JSON.stringify(s.row);
          }
        }
        const p = (values: number[]) => ({ p50: round(percentile(values, 50), 2), p95: round(percentile(values, 95), 2) });
        const figure: LatencyFigure = { account: account.externalId, rows: account.rows, range: range.name, rowsInRange, http: p(httpMs), sql: p(sqlMs) };
        if (rollup) figure.rollupSql = { ...p(rollupMs), equal };
        figures.push(figure);
        log(
          `  summary ${account.externalId} (${account.rows.toLocaleString('en')} rows) ${range.name}: HTTP p50 ${figure.http.p50} p95 ${figure.http.p95} ms; ` +
            `SQL p50 ${figure.sql.p50} p95 ${figure.sql.p95} ms${figure.rollupSql ? `; rollup p95 ${figure.rollupSql.p95} ms (equal: ${equal})` : ''}`,
        );
        if (account.externalId === 'SUM-BIG' && range.name === '12 months') explain = await explainSummary(sqlPool, summaryRange);
      }
    }
  } finally {
    await sqlPool.end();
  }
  await env.pool.query('DROP TABLE IF EXISTS bench_load_spec');
  await env.pool.query('DROP TABLE IF EXISTS bench_daily_rollup');
  return {
    totalRows,
    loadSeconds: round(loadSeconds, 1),
    vacuumSeconds: round(vacuumSeconds, 1),
    tableMiB: sizes.rows.find((r) => r.name === 'transactions')?.mib ?? 0,
    indexMiB: Object.fromEntries(sizes.rows.filter((r) => r.name !== 'transactions').map((r) => [r.name, r.mib])),
    requests: settings.requests,
    figures,
    explain,
    rollup,
  };
}

/** EXPLAIN (ANALYZE, BUFFERS) of exactly the statement the API runs, captured from the repository function. */
async function explainSummary(pool: Queryable, range: SummaryRange): Promise<string> {
  let captured: { text: string; values: unknown[] } | undefined;
  const recorder = {
    query: async (text: string, values: unknown[]) => {
      captured = { text, values };
      return { rows: [] };
    },
  } as unknown as Queryable;
  await summarizeAccountRange(recorder, range);
  if (!captured) return '';
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${captured.text}`, captured.values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/**
 * What the summary would read from a per-day rollup (account, date, category, status): the same
 * output as summarizeAccountRange, for the probe only — the bench never changes the schema.
 */
async function summarizeFromRollup(db: Queryable, range: SummaryRange): Promise<unknown> {
  const { rows } = await db.query(
    `SELECT a.currency,
            coalesce(sum(c.transactions), 0)::int AS "totalTransactions",
            round(coalesce(sum(c.spend), 0), a.decimals)::text AS "totalSpend",
            round(coalesce(sum(c.income), 0), a.decimals)::text AS "totalIncome",
            round(coalesce(sum(c.income), 0) - coalesce(sum(c.spend), 0), a.decimals)::text AS net,
            coalesce(to_json((
              array_agg(json_build_object('category', c.category, 'total_spend', round(c.spend, a.decimals)::text,
                                          'transaction_count', c.spend_transactions)
                        ORDER BY c.spend DESC, c.category COLLATE "C")
                FILTER (WHERE c.category IS NOT NULL AND c.category <> 'UNCATEGORIZED' AND c.spend_transactions > 0)
            )[1:3]), '[]') AS "topSpendCategories",
            coalesce(sum(c.pending), 0)::int AS pending,
            coalesce(sum(c.processing), 0)::int AS processing,
            coalesce(sum(c.completed), 0)::int AS completed,
            coalesce(sum(c.failed), 0)::int AS failed
       FROM (SELECT id, currency::text AS currency, ($5::jsonb ->> currency::text)::int AS decimals
               FROM accounts WHERE integration_id = $1 AND external_id = $2) a
       LEFT JOIN LATERAL (
         SELECT r.category, sum(r.n) AS transactions, sum(r.spend) AS spend, sum(r.income) AS income,
                sum(r.spend_n) AS spend_transactions,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'pending'), 0) AS pending,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'processing'), 0) AS processing,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'completed'), 0) AS completed,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'failed'), 0) AS failed
           FROM bench_daily_rollup r
          WHERE r.account_id = a.id
            AND r.date >= coalesce($3::date, '-infinity'::date) AND r.date <= coalesce($4::date, 'infinity'::date)
          GROUP BY r.category
       ) c ON true
      GROUP BY a.id, a.currency, a.decimals`,
    [range.integrationId, range.accountExternalId, range.startDate, range.endDate, range.currencyDecimals],
  );
  return rows[0];
}

let decimals: string | undefined;

/** The same currency table the report service sends with every summary statement. */
function currencyDecimals(): string {
  if (decimals === undefined) {
    const table: Record<string, number> = {};
    for (let n = 0; n < 26 ** 3; n++) {
      const code = String.fromCharCode(65 + Math.floor(n / 676), 65 + (Math.floor(n / 26) % 26), 65 + (n % 26));
      if (isActiveCurrency(code)) table[code] = minorUnits(code);
    }
    decimals = JSON.stringify(table);
  }
  return decimals;
}
