import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMerchantVotes } from '../src/enrichment/learning/learning.repository.js';
import { normalizeMerchant } from '../src/enrichment/learning/merchant-key.js';
import { MerchantMemory } from '../src/enrichment/learning/merchant-memory.js';
import { migrate } from '../src/infra/migrate.js';
import { databaseMigratedUpTo } from './helpers/upgrade.js';

/** The last migration before merchant keys dropped references after REF and lone store digits. */
const BEFORE_REKEY = '021_rollup_check_without_join.sql';
let pool: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ pool, drop } = await databaseMigratedUpTo(`lucro_test_rekey_${process.pid}`, BEFORE_REKEY));
});
afterAll(async () => {
  await drop?.();
});

describe('lessons across migration 022 (merchant keys without references and store digits)', () => {
  it('when lessons stored under the old keys are upgraded, then they answer for lines keyed the new way, votes of one merchant added up', async () => {
    const { rows } = await pool.query<{ id: number }>(`INSERT INTO integrations (name) VALUES ('upgraded') RETURNING id`);
    const integrationId = (rows[0] as { id: number }).id;
    await pool.query(
      `INSERT INTO learned_merchants (integration_id, merchant_key, category, votes) VALUES
         ($1, 'WILD FIG WINERY 1', 'TRAVEL', 1), ($1, 'WILD FIG WINERY', 'TRAVEL', 2),
         ($1, 'J SMITH SAVINGS REF RENT OCT', 'LOAN_PAYMENTS', 1), ($1, 'STUDIO 7', 'PERSONAL_CARE', 1);
       INSERT INTO learning_versions (integration_id, version) VALUES ($1, 4);`.replaceAll('$1', String(integrationId)),
    );
    await migrate(pool);

    const votes = await loadMerchantVotes(pool, integrationId);
    expect(votes.map((v) => [v.merchantKey, v.category, v.votes]).sort()).toEqual([
      ['J SMITH SAVINGS', 'LOAN_PAYMENTS', 1],
      ['STUDIO 7', 'PERSONAL_CARE', 1],
      ['WILD FIG WINERY', 'TRAVEL', 3],
    ]);
    const memory = MerchantMemory.fromVotes(votes);
    const keyOf = (description: string) => normalizeMerchant({ merchantName: null, description }).key;
    expect(memory.answer(keyOf('POS Purchase Wild Fig Winery 2  * 04 Oct'))).toMatchObject({ category: 'TRAVEL', votes: 3 });
    expect(memory.answer(keyOf('FNB App Transfer To J Smith Savings Ref Groceries'))).toMatchObject({ category: 'LOAN_PAYMENTS' });
    const { rows: versions } = await pool.query('SELECT version::int AS version FROM learning_versions WHERE integration_id = $1', [integrationId]);
    expect(versions).toEqual([{ version: 5 }]);
  });
});
