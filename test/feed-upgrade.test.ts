import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeService } from '../src/changes/change.service.js';
import { encodeCursor } from '../src/domain/query-params.js';
import { migrate } from '../src/infra/migrate.js';
import { databaseMigratedUpTo } from './helpers/upgrade.js';

/** The last migration of the feed that gave each change its own position. */
const BEFORE_COMMITS = '017_changes_purge_by_id.sql';
let pool: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  // The schema as a deployed system had it before migration 018.
  ({ pool, drop } = await databaseMigratedUpTo(`lucro_test_upgrade_${process.pid}`, BEFORE_COMMITS));
});
afterAll(async () => {
  await drop?.();
});

interface Page {
  changes: Array<{ cursor: string; type: string; transaction_id: string }>;
  next_cursor: string;
}

async function readAll(changes: ChangeService, integrationId: number, cursor: string | undefined): Promise<Page['changes']> {
  const seen: Page['changes'] = [];
  let next = cursor;
  for (;;) {
    const page = JSON.parse((await changes.listChanges(integrationId, { cursor: next, limit: '2' })).toString()) as Page;
    seen.push(...page.changes);
    next = page.next_cursor;
    if (page.changes.length === 0) return seen;
  }
}

describe('the change feed across migration 018 (positions per commit)', () => {
  it('when a system with placed and unplaced changes is upgraded, then a cursor handed out before reads on without a gap or a repeat, and new changes follow', async () => {
    const { rows } = await pool.query<{ id: number }>(`INSERT INTO integrations (name) VALUES ('upgraded'), ('other') RETURNING id`);
    const [mine, other] = rows.map((r) => r.id) as [number, number];
    await pool.query(
      `INSERT INTO accounts (integration_id, external_id, currency) VALUES (${mine}, 'ACC', 'USD'), (${other}, 'ACC', 'USD');
       INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates)
       SELECT gen_random_uuid(), integration_id, id, 3, 3, 0 FROM accounts;
       INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, raw)
       SELECT b.account_id, b.id, 'T' || g, '2026-11-03', -g, 'USD', '{}' FROM batches b CROSS JOIN generate_series(1, 3) g;`,
    );
    // The old sequencer's state: this integration's six changes placed at positions 1..6, the other
    // integration's first at 7 and its five others committed but not placed yet.
    await pool.query(
      `INSERT INTO changes (integration_id, account_id, transaction_pk, type)
       SELECT a.integration_id, t.account_id, t.id, kind
         FROM transactions t JOIN accounts a ON a.id = t.account_id
         CROSS JOIN unnest(ARRAY['transaction.added', 'transaction.enriched']) AS kind
        ORDER BY a.integration_id = $1 DESC, t.id, kind`,
      [mine],
    );
    await pool.query(`UPDATE changes SET seq = id WHERE id <= 7`);
    await pool.query(`UPDATE change_sequencer SET last_seq = 7`);
    const before = await pool.query<{ seq: number }>(`SELECT seq FROM changes WHERE integration_id = $1 AND seq IS NOT NULL ORDER BY seq`, [mine]);
    expect(before.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    expect(await migrate(pool)).toContain('018_change_commits.sql');

    const changes = new ChangeService(pool);
    // The cursor a consumer held: after position 4, as the feed encoded it before the upgrade.
    const afterFour = await readAll(changes, mine, encodeCursor('changes', 4));
    expect(afterFour.map((c) => `${c.transaction_id} ${c.type}`)).toEqual(['T3 transaction.added', 'T3 transaction.enriched']);
    const everything = await readAll(changes, mine, undefined);
    expect(everything.map((c) => `${c.transaction_id} ${c.type}`)).toEqual(
      ['T1', 'T2', 'T3'].flatMap((t) => [`${t} transaction.added`, `${t} transaction.enriched`]),
    );
    // The other integration's changes, the placed one and the five the upgrade found unplaced, are its own.
    expect(await readAll(changes, other, undefined)).toHaveLength(6);

    const last = everything.at(-1)?.cursor;
    await pool.query(
      `INSERT INTO changes (integration_id, account_id, transaction_pk, type)
       SELECT $1, t.account_id, t.id, 'transaction.corrected' FROM transactions t JOIN accounts a ON a.id = t.account_id
        WHERE a.integration_id = $1 AND t.transaction_id = 'T2'`,
      [mine],
    );
    expect((await readAll(changes, mine, last)).map((c) => `${c.transaction_id} ${c.type}`)).toEqual(['T2 transaction.corrected']);
  });
});
