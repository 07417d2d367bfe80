import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LESSON_DERIVATION, rederiveLessonsStep, rederiveUnderivedLessons } from '../src/corrections/lessons.js';
import { extractFeatures } from '../src/enrichment/learning/features.js';
import { addFeatureCounts } from '../src/enrichment/learning/learning.repository.js';
import { NaiveBayesModel } from '../src/enrichment/learning/naive-bayes.js';
import { withTransaction } from '../src/infra/db.js';
import { loadMerchantVotes } from '../src/enrichment/learning/learning.repository.js';
import { normalizeMerchant } from '../src/enrichment/merchant/normalize.js';
import { MerchantMemory } from '../src/enrichment/learning/merchant-memory.js';
import { migrate } from '../src/infra/migrate.js';
import { databaseMigratedUpTo } from './helpers/upgrade.js';

/** The last migration before merchant keys dropped references after REF and lone store digits. */
const BEFORE_REKEY = '021_rollup_check_without_join.sql';
/** The last migration before stored lessons were derived again when the code derives them another way. */
const BEFORE_REDERIVATION = '023_batch_completed_once.sql';
let pool: pg.Pool;
let drop: () => Promise<void>;
let later: Awaited<ReturnType<typeof databaseMigratedUpTo>>;

beforeAll(async () => {
  ({ pool, drop } = await databaseMigratedUpTo(`lucro_test_rekey_${process.pid}`, BEFORE_REKEY));
  later = await databaseMigratedUpTo(`lucro_test_rederive_${process.pid}`, BEFORE_REDERIVATION);
});
afterAll(async () => {
  await drop?.();
  await later?.drop();
});

/** A locked transaction of a new integration and account, as a test's correction needs it. */
async function lockedTransaction(db: pg.Pool, integration: string, description: string): Promise<{ integrationId: number; pk: number }> {
  const { rows } = await db.query<{ integrationId: number; pk: number }>(
    `WITH i AS (INSERT INTO integrations (name) VALUES ($2) RETURNING id),
          a AS (INSERT INTO accounts (integration_id, external_id, currency) SELECT id, 'ACC-1', 'DKK' FROM i RETURNING id, integration_id),
          b AS (INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates)
                SELECT gen_random_uuid(), integration_id, id, 1, 1, 0 FROM a RETURNING id, account_id)
     INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, description, raw, status,
                               category, category_confidence, category_source, category_locked)
     SELECT b.account_id, b.id, 'TX-1', '2026-11-26', -120.00, 'DKK', $1, '{}', 'completed', 'FOOD_AND_DRINK', 1, 'user', true FROM b
     RETURNING (SELECT integration_id::int FROM a) AS "integrationId", id::int AS pk`,
    [description, integration],
  );
  return rows[0] as { integrationId: number; pk: number };
}

/** A correction's lesson as a release before this one stored it: under `key`, the features it read, no derivation recorded. */
async function teachAsBefore(db: pg.Pool, integrationId: number, pk: number, description: string, key: string, features = extractFeatures({ merchantName: null, description, amount: '-120.00' })): Promise<void> {
  await db.query(`INSERT INTO corrections (transaction_pk, integration_id, merchant_key, category, features) VALUES ($1, $2, $3, 'FOOD_AND_DRINK', $4)`, [pk, integrationId, key, features]);
  if (key !== '') await db.query(`INSERT INTO learned_merchants (integration_id, merchant_key, category, votes) VALUES ($1, $2, 'FOOD_AND_DRINK', 1)`, [integrationId, key]);
  await addFeatureCounts(db, integrationId, NaiveBayesModel.deltas(features, 'FOOD_AND_DRINK', 1));
}

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
    await migrate(pool, undefined, { afterMigrations: rederiveLessonsStep });

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

describe('lessons derived again when keys are derived another way (LESSON_DERIVATION)', () => {
  it('when a lesson was stored under a key the code no longer derives, then migrating keys it the new way and it answers for the merchant again', async () => {
    const db = later.pool;
    const description = 'KORTKÖP 261104 FØTEX VESTERBRO';
    const { integrationId, pk } = await lockedTransaction(db, 'nordic', description);
    // As the code before derived it: every Swedish card purchase was keyed by the bank's wording alone.
    await teachAsBefore(db, integrationId, pk, description, 'KORTKOP');
    await db.query(`INSERT INTO learning_versions (integration_id, version) VALUES (${integrationId}, 4)`);

    expect(await migrate(db, undefined, { afterMigrations: rederiveLessonsStep })).toContain('024_lesson_derivation.sql');

    const newKey = normalizeMerchant({ merchantName: null, description }).key;
    expect(newKey).toBe('FOTEX VESTERBRO');
    const votes = await loadMerchantVotes(db, integrationId);
    expect(votes.map((v) => [v.merchantKey, v.category, v.votes])).toEqual([[newKey, 'FOOD_AND_DRINK', 1]]);
    expect(MerchantMemory.fromVotes(votes).answer(normalizeMerchant({ merchantName: null, description: 'KORTKÖP 261201 FØTEX VESTERBRO' }).key)).toMatchObject({
      category: 'FOOD_AND_DRINK',
    });
    const state = await db.query(
      `SELECT (SELECT merchant_key FROM corrections WHERE transaction_pk = $1) AS key,
              (SELECT version::int FROM learning_versions WHERE integration_id = $2) AS learning,
              (SELECT version FROM lesson_derivation) AS derivation`,
      [pk, integrationId],
    );
    expect(state.rows).toEqual([{ key: newKey, learning: 5, derivation: LESSON_DERIVATION }]);

    // Derived once: migrating again finds the lessons current and moves nothing.
    expect(await migrate(db, undefined, { afterMigrations: rederiveLessonsStep })).toEqual([]);
    expect((await db.query('SELECT version::int AS version FROM learning_versions WHERE integration_id = $1', [integrationId])).rows).toEqual([{ version: 5 }]);
  });
});

describe('lessons a process of the previous release writes during a rolling upgrade', () => {
  it('when the old release stores a correction after the migration, its way and with no derivation, then the sweep derives it again and its merchant is learned', async () => {
    const db = later.pool;
    expect(await migrate(db, undefined, { afterMigrations: rederiveLessonsStep })).toEqual([]);
    const description = 'مطعم الشام فرع 12';
    const { integrationId, pk } = await lockedTransaction(db, 'rolling', description);
    // The previous release keyed Latin letters only: this line had no key, and the model read its amount alone.
    await teachAsBefore(db, integrationId, pk, description, '', ['s:-', 'm:2', 'sm:-2']);

    expect(await withTransaction(db, (client) => rederiveUnderivedLessons(client, 1_000))).toBe(1);
    const key = normalizeMerchant({ merchantName: null, description: 'مطعم الشام فرع 17' }).key;
    expect(MerchantMemory.fromVotes(await loadMerchantVotes(db, integrationId)).answer(key)).toMatchObject({ category: 'FOOD_AND_DRINK' });
    const { rows } = await db.query('SELECT merchant_key, derivation FROM corrections WHERE transaction_pk = $1', [pk]);
    expect(rows).toEqual([{ merchant_key: key, derivation: LESSON_DERIVATION }]);
    // Derived once: the next sweep finds nothing to do.
    expect(await withTransaction(db, (client) => rederiveUnderivedLessons(client, 1_000))).toBe(0);
  });
});
