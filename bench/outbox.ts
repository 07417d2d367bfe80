/**
 * What the change-feed outbox (contract §12) costs ingestion: the API's 1,000-row batches with the
 * outbox as shipped, against the same API with the outbox's rows dropped, against COPY, in
 * alternating rounds (bench/ingest-variants.ts).
 *
 * The outbox is not a trigger: ingestion's one statement inserts the transactions and, in a CTE,
 * their `transaction.added` changes. To leave that statement exactly as shipped, the variant without
 * the outbox switches on a BEFORE INSERT row trigger on `changes` that returns NULL, so no change row
 * is written: no heap tuple, no index entries (4), no foreign-key checks (3), no WAL. What is left of
 * the outbox in that variant (the CTE feeding the insert, its sort, a PL/pgSQL call per row) is
 * measured on its own here as `residualMsPer1000`, so the ratio's bias is known.
 */
import type { BenchEnv } from './harness.js';
import { compareIngest, type IngestComparison } from './ingest-variants.js';
import type { IngestTarget } from './ingest.js';
import { median, round, since } from './stats.js';

export interface OutboxResult extends IngestComparison {
  /** The change rows each API round wrote, and that the variant without the outbox did not. */
  changesPerRound: number;
  /**
   * Per 1,000 rows: what the drop trigger itself costs (ms), i.e. the part of the outbox the
   * variant without it still pays — measured as an INSERT … SELECT of 1,000 change rows into the
   * trigger, bare SQL (median of 20).
   */
  residualMsPer1000: number;
}

const DROP_FUNCTION = `CREATE OR REPLACE FUNCTION bench_drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`;

export async function benchOutbox(env: BenchEnv, target: IngestTarget, settings: { rows: number; rounds: number }): Promise<OutboxResult> {
  await env.pool.query(DROP_FUNCTION);
  await env.pool.query('CREATE TRIGGER bench_outbox_off BEFORE INSERT ON changes FOR EACH ROW EXECUTE FUNCTION bench_drop_row()');
  await env.pool.query('ALTER TABLE changes DISABLE TRIGGER bench_outbox_off');
  const changesCounted: number[] = [];
  const countChanges = async () => {
    const { rows } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM changes');
    changesCounted.push(rows[0]?.n ?? 0);
  };
  try {
    const comparison = await compareIngest(env, target, settings, 'OUTBOX', [
      { name: 'api1000', apiPort: target.apiPort, after: countChanges },
      {
        name: 'api1000_without_outbox',
        apiPort: target.apiPort,
        before: async () => {
          await env.pool.query('ALTER TABLE changes ENABLE TRIGGER bench_outbox_off');
        },
        after: async () => {
          await env.pool.query('ALTER TABLE changes DISABLE TRIGGER bench_outbox_off');
          const { rows } = await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM changes');
          if ((rows[0]?.n ?? 0) !== 0) throw new Error(`the outbox was not off: ${rows[0]?.n} changes written`);
        },
      },
    ]);
    const written = Math.min(...changesCounted);
    if (written !== comparison.rows) throw new Error(`the outbox wrote ${written} changes for ${comparison.rows} rows`);
    return { ...comparison, changesPerRound: written, residualMsPer1000: await residualCost(env, target.integrationId) };
  } finally {
    await env.pool.query('DROP TRIGGER IF EXISTS bench_outbox_off ON changes');
  }
}

/** The drop trigger's own cost for 1,000 change rows, inserted from 1,000 existing transactions. */
async function residualCost(env: BenchEnv, integrationId: number): Promise<number> {
  const client = await env.pool.connect();
  try {
    await client.query('ALTER TABLE changes ENABLE TRIGGER bench_outbox_off');
    const { rows: accounts } = await client.query<{ id: number }>('SELECT id FROM accounts WHERE integration_id = $1 LIMIT 1', [integrationId]);
    const accountId = accounts[0]?.id;
    if (accountId === undefined) return Number.NaN;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      // The same shape as ingestion's CTE: 1,000 rows into changes, ordered by id.
      await client.query(
        `INSERT INTO changes (integration_id, account_id, transaction_pk, type)
         SELECT $1, $2, g, 'transaction.added' FROM generate_series(1, 1000) g ORDER BY g`,
        [integrationId, accountId],
      );
      times.push(since(started));
    }
    return round(median(times), 2);
  } finally {
    await client.query('ALTER TABLE changes DISABLE TRIGGER bench_outbox_off').catch(() => {});
    client.release();
  }
}
