/**
 * Account summary latency over HTTP against the very same statement run bare from the bench
 * process, on a table of millions of rows with one small and one large account.
 */
import type pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container } from '../src/container.js';
import { createPool, type Queryable } from '../src/infra/db.js';
import { ensureAccounts } from './data.js';
import type { BenchEnv } from './harness.js';
import { percentile, round, since } from './stats.js';
import type { AccountSummary } from '../src/reports/report.schemas.js';
import type { SummaryRow } from '../src/reports/report.repository.js';

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
  /** The statements the API runs for this request (recorded from its report service), replayed bare. */
  sql: { p50: number; p95: number };
  /** The plain aggregate over the account's rows (the statement before any rollup), bare. */
  plainAggregate: { p50: number; p95: number; equalToApiAnswer: boolean; differences?: string[] };
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
  /** GET /healthz over the same client: the floor of any HTTP figure on this machine. */
  httpFloor: { p50: number; p95: number };
  figures: LatencyFigure[];
  /** EXPLAIN (ANALYZE, BUFFERS) of the API's statements for each 12-month figure. */
  explain: Record<string, string>;
  /** Whether the schema maintains account_daily_rollup (then the API's statement may read it). */
  schemaHasRollup: boolean;
  rollupProbe?: { buildSeconds: number; rows: number; tableMiB: number };
  /** GET /api/accounts/{id}/transactions on the largest account (contract §11): one page of 100. */
  accountPages: Array<{ name: string; p50: number; p95: number }>;
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
  const container = await createContainer(loadConfig({ DATABASE_URL: env.benchUrl, LOG_LEVEL: 'silent' }), { role: 'bench' });
  const reports = { service: container.reports, pool: container.pool };
  const headers = { authorization: `Bearer ${target.key}` };
  const figures: LatencyFigure[] = [];
  const accountPages: SummaryResult['accountPages'] = [];
  const explain: Record<string, string> = {};
  const floorMs: number[] = [];
  for (let i = 0; i < settings.requests + 5; i++) {
    const started = performance.now();
    await env.request('GET', target.apiPort, '/healthz');
    if (i >= 5) floorMs.push(since(started));
  }
  const httpFloor = { p50: round(percentile(floorMs, 50), 2), p95: round(percentile(floorMs, 95), 2) };
  log(`  summary: HTTP floor (GET /healthz) p50 ${httpFloor.p50} p95 ${httpFloor.p95} ms`);
  try {
    for (const account of accounts.slice(0, 2)) {
      for (const range of RANGES) {
        const probeRange = { integrationId: target.integrationId, accountExternalId: account.externalId, startDate: range.start, endDate: range.end };
        const query = { start_date: range.start, end_date: range.end };
        // The exact statements the API runs for this request, recorded from its own service.
        const statements = await captureStatements(reports, target.integrationId, account.externalId, query);
        const path = `/api/reports/account/${account.externalId}/summary?start_date=${range.start}&end_date=${range.end}`;
        const http = async () => {
          const started = performance.now();
          const response = await env.request('GET', target.apiPort, path, { headers });
          const ms = since(started);
          if (response.status !== 200) throw new Error(`summary answered ${response.status}: ${response.body.slice(0, 300)}`);
          return { ms, body: JSON.parse(response.body) as AccountSummary };
        };
        const sql = async () => {
          const started = performance.now();
          for (const statement of statements) await sqlPool.query(statement.text, statement.values);
          return { ms: since(started) };
        };
        const plain = async () => {
          const started = performance.now();
          const row = (await summarizePlain(sqlPool, probeRange, 'transactions')) as PlainSummary;
          return { ms: since(started), row };
        };
        const rolled = async () => {
          const started = performance.now();
          const row = (await summarizePlain(sqlPool, probeRange, 'bench_daily_rollup')) as PlainSummary;
          return { ms: since(started), row };
        };
        // Warm-up, then interleaved so all see the same neighbours' load.
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
        let differences: string[] = [];
        let rollupEqual = true;
        for (let i = 0; i < settings.requests; i++) {
          const h = await http();
          httpMs.push(h.ms);
          rowsInRange = h.body.total_transactions;
          sqlMs.push((await sql()).ms);
          // The plain aggregate is slow on the big account: a quarter of the samples is plenty.
          if (i % 4 === 0) {
            const p = await plain();
            plainMs.push(p.ms);
            if (i === 0) differences = compare(h.body, p.row);
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
          plainAggregate: { ...p(plainMs), equalToApiAnswer: differences.length === 0, ...(differences.length ? { differences } : {}) },
        };
        if (rollup) figure.rollupProbe = { ...p(rollupMs), equalToPlainAggregate: rollupEqual };
        figures.push(figure);
        log(
          `  summary ${account.externalId} (${account.rows.toLocaleString('en')} rows) ${range.name}: HTTP p50 ${figure.http.p50} p95 ${figure.http.p95} ms; ` +
            `API statement p50 ${figure.sql.p50} p95 ${figure.sql.p95} ms; plain aggregate p95 ${figure.plainAggregate.p95} ms (same answer: ${differences.length === 0})` +
            (figure.rollupProbe ? `; rollup probe p95 ${figure.rollupProbe.p95} ms (equal: ${rollupEqual})` : ''),
        );
        if (differences.length > 0) log(`  WARNING: the API's answer and the plain aggregate over the rows differ: ${differences.join('; ')}`);
        if (range.name === '12 months') explain[`${account.externalId} ${range.name}`] = await explainStatements(sqlPool, statements);
      }
    }
    accountPages.push(...(await benchAccountPages(env, target.apiPort, headers, accounts[0]?.externalId ?? 'SUM-BIG', Math.max(20, settings.requests / 4))));
  } finally {
    await sqlPool.end();
    await container.close();
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
    httpFloor,
    figures,
    explain,
    schemaHasRollup,
    rollupProbe: rollup,
    accountPages,
  };
}

/** Pages of the largest account's transactions: the first, one ten pages deep, and filtered ones. */
async function benchAccountPages(
  env: BenchEnv,
  port: number,
  headers: Record<string, string>,
  accountId: string,
  requests: number,
): Promise<SummaryResult['accountPages']> {
  const base = `/api/accounts/${accountId}/transactions?limit=100`;
  let deep = base;
  for (let page = 0; page < 10; page++) {
    const response = await env.request('GET', port, deep, { headers });
    if (response.status !== 200) throw new Error(`${deep} answered ${response.status}: ${response.body.slice(0, 300)}`);
    deep = `${base}&cursor=${encodeURIComponent((JSON.parse(response.body) as { next_cursor: string }).next_cursor)}`;
  }
  const cases = [
    { name: 'first page', url: base },
    { name: 'tenth page (cursor)', url: deep },
    { name: 'category TRAVEL', url: `${base}&category=TRAVEL` },
    { name: 'three months, completed', url: `${base}&start_date=2025-11-01&end_date=2026-01-31&status=completed` },
  ];
  const out: SummaryResult['accountPages'] = [];
  for (const { name, url } of cases) {
    const times: number[] = [];
    for (let i = 0; i < requests + 3; i++) {
      const started = performance.now();
      const response = await env.request('GET', port, url, { headers });
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      if (i >= 3) times.push(since(started));
    }
    out.push({ name, p50: round(percentile(times, 50), 1), p95: round(percentile(times, 95), 1) });
  }
  env.options.log(`  account pages on ${accountId}: ${out.map((o) => `${o.name} p95 ${o.p95} ms`).join('; ')}`);
  return out;
}

interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Records the statements the report service sends for one summary, by standing in for its pool's
 * query method for the duration of one call. The bench then replays exactly those (text and
 * parameters) as its bare-SQL limit, whatever shape the repository gives them.
 */
async function captureStatements(
  reports: { service: Container['reports']; pool: pg.Pool },
  integrationId: number,
  accountId: string,
  query: { start_date: string; end_date: string },
): Promise<Statement[]> {
  const statements: Statement[] = [];
  const pool = reports.pool as unknown as { query: (text: unknown, values?: unknown[]) => Promise<unknown> };
  const original = pool.query;
  pool.query = async (text: unknown, values?: unknown[]) => {
    const statement = typeof text === 'string' ? { text, values: values ?? [] } : (text as { text: string; values?: unknown[] });
    statements.push({ text: statement.text, values: statement.values ?? values ?? [] });
    return original.call(pool, text, values);
  };
  try {
    await reports.service.summarizeAccount(integrationId, accountId, query);
  } finally {
    pool.query = original;
  }
  if (statements.length === 0) throw new Error('the report service sent no statement to its pool');
  return statements;
}

/** EXPLAIN (ANALYZE, BUFFERS) of exactly the statements the API runs. */
async function explainStatements(pool: pg.Pool, statements: Statement[]): Promise<string> {
  const plans: string[] = [];
  for (const statement of statements) {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
    plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
  }
  return plans.join('\n\n');
}

/** The repository's row, without the currency the plain query does not read. */
type PlainSummary = Omit<SummaryRow, 'currency'>;

/** Which fields of the API's answer differ from the plain aggregate over the rows (money compared as decimals). */
function compare(api: AccountSummary, plain: PlainSummary): string[] {
  const money = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  const pairs: Array<[string, unknown, unknown]> = [
    ['total_transactions', api.total_transactions, plain.totalTransactions],
    ['total_spend', money(api.total_spend), money(plain.totalSpend)],
    ['total_income', money(api.total_income), money(plain.totalIncome)],
    ['net', money(api.net), money(plain.net)],
    ['ingestion_status', JSON.stringify(api.ingestion_status), JSON.stringify({ pending: plain.pending, processing: plain.processing, completed: plain.completed, failed: plain.failed })],
    [
      'top_spend_categories',
      JSON.stringify(api.top_spend_categories.map((c) => ({ ...c, total_spend: money(c.total_spend) }))),
      JSON.stringify(plain.topSpendCategories.map((c) => ({ ...c, total_spend: money(c.total_spend) }))),
    ],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([field, a, b]) => `${field}: API ${String(a)} vs rows ${String(b)}`);
}

/**
 * The summary's output computed from `source`: the plain aggregate over the transactions
 * themselves, or the bench's per-day rollup probe (account, date, category, status). Same columns
 * and formatting as summarizeAccountRange, so results compare as JSON. The bench never changes
 * the schema; the probe table lives and dies in the throw-away database.
 */
async function summarizePlain(
  db: Queryable,
  range: { integrationId: number; accountExternalId: string; startDate: string; endDate: string },
  source: 'transactions' | 'bench_daily_rollup'): Promise<unknown> {
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
