/**
 * Ingestion throughput: the same rows POSTed by 4 concurrent clients (batches of 1,000 and of 100)
 * against `COPY` of those rows into the same table with the same indexes, in alternating rounds.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { ensureAccounts, makeTransactions, requestBody, type BenchTransaction } from './data.js';
import { ActivitySampler, memoryOf, type ActivityProfile, type BenchEnv } from './harness.js';
import { median, round, since } from './stats.js';

export interface IngestSettings {
  rows: number;
  rounds: number;
}

export interface IngestTarget {
  apiPort: number;
  apiPid: number;
  key: string;
  integrationId: number;
}

export interface IngestResult {
  rows: number;
  clients: number;
  accounts: number;
  rowsPerSecond: { api1000: number; api100: number; copy: number; copyWithoutTriggers?: number };
  rounds: Array<{ variant: string; seconds: number; rowsPerSecond: number }>;
  apiPeakRssMiB: number;
  apiRssBeforeMiB: number;
  /** What the database was busy with during the last round of each API variant. */
  activity: Record<string, ActivityProfile>;
}

const CLIENTS = 4;
const ACCOUNTS_PER_CLIENT = 5;
const COPY_COLUMNS = 'account_id, batch_id, transaction_id, date, amount, currency, merchant_name, description, raw';

export async function benchIngest(env: BenchEnv, target: IngestTarget, settings: IngestSettings): Promise<IngestResult> {
  const log = env.options.log;
  const perAccount = Math.max(1_000, Math.round(settings.rows / (CLIENTS * ACCOUNTS_PER_CLIENT) / 1_000) * 1_000);
  const rows = perAccount * CLIENTS * ACCOUNTS_PER_CLIENT;
  // Each client owns its accounts, as each bank connection pushes its own customers' accounts;
  // idempotency is per account, so clients never compete for the same transaction ids.
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    Array.from({ length: ACCOUNTS_PER_CLIENT }, (_, a) => {
      const accountId = `ING-C${c}-A${a}`;
      return { accountId, transactions: makeTransactions(`C${c}A${a}`, perAccount, 1 + c * 100 + a) };
    }),
  );
  const bodies = (size: number) =>
    clients.map((accounts) => {
      const list: Buffer[] = [];
      for (let start = 0; start < perAccount; start += size) {
        for (const account of accounts) list.push(requestBody(account.accountId, account.transactions.slice(start, start + size)));
      }
      return list;
    });
  const bodies1000 = bodies(1_000);
  const bodies100 = bodies(100);

  // Warm-up: creates the accounts and warms the API's JIT and key cache; then the tables are emptied.
  const warm = clients.flat().map((account) => requestBody(account.accountId, makeTransactions(`W${account.accountId}`, 200, 7)));
  await postAll(env, target, [warm]);
  await env.truncate();

  const accountIds = await ensureAccounts(
    env.pool,
    target.integrationId,
    clients.flat().map((account) => account.accountId),
  );
  const copyFile = `/tmp/${env.dbName}_ingest.csv`;
  env.registerTempFile(copyFile);
  const copyBatches = writeCopyFile(copyFile, clients.flat(), accountIds);

  const roundsOut: IngestResult['rounds'] = [];
  const rates: Record<string, number[]> = {};
  let peakRss = 0;
  const activity: Record<string, ActivityProfile> = {};
  const rssBefore = memoryOf(target.apiPid)?.rssMiB ?? Number.NaN;
  const variants = ['api1000', 'copy', 'api100'];
  // What the schema's own triggers (a rollup) cost, shown beside the limit, not as the limit.
  if (await env.hasUserTriggers()) variants.push('copyWithoutTriggers');
  for (let r = 0; r < settings.rounds; r++) {
    // Rotating the order spreads drift (checkpoints, neighbours' load) over every variant.
    const order = variants.map((_, i) => variants[(i + r) % variants.length] as string);
    for (const variant of order) {
      await env.truncate();
      const copying = variant.startsWith('copy');
      if (copying) {
        await env.pool.query(
          `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates)
           SELECT b, $1, a, n, n, 0 FROM unnest($2::uuid[], $3::bigint[], $4::int[]) AS x (b, a, n)`,
          [target.integrationId, copyBatches.map((b) => b.id), copyBatches.map((b) => b.accountId), copyBatches.map((b) => b.rows)],
        );
      }
      await env.pool.query('CHECKPOINT');
      if (variant === 'copyWithoutTriggers') await env.pool.query('ALTER TABLE transactions DISABLE TRIGGER USER');
      const started = performance.now();
      let sampler: NodeJS.Timeout | undefined;
      if (copying) {
        await env.pool.query(`COPY transactions (${COPY_COLUMNS}) FROM '${copyFile}' WITH (FORMAT csv)`);
      } else {
        sampler = setInterval(() => {
          peakRss = Math.max(peakRss, memoryOf(target.apiPid)?.rssMiB ?? 0);
        }, 50);
        const database = new ActivitySampler(env);
        await database.start();
        await postAll(env, target, variant === 'api1000' ? bodies1000 : bodies100).finally(() => clearInterval(sampler));
        activity[variant] = await database.stop();
      }
      const seconds = since(started) / 1000;
      if (variant === 'copyWithoutTriggers') await env.pool.query('ALTER TABLE transactions ENABLE TRIGGER USER');
      const { rows: counted } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions');
      if (counted[0]?.n !== rows) throw new Error(`${variant}: expected ${rows} rows stored, found ${counted[0]?.n}`);
      const rate = rows / seconds;
      (rates[variant] ??= []).push(rate);
      roundsOut.push({ variant, seconds: round(seconds, 3), rowsPerSecond: Math.round(rate) });
      log(`  ingest round ${r + 1}/${settings.rounds} ${variant}: ${Math.round(rate).toLocaleString('en')} rows/s (${seconds.toFixed(2)} s)`);
    }
  }
  await env.truncate();
  peakRss = Math.max(peakRss, memoryOf(target.apiPid)?.peakMiB ?? 0);
  return {
    rows,
    clients: CLIENTS,
    accounts: CLIENTS * ACCOUNTS_PER_CLIENT,
    rowsPerSecond: {
      api1000: Math.round(median(rates.api1000 ?? [])),
      api100: Math.round(median(rates.api100 ?? [])),
      copy: Math.round(median(rates.copy ?? [])),
      ...(rates.copyWithoutTriggers ? { copyWithoutTriggers: Math.round(median(rates.copyWithoutTriggers)) } : {}),
    },
    rounds: roundsOut,
    apiPeakRssMiB: round(peakRss, 1),
    apiRssBeforeMiB: round(rssBefore, 1),
    activity,
  };
}

/** Each client posts its bodies one after another; the clients run concurrently. */
export async function postAll(env: BenchEnv, target: IngestTarget, perClient: Buffer[][]): Promise<void> {
  const headers = { authorization: `Bearer ${target.key}` };
  await Promise.all(
    perClient.map(async (bodies) => {
      for (const body of bodies) {
        const response = await env.request('POST', target.apiPort, '/api/integrations/transactions', { body, headers });
        if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${response.body.slice(0, 500)}`);
      }
    }),
  );
}

/** The same rows as CSV for COPY, in batches of 1,000 per account (batch rows are inserted untimed). */
export function writeCopyFile(
  file: string,
  accounts: Array<{ accountId: string; transactions: BenchTransaction[] }>,
  accountIds: Map<string, number>,
): Array<{ id: string; accountId: number; rows: number }> {
  const batches: Array<{ id: string; accountId: number; rows: number }> = [];
  const lines: string[] = [];
  for (const account of accounts) {
    const accountId = accountIds.get(account.accountId);
    if (accountId === undefined) throw new Error(`account ${account.accountId} missing`);
    for (let start = 0; start < account.transactions.length; start += 1_000) {
      const chunk = account.transactions.slice(start, start + 1_000);
      const batch = { id: randomUUID(), accountId, rows: chunk.length };
      batches.push(batch);
      for (const t of chunk) {
        lines.push(
          [
            accountId,
            batch.id,
            csv(t.transaction_id),
            t.date,
            t.amount,
            t.currency,
            t.merchant_name === undefined ? '' : csv(t.merchant_name),
            csv(t.description),
            csv(JSON.stringify(t)),
          ].join(','),
        );
      }
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  // The server reads the file as its own OS user.
  chmodSync(file, 0o644);
  return batches;
}

function csv(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
