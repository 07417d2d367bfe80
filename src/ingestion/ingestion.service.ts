import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { AccountWriteTurns } from '../infra/account-write-turns.js';
import { withRetriedTransaction, withTransaction } from '../infra/db.js';
import { lockAccountWrites } from '../infra/advisory-locks.js';
import type { Logger } from '../infra/logger.js';
import type { Principal } from '../auth/auth.service.js';
import { recordChanges } from '../changes/change.repository.js';
import { realignLessons } from '../corrections/lessons.js';
import { markBatchesCompleted } from '../enrichment/enrichment.repository.js';
import { recordBatchCompletedEvents } from '../webhooks/webhook.repository.js';
import type { Queryable } from '../infra/db.js';
import {
  carryLockedCategories,
  findIdempotencyRecord,
  findOrCreateAccount,
  insertBatchWithTransactions,
  matchStoredTransactions,
  removeTransactions,
  modifyPendingTransactions,
  removeAlreadyReplaced,
  replacePendingTransactions,
  saveIdempotencyRecord,
  settleBatch,
  tryLockIdempotencyKey,
  updateAccountDetails,
  type NewTransaction,
} from './ingestion.repository.js';
import { findAccount } from '../transactions/transaction.repository.js';
import type { IngestAccepted, RemoveBody, RemoveOutcome } from './ingestion.schemas.js';
import { batchTooLarge, validateBatch, type FieldProblems, type ValidBatch } from './ingestion.validation.js';
import { hashBody } from './request-hash.js';

/** Receives each committed batch for enrichment. Failing to dispatch must not fail the request. */
export interface EnrichmentDispatcher {
  batchAccepted(batchId: string, accepted: number): Promise<void>;
}

export interface IngestRequest {
  body: unknown;
  /** What the JSON Schema already found wrong with the body; the service adds its own findings. */
  structuralProblems: FieldProblems;
  idempotencyKey: string | undefined;
}

export interface IngestOutcome {
  status: number;
  body: IngestAccepted;
  replayed: boolean;
}

const IDEMPOTENCY_RETENTION_HOURS = 24;

export class IngestionService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dispatcher: EnrichmentDispatcher,
    private readonly logger: Logger,
    private readonly maxBatchSize: number,
    private readonly onIngested: (outcome: IngestAccepted) => void = () => {},
    private readonly accountTurns = AccountWriteTurns.forQueryTimeout(),
  ) {}

  /**
   * Stores a batch atomically and idempotently, then hands it to enrichment. All of the request
   * is stored, or none of it: every failure below rolls the one database transaction back.
   */
  async ingestBatch(principal: Principal, request: IngestRequest): Promise<IngestOutcome> {
    const transactionCount = countTransactions(request.body);
    if (transactionCount > this.maxBatchSize) throw batchTooLarge(this.maxBatchSize, transactionCount);
    const validation = validateBatch(request.body, request.structuralProblems);
    if ('problems' in validation) {
      throw new AppError('validation_error', `The request has ${validation.problems.count} invalid field(s).`, { errors: validation.problems.listed });
    }
    const { batch } = validation;
    // Sorting fixes the order in which rows are locked, so concurrent overlapping batches cannot deadlock.
    batch.transactions.sort((a, b) => (a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0));
    const requestHash = request.idempotencyKey === undefined ? undefined : hashBody(request.body);

    // A retry answered from its stored record (or told that its first is still running) does not
    // wait in line behind the account's writes: only a request that writes does.
    const answered = requestHash && (await withTransaction(this.pool, (client) => this.keyedAnswer(client, principal, request, requestHash)));
    const outcome = answered || (await this.accountTurns.run(principal.integrationId, batch.account.externalId, () => this.store(principal, request, batch, requestHash)));

    if (!outcome.replayed) {
      this.onIngested(outcome.body);
      if (outcome.body.status === 'pending') await this.dispatch(outcome.body);
    }
    return outcome;
  }

  /** The one database transaction of an ingestion: the batch and its idempotency record, or nothing. */
  private store(principal: Principal, request: IngestRequest, batch: ValidBatch, requestHash: Buffer | undefined): Promise<IngestOutcome> {
    return withRetriedTransaction(this.pool, async (client) => {
      // Asked again with the key held: the first request may have finished since it was last asked.
      const answered = requestHash && (await this.keyedAnswer(client, principal, request, requestHash));
      if (answered) return answered;

      const account = await findOrCreateAccount(client, principal.integrationId, batch.account);
      if (account.currency !== batch.account.currency) {
        throw new AppError('account_currency_mismatch', `Account ${batch.account.externalId} holds ${account.currency}, not ${batch.account.currency}.`, {
          account_currency: account.currency,
        });
      }
      await lockAccountWrites(client, account.id);
      if (!account.created) await updateAccountDetails(client, account.id, batch.account.name, batch.account.institution);

      const body = await storeBatch(client, principal.integrationId, account.id, batch);
      if (request.idempotencyKey !== undefined && requestHash) {
        await saveIdempotencyRecord(
          client,
          principal.integrationId,
          request.idempotencyKey,
          { requestHash, responseStatus: 202, responseBody: body },
          IDEMPOTENCY_RETENTION_HOURS,
        );
      }
      return { status: 202, body, replayed: false };
    });
  }

  /**
   * What a request with an Idempotency-Key is answered without storing anything: the first answer
   * again, 422 for another body, or 409 while the first is still running. Undefined when the key is
   * new; the key's lock is then held until `client`'s transaction ends.
   */
  private async keyedAnswer(client: Queryable, principal: Principal, request: IngestRequest, requestHash: Buffer): Promise<IngestOutcome | undefined> {
    const key = request.idempotencyKey as string;
    const locked = await tryLockIdempotencyKey(client, principal.integrationId, key);
    // The stored answer is read whether or not the key was free: another retry of a request that
    // finished holds it only while it reads that answer too, and both are replays.
    const previous = await findIdempotencyRecord(client, principal.integrationId, key);
    if (!previous) {
      if (locked) return undefined;
      throw new AppError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    if (!previous.requestHash.equals(requestHash)) throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.');
    // Answers stored before `modified` existed replay with it as 0.
    const body = { modified: 0, ...previous.responseBody } as unknown as IngestAccepted;
    return { status: previous.responseStatus, body, replayed: true };
  }

  /** Removes transactions of an account (contract §10), each with its `transaction.removed` change. */
  async removeTransactions(principal: Principal, body: unknown, structuralProblems: FieldProblems): Promise<RemoveOutcome> {
    if (structuralProblems.count > 0) {
      throw new AppError('validation_error', `The request has ${structuralProblems.count} invalid field(s).`, { errors: structuralProblems.listed });
    }
    const request = body as RemoveBody;
    const ids = [...new Set(request.transaction_ids)];
    const outcome = await this.accountTurns.run(principal.integrationId, request.account_id, () => this.remove(principal.integrationId, request.account_id, ids));
    const found = new Set([...outcome.removed.map((r) => r.transactionId), ...outcome.alreadyRemoved]);
    return { removed: outcome.removed.length, already_removed: outcome.alreadyRemoved.length, not_found: ids.filter((id) => !found.has(id)) };
  }

  /** The removal's one database transaction: the rows, their changes and lessons, the batches it completes. */
  private remove(integrationId: number, accountId: string, ids: string[]) {
    return withRetriedTransaction(this.pool, async (client) => {
      const account = await findAccount(client, integrationId, accountId);
      if (!account) throw new AppError('not_found', `No account ${accountId}.`);
      await lockAccountWrites(client, account.id);
      const { removed, alreadyRemoved } = await removeTransactions(client, account.id, ids);
      await recordChanges(client, 'transaction.removed', removed.map((r) => r.pk));
      // A removed transaction counts nowhere, its correction's lesson included.
      await realignLessons(client, integrationId, removed.map((r) => r.pk));
      // A batch whose last unfinished rows were removed is complete now, and says so to subscribers.
      await markBatchesCompleted(client, [...new Set(removed.map((r) => r.batchId))]);
      return { removed, alreadyRemoved };
    });
  }

  private async dispatch(accepted: IngestAccepted): Promise<void> {
    try {
      await this.dispatcher.batchAccepted(accepted.batch_id, accepted.accepted + accepted.modified);
    } catch (error) {
      // The rows are committed; the scheduler dispatches stranded pending rows later.
      this.logger.warn({ batch_id: accepted.batch_id, err: error }, 'dispatch failed; the scheduler will pick the batch up');
    }
  }
}

/**
 * Stores one validated batch in the caller's database transaction (contract §4, §10): new
 * transactions are added; pending ones sent again changed are modified and move to this batch;
 * posted ones replace the pending transactions they name; the rest are duplicates, or a conflict
 * that rolls everything back. Every change is recorded for the feed in the same transaction.
 */
async function storeBatch(
  db: Queryable,
  integrationId: number,
  accountId: number,
  batch: { account: { externalId: string }; transactions: NewTransaction[] },
): Promise<IngestAccepted> {
  const batchId = randomUUID();
  const inserted = await insertBatchWithTransactions(db, { id: batchId, integrationId, accountId }, batch.transactions);
  let modified: number[] = [];
  // The ids this request stored: new, or pending ones it changed. Only they may replace a pending transaction.
  const storedHere = new Set(inserted.map((row) => row.transactionId));
  // Batches that rows left (moved into this one, or removed as replaced): one may have nothing left to do.
  const left = new Set<string>();
  if (inserted.length < batch.transactions.length) {
    const insertedIds = new Set(inserted.map((row) => row.transactionId));
    const resent = batch.transactions.filter((t) => !insertedIds.has(t.transactionId));
    const matches = await matchStoredTransactions(db, accountId, resent);
    const conflicts = matches.filter((m) => m.contentDiffers && !m.changeable).map((m) => m.transactionId);
    if (conflicts.length > 0) {
      throw new AppError(
        'duplicate_conflict',
        `${conflicts.length} transaction id(s) are already stored with different content; nothing from this request was stored.`,
        { transaction_ids: conflicts },
      );
    }
    const changes = new Map(matches.filter((m) => m.changeable && (m.contentDiffers || m.posts)).map((m) => [m.transactionId, m]));
    const modifications = resent.filter((t) => changes.has(t.transactionId)).map((t) => ({ ...t, reenrich: changes.get(t.transactionId)?.reenrich === true }));
    if (modifications.length > 0) {
      const moved = await modifyPendingTransactions(db, accountId, batchId, modifications);
      for (const t of modifications) storedHere.add(t.transactionId);
      modified = moved.map((row) => row.pk);
      for (const row of moved) left.add(row.previousBatchId);
      await recordChanges(db, 'transaction.modified', modified);
    }
  }

  // Pending transactions whose posted replacement came first, then the pending ones this batch replaces.
  const late = await removeAlreadyReplaced(db, accountId, inserted.filter((row) => row.pending).map((row) => row.pk));
  // A duplicate changes nothing, even one that names a pending transaction its stored self did not.
  const replacing = batch.transactions.filter((t) => !t.pending && t.pendingTransactionId !== null && storedHere.has(t.transactionId));
  const replaced = await replacePendingTransactions(
    db,
    accountId,
    replacing.map((t) => ({ postedId: t.transactionId, pendingId: t.pendingTransactionId ?? '' })),
  );
  const carried = await carryLockedCategories(
    db,
    accountId,
    replaced.filter((r) => r.locked && r.category !== null).map((r) => ({ postedId: r.postedId, category: r.category ?? '' })),
  );
  // A corrected pending transaction sent with other text teaches that; a replaced one's lesson moves with its lock.
  await realignLessons(db, integrationId, [...modified, ...replaced.filter((r) => r.locked).map((r) => r.pk), ...carried]);
  await recordChanges(db, 'transaction.removed', [...late, ...replaced.map((r) => r.pk)]);
  for (const row of replaced) left.add(row.batchId);
  left.delete(batchId);
  if (left.size > 0) await markBatchesCompleted(db, [...left]);

  const settled = modified.length > 0 || late.length > 0 || replaced.length > 0 ? await settleBatch(db, batchId, modified.length) : undefined;
  const done = settled ? settled.done : inserted.length === 0;
  // A batch with nothing to enrich is complete on arrival; subscribers hear of it like any other.
  if (done) await recordBatchCompletedEvents(db, [batchId]);
  return {
    batch_id: batchId,
    account_id: batch.account.externalId,
    status: done ? 'completed' : 'pending',
    received: batch.transactions.length,
    accepted: inserted.length,
    duplicates: batch.transactions.length - inserted.length - modified.length,
    modified: modified.length,
    status_url: `/api/batches/${batchId}`,
  };
}

function countTransactions(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const transactions = (body as { transactions?: unknown }).transactions;
  return Array.isArray(transactions) ? transactions.length : 0;
}
