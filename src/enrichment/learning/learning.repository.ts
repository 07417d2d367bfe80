import type { Category } from '../../domain/taxonomy.js';
import type { Queryable } from '../../infra/db.js';
import type { FeatureCount } from './naive-bayes.js';

/** The lesson a correction taught: what is taken back when it is withdrawn or replaced. */
export interface StoredCorrection {
  transactionPk: number;
  integrationId: number;
  merchantKey: string;
  category: Category;
  features: string[];
}

/**
 * Bumps the integration's learning version (workers reload when it moves). Its row lock orders one
 * integration's lessons one after another, from this statement to the commit.
 */
export async function bumpLearningVersion(db: Queryable, integrationId: number): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO learning_versions AS v (integration_id, version) VALUES ($1, 1)
     ON CONFLICT (integration_id) DO UPDATE SET version = v.version + 1, updated_at = now()
     RETURNING version`,
    [integrationId],
  );
  return rows[0]?.version ?? 0;
}

/** Removes and returns the correction standing on a transaction, if any. */
export async function takeCorrection(db: Queryable, transactionPk: number): Promise<StoredCorrection | undefined> {
  const { rows } = await db.query<StoredCorrection>(
    `DELETE FROM corrections WHERE transaction_pk = $1
     RETURNING transaction_pk AS "transactionPk", integration_id AS "integrationId", merchant_key AS "merchantKey", category, features`,
    [transactionPk],
  );
  return rows[0];
}

export async function insertCorrection(db: Queryable, correction: StoredCorrection, derivation: number): Promise<void> {
  await db.query('INSERT INTO corrections (transaction_pk, integration_id, merchant_key, category, features, derivation) VALUES ($1, $2, $3, $4, $5, $6)', [
    correction.transactionPk,
    correction.integrationId,
    correction.merchantKey,
    correction.category,
    correction.features,
    derivation,
  ]);
}

/** Up to `limit` corrected transactions, by integration, whose lesson a process of an older release wrote (no derivation recorded). */
export async function findUnderivedCorrections(db: Queryable, limit: number): Promise<Array<{ integrationId: number; pks: number[] }>> {
  const { rows } = await db.query<{ integrationId: number; pks: number[] }>(
    `SELECT integration_id::int AS "integrationId", array_agg(transaction_pk::int ORDER BY transaction_pk) AS pks
       FROM (SELECT integration_id, transaction_pk FROM corrections WHERE derivation IS NULL LIMIT $1) c
      GROUP BY integration_id ORDER BY integration_id`,
    [limit],
  );
  return rows;
}

/** Records that these corrections' lessons are derived the current way. */
export async function markDerived(db: Queryable, pks: readonly number[], derivation: number): Promise<void> {
  await db.query('UPDATE corrections SET derivation = $2 WHERE transaction_pk = ANY($1::bigint[]) AND derivation IS DISTINCT FROM $2', [pks, derivation]);
}

/** Adds merchant votes set-based, in key order, so that corrections meeting on a merchant lock its rows in one order. */
export async function addMerchantVotes(db: Queryable, integrationId: number, votes: Array<{ merchantKey: string; category: Category; delta: number }>): Promise<void> {
  if (votes.length === 0) return;
  await db.query(
    `INSERT INTO learned_merchants AS m (integration_id, merchant_key, category, votes)
     SELECT $1, merchant_key, category, sum(delta) FROM unnest($2::text[], $3::text[], $4::int[]) AS d (merchant_key, category, delta)
      GROUP BY merchant_key, category HAVING sum(delta) <> 0 ORDER BY merchant_key, category
     ON CONFLICT (integration_id, merchant_key, category) DO UPDATE
        SET votes = m.votes + excluded.votes,
            last_corrected_at = CASE WHEN excluded.votes > 0 THEN now() ELSE m.last_corrected_at END`,
    [integrationId, votes.map((v) => v.merchantKey), votes.map((v) => v.category), votes.map((v) => v.delta)],
  );
}

/** Adds model counts set-based, in key order, so that corrections meeting on a feature lock its rows in one order. */
export async function addFeatureCounts(db: Queryable, integrationId: number, counts: FeatureCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db.query(
    `INSERT INTO learned_features AS f (integration_id, feature, category, count)
     SELECT $1, feature, category, sum(count) FROM unnest($2::text[], $3::text[], $4::int[]) AS d (feature, category, count)
      GROUP BY feature, category ORDER BY feature, category
     ON CONFLICT (integration_id, feature, category) DO UPDATE SET count = f.count + excluded.count`,
    [integrationId, counts.map((c) => c.feature), counts.map((c) => c.category), counts.map((c) => c.count)],
  );
}

/** The versions of the given integrations' learned state; an integration that taught nothing is absent. */
export async function findLearningVersions(db: Queryable, integrationIds: number[]): Promise<Map<number, number>> {
  const { rows } = await db.query<{ integration_id: number; version: number }>(
    'SELECT integration_id, version FROM learning_versions WHERE integration_id = ANY($1::bigint[])',
    [integrationIds],
  );
  return new Map(rows.map((r) => [r.integration_id, r.version]));
}

export interface LoadedState {
  version: number;
  merchants: Array<{ merchantKey: string; category: Category; votes: number; lastSeq: number }>;
  features: FeatureCount[];
}

/** An integration's whole learned state, read in one snapshot (the caller's REPEATABLE READ transaction). */
export async function loadMerchantVotes(db: Queryable, integrationId: number): Promise<LoadedState['merchants']> {
  const { rows } = await db.query<LoadedState['merchants'][number]>(
    `SELECT merchant_key AS "merchantKey", category, votes, (extract(epoch FROM last_corrected_at) * 1000)::float8 AS "lastSeq"
       FROM learned_merchants WHERE integration_id = $1 AND votes > 0`,
    [integrationId],
  );
  return rows;
}

export async function loadFeatureCounts(db: Queryable, integrationId: number): Promise<FeatureCount[]> {
  const { rows } = await db.query<FeatureCount>('SELECT feature, category, count FROM learned_features WHERE integration_id = $1 AND count > 0', [
    integrationId,
  ]);
  return rows;
}
