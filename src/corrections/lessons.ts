/**
 * The lessons of corrections (contract §11): each locked transaction teaches its integration's
 * merchant memory and model what a person said of its text, and only while it stands. Every change
 * here is in the caller's database transaction, beside the change to the transaction itself.
 */
import type { Category } from '../domain/taxonomy.js';
import { extractFeatures } from '../enrichment/learning/features.js';
import {
  addFeatureCounts,
  addMerchantVotes,
  bumpLearningVersion,
  findUnderivedCorrections,
  insertCorrection,
  markDerived,
  takeCorrection,
  type StoredCorrection,
} from '../enrichment/learning/learning.repository.js';
import { normalizeMerchant } from '../enrichment/merchant/normalize.js';
import { NaiveBayesModel } from '../enrichment/learning/naive-bayes.js';
import type { Queryable } from '../infra/db.js';
import type { AfterMigrations } from '../infra/migrate.js';
import { findStandingLessons, listCorrectionsByIntegration, lockLessonDerivation, setLessonDerivation, type StandingLesson } from './correction.repository.js';

/**
 * How lessons are derived from a corrected transaction's text (its merchant key and model
 * features). Bump it with any change to normalizeMerchant or extractFeatures that changes what a
 * stored lesson would be: migrate() then derives every stored lesson again (rederiveLessonsStep).
 * 1: bank wording of more markets left out of keys, Ø and Æ spelled O and AE.
 * 2: a possessive S sent apart (`TRADER JOE S`) joined to its word.
 * 3: words of every script kept in keys (they held Latin letters only), invisible characters dropped;
 *    the words of other scripts and their character pairs are model features.
 */
export const LESSON_DERIVATION = 3;

/** Rows of corrections derived again per statement batch. */
const REDERIVE_CHUNK = 1_000;

/** What a corrected transaction's lesson is read from: its text as it is now. */
export interface CorrectedText {
  pk: number;
  merchant_name: string | null;
  description: string | null;
  amount: string;
}

/** The lesson a correction of this text teaches. */
function lessonOf(integrationId: number, row: CorrectedText, category: Category): StoredCorrection {
  const text = { merchantName: row.merchant_name, description: row.description, amount: row.amount };
  return { transactionPk: row.pk, integrationId, merchantKey: normalizeMerchant(text).key, category, features: extractFeatures(text) };
}

/**
 * Makes a corrected transaction teach `category` (null: nothing), in place of what it taught.
 * The rows every correction of the integration meets (merchant votes, model counts, the learning
 * version) are written last, each set in key order, so a correction holds their locks for the
 * fewest round trips before it commits, and corrections never lock them in opposite orders.
 */
export async function relearn(db: Queryable, integrationId: number, row: CorrectedText, category: Category | null): Promise<void> {
  await relearnAll(db, integrationId, [{ pk: row.pk, wanted: category === null ? undefined : lessonOf(integrationId, row, category) }]);
}

async function relearnAll(db: Queryable, integrationId: number, lessons: Array<{ pk: number; wanted: StoredCorrection | undefined }>): Promise<void> {
  const weighed: Array<[StoredCorrection, 1 | -1]> = [];
  for (const { pk, wanted } of lessons) {
    const previous = await takeCorrection(db, pk);
    if (previous) weighed.push([previous, -1]);
    if (wanted) {
      await insertCorrection(db, wanted, LESSON_DERIVATION);
      weighed.push([wanted, 1]);
    }
  }
  const votes = weighed.filter(([lesson]) => lesson.merchantKey !== '').map(([lesson, weight]) => ({ merchantKey: lesson.merchantKey, category: lesson.category, delta: weight }));
  await addMerchantVotes(db, integrationId, votes);
  await addFeatureCounts(db, integrationId, weighed.flatMap(([lesson, weight]) => NaiveBayesModel.deltas(lesson.features, lesson.category, weight)));
  await bumpLearningVersion(db, integrationId);
}

/**
 * Brings the lessons of these transactions in line with them after ingestion changed them (§10):
 * a corrected pending transaction sent again with other text teaches its new text; a removed one
 * teaches nothing (it counts nowhere, and can no longer be corrected to take its lesson back); a
 * posted transaction that took over a pending one's lock teaches in its place. The learning
 * version moves only when a lesson changed.
 */
export async function realignLessons(db: Queryable, integrationId: number, pks: readonly number[]): Promise<void> {
  if (pks.length === 0) return;
  const changed: Array<{ pk: number; wanted: StoredCorrection | undefined }> = [];
  for (const row of await findStandingLessons(db, pks)) {
    const wanted = row.teaches && row.category !== null ? lessonOf(integrationId, row, row.category) : undefined;
    if (wanted && row.taught && sameLesson(wanted, row.taught)) continue;
    if (wanted || row.taught) changed.push({ pk: row.pk, wanted });
  }
  if (changed.length > 0) await relearnAll(db, integrationId, changed);
}

function sameLesson(a: StoredCorrection, b: NonNullable<StandingLesson['taught']>): boolean {
  return a.merchantKey === b.merchantKey && a.category === b.category && a.features.length === b.features.length && a.features.every((f, i) => f === b.features[i]);
}

/**
 * Derives every stored lesson again when they follow an older LESSON_DERIVATION, in the caller's
 * database transaction, and records the current one; returns how many transactions were read
 * (0 when the lessons are current). A lesson derived the same way as before is left as it is.
 */
export async function rederiveLessons(db: Queryable): Promise<number> {
  if (((await lockLessonDerivation(db)) ?? LESSON_DERIVATION) >= LESSON_DERIVATION) return 0;
  const integrations = await listCorrectionsByIntegration(db);
  for (const { id, pks } of integrations) {
    for (let at = 0; at < pks.length; at += REDERIVE_CHUNK) await rederive(db, id, pks.slice(at, at + REDERIVE_CHUNK));
  }
  await setLessonDerivation(db, LESSON_DERIVATION);
  return integrations.reduce((sum, { pks }) => sum + pks.length, 0);
}

/** What the entry points have migrate() do after the migrations: lessons stored under an older LESSON_DERIVATION are derived again. */
export const rederiveLessonsStep: AfterMigrations = { what: 'deriving the stored lessons again', run: rederiveLessons };

/** Derives these corrections' lessons the current way, and records that they are. */
async function rederive(db: Queryable, integrationId: number, pks: readonly number[]): Promise<void> {
  await realignLessons(db, integrationId, pks);
  await markDerived(db, pks, LESSON_DERIVATION);
}

/**
 * Derives again, in the caller's database transaction, up to `limit` lessons a process of an older
 * release wrote after the migration (during a rolling upgrade it still serves, and derives them its
 * way); returns how many it read. The scheduler's sweep calls it.
 */
export async function rederiveUnderivedLessons(db: Queryable, limit: number): Promise<number> {
  let read = 0;
  for (const { integrationId, pks } of await findUnderivedCorrections(db, limit)) {
    await rederive(db, integrationId, pks);
    read += pks.length;
  }
  return read;
}
