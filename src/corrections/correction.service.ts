import type pg from 'pg';
import { recordChanges } from '../changes/change.repository.js';
import { AppError } from '../domain/errors.js';
import { isCategory, type Category } from '../domain/taxonomy.js';
import { lockAccountWrites } from '../infra/advisory-locks.js';
import { AccountWriteTurns } from '../infra/account-write-turns.js';
import { withRetriedTransaction } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import { findAccount, toTransactionView } from '../transactions/transaction.repository.js';
import type { TransactionView } from '../transactions/transaction.schemas.js';
import { lockAccountTransaction, lockCategory, unlockForEnrichment } from './correction.repository.js';
import { relearn } from './lessons.js';

/** Sends one batch's rows back to the queue, e.g. after a category was unlocked. */
export interface RedispatchTarget {
  redispatch(batchId: string, tag: string): Promise<void>;
}

/**
 * Corrections (contract §11): a person's category is locked and teaches the integration's learned
 * state, all in one database transaction with its `transaction.corrected` change; unlocking takes
 * the lesson back and sends the transaction to enrichment again.
 */
export class CorrectionService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly enrichment: RedispatchTarget,
    private readonly logger: Logger,
    private readonly accountTurns = AccountWriteTurns.forQueryTimeout(),
  ) {}

  async correct(integrationId: number, accountId: string, transactionId: string, body: unknown): Promise<TransactionView> {
    const category = parseCorrection(body);
    const { row, changed } = await this.accountTurns.run(integrationId, accountId, () => this.lockOrUnlock(integrationId, accountId, transactionId, category));
    if (category === null && changed) {
      await this.enrichment.redispatch(row.batch_id, `unlock-${row.pk}-${Date.now()}`).catch((error: unknown) => {
        // The batch is open again with a pending row: the scheduler dispatches it later.
        this.logger.warn({ batch_id: row.batch_id, err: error }, 'could not dispatch an unlocked transaction');
      });
    }
    return toTransactionView(row);
  }

  /** The correction's one database transaction: the category, its lesson and its change, or nothing. */
  private lockOrUnlock(integrationId: number, accountId: string, transactionId: string, category: Category | null) {
    return withRetriedTransaction(this.pool, async (client) => {
      const account = await findAccount(client, integrationId, accountId);
      if (!account) throw new AppError('not_found', `No account ${accountId}.`);
      // Ingestion and removal write to the account's rows and rollups too, in other orders.
      await lockAccountWrites(client, account.id);
      const current = await lockAccountTransaction(client, account.id, transactionId);
      if (!current) throw new AppError('not_found', `No transaction ${transactionId} in account ${accountId}.`);
      if (current.removed_at !== null) throw new AppError('transaction_removed', `Transaction ${transactionId} was removed; it cannot be corrected.`);
      // The same correction again (a client's retry), or an unlock of what is not locked, changes
      // nothing: no change, lesson, event or enrichment.
      if (category === null ? !current.category_locked : current.category_locked && current.category === category) return { row: current, changed: false };
      const updated = category === null ? await unlockForEnrichment(client, current.pk) : await lockCategory(client, current.pk, category);
      await recordChanges(client, 'transaction.corrected', [current.pk]);
      // Last: what the integration's other corrections also write.
      await relearn(client, integrationId, current, category);
      return { row: updated, changed: true };
    });
  }
}

/** The body must be exactly {"category": <category or null>}; every problem is named by pointer. */
function parseCorrection(body: unknown): Category | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('validation_error', 'The body must be a JSON object {"category": …}.', { errors: [{ pointer: '', message: 'must be an object' }] });
  }
  const problems = Object.keys(body)
    .filter((name) => name !== 'category')
    .map((name) => ({ pointer: `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`, message: 'is not a field of a correction' }));
  const category = (body as { category?: unknown }).category;
  if (!Object.hasOwn(body, 'category')) problems.unshift({ pointer: '/category', message: 'is required' });
  else if (category !== null && (typeof category !== 'string' || !isCategory(category))) {
    problems.unshift({ pointer: '/category', message: 'must be a category of GET /api/categories, or null' });
  }
  if (problems.length > 0) throw new AppError('validation_error', 'The correction is not valid.', { errors: problems });
  return category as Category | null;
}
