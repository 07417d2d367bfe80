/**
 * Ingestion under a variation (the change-feed outbox off, webhooks subscribed, tracing on) against
 * the same ingestion without it and against COPY, all in alternating rounds of one phase: the same
 * rows as the ingest phase (4 clients × 5 accounts, batches of 1,000, bodies serialized before the
 * clock starts), each variant's rate a median over the rounds, so drift on a shared machine falls on
 * every variant alike.
 */
import { ensureAccounts, makeTransactions, requestBody } from './data.js';
import { ActivitySampler, type ActivityProfile, type BenchEnv } from './harness.js';
import { postAll, writeCopyFile, type IngestTarget } from './ingest.js';
import { median, round, since } from './stats.js';

export interface IngestVariant {
  name: string;
  /** The API process to post to. */
  apiPort: number;
  /** After the tables are emptied and before the clock starts (e.g. subscribe endpoints). */
  before?: () => Promise<void>;
  /** After the clock stopped and the rows were counted (e.g. wait for the enrichment it started). */
  after?: () => Promise<void>;
}

export interface IngestComparison {
  rows: number;
  /** Median rows/s per variant, COPY included as `copy`. */
  rowsPerSecond: Record<string, number>;
  rounds: Array<{ variant: string; seconds: number; rowsPerSecond: number }>;
  /** What the database was busy with during the last round of each API variant. */
  activity: Record<string, ActivityProfile>;
}

const CLIENTS = 4;
const ACCOUNTS_PER_CLIENT = 5;
const COPY_COLUMNS = 'account_id, batch_id, transaction_id, date, amount, currency, merchant_name, description, raw';

export async function compareIngest(
  env: BenchEnv,
  target: Pick<IngestTarget, 'key' | 'integrationId'>,
  settings: { rows: number; rounds: number },
  tag: string,
  variants: IngestVariant[],
  /** After the warm-up requests, before the tables are emptied (e.g. let a worker finish their enrichment). */
  afterWarmUp?: () => Promise<void>,
): Promise<IngestComparison> {
  const log = env.options.log;
  const perAccount = Math.max(1_000, Math.round(settings.rows / (CLIENTS * ACCOUNTS_PER_CLIENT) / 1_000) * 1_000);
  const rows = perAccount * CLIENTS * ACCOUNTS_PER_CLIENT;
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    Array.from({ length: ACCOUNTS_PER_CLIENT }, (_, a) => {
      const accountId = `${tag}-C${c}-A${a}`;
      return { accountId, transactions: makeTransactions(`${tag}C${c}A${a}`, perAccount, 1 + c * 100 + a) };
    }),
  );
  const bodies = clients.map((accounts) => {
    const list: Buffer[] = [];
    for (let start = 0; start < perAccount; start += 1_000) {
      for (const account of accounts) list.push(requestBody(account.accountId, account.transactions.slice(start, start + 1_000)));
    }
    return list;
  });
  const accountIds = await ensureAccounts(
    env.pool,
    target.integrationId,
    clients.flat().map((account) => account.accountId),
  );
  // Warm-up of every API process (JIT, key cache), then the tables are emptied.
  const warm = clients.flat().map((account) => requestBody(account.accountId, makeTransactions(`W${tag}${account.accountId}`, 200, 7)));
  for (const port of new Set(variants.map((v) => v.apiPort))) await postAll(env, { apiPort: port, apiPid: 0, key: target.key, integrationId: target.integrationId }, [warm]);
  await afterWarmUp?.();
  await env.truncate();
  const copyFile = `/tmp/${env.dbName}_${tag}.csv`;
  env.registerTempFile(copyFile);
  const copyBatches = writeCopyFile(copyFile, clients.flat(), accountIds);

  const all = [...variants.map((v) => v.name), 'copy'];
  const rates: Record<string, number[]> = {};
  const roundsOut: IngestComparison['rounds'] = [];
  const activity: Record<string, ActivityProfile> = {};
  for (let r = 0; r < settings.rounds; r++) {
    const order = all.map((_, i) => all[(i + r) % all.length] as string);
    for (const name of order) {
      const variant = variants.find((v) => v.name === name);
      await env.truncate();
      if (!variant) {
        await env.pool.query(
          `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates)
           SELECT b, $1, a, n, n, 0 FROM unnest($2::uuid[], $3::bigint[], $4::int[]) AS x (b, a, n)`,
          [target.integrationId, copyBatches.map((b) => b.id), copyBatches.map((b) => b.accountId), copyBatches.map((b) => b.rows)],
        );
      }
      await variant?.before?.();
      await env.pool.query('CHECKPOINT');
      const started = performance.now();
      if (variant) {
        const sampler = new ActivitySampler(env);
        await sampler.start();
        await postAll(env, { apiPort: variant.apiPort, apiPid: 0, key: target.key, integrationId: target.integrationId }, bodies);
        activity[name] = await sampler.stop();
      } else {
        await env.pool.query(`COPY transactions (${COPY_COLUMNS}) FROM '${copyFile}' WITH (FORMAT csv)`);
      }
      const seconds = since(started) / 1000;
      const { rows: counted } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions');
      if (counted[0]?.n !== rows) throw new Error(`${tag} ${name}: expected ${rows} rows stored, found ${counted[0]?.n}`);
      await variant?.after?.();
      const rate = rows / seconds;
      (rates[name] ??= []).push(rate);
      roundsOut.push({ variant: name, seconds: round(seconds, 3), rowsPerSecond: Math.round(rate) });
      log(`  ${tag} round ${r + 1}/${settings.rounds} ${name}: ${Math.round(rate).toLocaleString('en')} rows/s (${seconds.toFixed(2)} s)`);
    }
  }
  await env.truncate();
  return {
    rows,
    rowsPerSecond: Object.fromEntries(Object.entries(rates).map(([name, list]) => [name, Math.round(median(list))])),
    rounds: roundsOut,
    activity,
  };
}
