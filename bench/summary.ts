/**
 * Account summary latency over HTTP against the very same statement run bare from the bench
 * process, on a table of millions of rows with one small and one large account.
 */
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
  /** Client-observed GET /api/reports/account/{id}/summary. */
  http: { p50: number; p95: number };
  /** The API's own statement (summarizeAccountRange), run bare from the bench process. */
  sql: { p50: number; p95: number };
  /** The plain aggregate over the account's rows (the statement before any rollup), bare. */
  plainAggregate: { p50: number; p95: number; equalToApiStatement: boolean };
  /** Probe: the same output from a per-day rollup built by the bench (only when the schema has none). */
  rollupProbe?: { p50: number; p95: number; equalToPlainAggregate: boolean };
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
  /** Whether the schema maintains account_daily_rollup (then the API's statement may read it). */
  schemaHasRollup: boolean;
  rollupProbe?: { buildSeconds: number; rows: number; tableMiB: number };
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

  const { rows: hasRollup } = await env.pool.query<{ found: boolean }>(`SELECT to_regclass('account_daily_rollup') IS NOT NULL AS found`);
  const schemaHasRollup = hasRollup[0]?.found === true;
  let rollup: SummaryResult['rollupProbe'];
  if (settings.rollupProbe && !schemaHasRollup) {
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
        const plain = async () => {
          const started = performance.now();
          const row = await summarizePlain(sqlPool, summaryRange, 'transactions');
          return { ms: since(started), row };
        };
        const rolled = async () => {
          const started = performance.now();
          const row = await summarizePlain(sqlPool, summaryRange, 'bench_daily_rollup');
          return { ms: since(started), row };
        };
        // Warm-up, then interleaved so both see the same neighbours' load.
        for (let i = 0; i < 5; i++) {
          await http();
          await sql();
          await plain();
          if (rollup) await rolled();
        }
        const httpMs: number[] = [];
        const sqlMs: number[] = [];
        const plainMs: number[] = [];
        const rollupMs: number[] = [];
        let rowsInRange = 0;
        let plainEqual = true;
        let rollupEqual = true;
        for (let i = 0; i < settings.requests; i++) {
          const h = await http();
          httpMs.push(h.ms);
          rowsInRange = h.body.total_transactions;
          const s = await sql();
          sqlMs.push(s.ms);
          // The plain aggregate is slow on the big account: a quarter of the samples is plenty.
          if (i % 4 === 0) {
            const p = await plain();
            plainMs.push(p.ms);
            if (i === 0) plainEqual = JSON.stringify(p.row) === JSON.stringify(s.row);
            if (rollup) {
              const r = await rolled();
              rollupMs.push(r.ms);
              if (i === 0) rollupEqual = JSON.stringify(r.row) === JSON.stringify(p.row);
            }
          }
        }
        const p = (values: number[]) => ({ p50: round(percentile(values, 50), 2), p95: round(percentile(values, 95), 2) });
        const figure: LatencyFigure = {
          account: account.externalId,
          rows: account.rows,
          range: range.name,
          rowsInRange,
          http: p(httpMs),
          sql: p(sqlMs),
          plainAggregate: { ...p(plainMs), equalToApiStatement: plainEqual },
        };
        if (rollup) figure.rollupProbe = { ...p(rollupMs), equalToPlainAggregate: rollupEqual };
        figures.push(figure);
        log(
          `  summary ${account.externalId} (${account.rows.toLocaleString('en')} rows) ${range.name}: HTTP p50 ${figure.http.p50} p95 ${figure.http.p95} ms; ` +
            `API statement p50 ${figure.sql.p50} p95 ${figure.sql.p95} ms; plain aggregate p95 ${figure.plainAggregate.p95} ms (equal: ${plainEqual})` +
            (figure.rollupProbe ? `; rollup probe p95 ${figure.rollupProbe.p95} ms (equal: ${rollupEqual})` : ''),
        );
        if (!plainEqual) log('  WARNING: the API statement and the plain aggregate over the rows disagree');
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
    schemaHasRollup,
    rollupProbe: rollup,
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
 * The summary's output computed from `source`: the plain aggregate over the transactions
 * themselves, or the bench's per-day rollup probe (account, date, category, status). Same columns
 * and formatting as summarizeAccountRange, so results compare as JSON. The bench never changes
 * the schema; the probe table lives and dies in the throw-away database.
 */
async function summarizePlain(db: Queryable, range: SummaryRange, source: 'transactions' | 'bench_daily_rollup'): Promise<unknown> {
  const groups =
    source === 'transactions'
      ? `SELECT t.category, count(*) AS transactions,
                coalesce(-sum(t.amount) FILTER (WHERE t.amount < 0), 0) AS spend,
                coalesce(sum(t.amount) FILTER (WHERE t.amount > 0), 0) AS income,
                count(*) FILTER (WHERE t.amount < 0) AS spend_transactions,
                count(*) FILTER (WHERE t.status = 'pending') AS pending,
                count(*) FILTER (WHERE t.status = 'processing') AS processing,
                count(*) FILTER (WHERE t.status = 'completed') AS completed,
                count(*) FILTER (WHERE t.status = 'failed') AS failed
           FROM transactions t
          WHERE t.account_id = a.id AND t.date >= $3::date AND t.date <= $4::date
          GROUP BY t.category`
      : `SELECT r.category, sum(r.n) AS transactions, sum(r.spend) AS spend, sum(r.income) AS income,
                sum(r.spend_n) AS spend_transactions,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'pending'), 0) AS pending,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'processing'), 0) AS processing,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'completed'), 0) AS completed,
                coalesce(sum(r.n) FILTER (WHERE r.status = 'failed'), 0) AS failed
           FROM bench_daily_rollup r
          WHERE r.account_id = a.id AND r.date >= $3::date AND r.date <= $4::date
          GROUP BY r.category`;
  const { rows } = await db.query(
    `SELECT a.currency,
            coalesce(sum(c.transactions), 0)::int AS "totalTransactions",
            coalesce(sum(c.spend), 0)::text AS "totalSpend",
            coalesce(sum(c.income), 0)::text AS "totalIncome",
            (coalesce(sum(c.income), 0) - coalesce(sum(c.spend), 0))::text AS net,
            coalesce(to_json((
              array_agg(json_build_object('category', c.category, 'total_spend', c.spend::text, 'transaction_count', c.spend_transactions)
                        ORDER BY c.spend DESC, c.category COLLATE "C")
                FILTER (WHERE c.category IS NOT NULL AND c.category <> 'UNCATEGORIZED' AND c.spend_transactions > 0)
            )[1:3]), '[]') AS "topSpendCategories",
            coalesce(sum(c.pending), 0)::int AS pending,
            coalesce(sum(c.processing), 0)::int AS processing,
            coalesce(sum(c.completed), 0)::int AS completed,
            coalesce(sum(c.failed), 0)::int AS failed
       FROM (SELECT id, currency::text AS currency FROM accounts WHERE integration_id = $1 AND external_id = $2) a
       LEFT JOIN LATERAL (${groups}) c ON true
      GROUP BY a.id, a.currency`,
    [range.integrationId, range.accountExternalId, range.startDate, range.endDate],
  );
  return rows[0];
}
