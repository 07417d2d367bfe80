import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { withTransaction } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { Principal } from '../auth/auth.service.js';
import {
  findConflictingTransactions,
  findIdempotencyRecord,
  findOrCreateAccount,
  insertBatchWithTransactions,
  saveIdempotencyRecord,
  tryLockIdempotencyKey,
  updateAccountDetails,
} from './ingestion.repository.js';
import type { IngestAccepted } from './ingestion.schemas.js';
import { batchTooLarge, validateBatch, type FieldProblems } from './ingestion.validation.js';
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
const RETRYABLE = new Set(['40P01', '40001']);

export class IngestionService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dispatcher: EnrichmentDispatcher,
    private readonly logger: Logger,
    private readonly maxBatchSize: number,
    private readonly onIngested: (outcome: IngestAccepted) => void = () => {},
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

    const outcome = await this.withRetry(() =>
      withTransaction(this.pool, async (client) => {
        if (request.idempotencyKey !== undefined && requestHash) {
          if (!(await tryLockIdempotencyKey(client, principal.integrationId, request.idempotencyKey))) {
            throw new AppError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
          }
          const previous = await findIdempotencyRecord(client, principal.integrationId, request.idempotencyKey);
          if (previous) {
            if (!previous.requestHash.equals(requestHash)) {
              throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.');
            }
            return { status: previous.responseStatus, body: previous.responseBody as unknown as IngestAccepted, replayed: true };
          }
        }

        const account = await findOrCreateAccount(client, principal.integrationId, batch.account);
        if (account.currency !== batch.account.currency) {
          throw new AppError('account_currency_mismatch', `Account ${batch.account.externalId} holds ${account.currency}, not ${batch.account.currency}.`, {
            account_currency: account.currency,
          });
        }
        if (!account.created) await updateAccountDetails(client, account.id, batch.account.name, batch.account.institution);

        const batchId = randomUUID();
        const inserted = await insertBatchWithTransactions(client, { id: batchId, integrationId: principal.integrationId, accountId: account.id }, batch.transactions);
        if (inserted.length < batch.transactions.length) {
          const insertedIds = new Set(inserted);
          const skipped = batch.transactions.filter((t) => !insertedIds.has(t.transactionId));
          const conflicts = await findConflictingTransactions(client, account.id, skipped);
          if (conflicts.length > 0) {
            throw new AppError(
              'duplicate_conflict',
              `${conflicts.length} transaction id(s) are already stored with different content; nothing from this request was stored.`,
              { transaction_ids: conflicts },
            );
          }
        }
        const body: IngestAccepted = {
          batch_id: batchId,
          account_id: batch.account.externalId,
          status: inserted.length > 0 ? 'pending' : 'completed',
          received: batch.transactions.length,
          accepted: inserted.length,
          duplicates: batch.transactions.length - inserted.length,
          status_url: `/api/batches/${batchId}`,
        };
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
      }),
    );

    if (!outcome.replayed) {
      this.onIngested(outcome.body);
      if (outcome.body.accepted > 0) await this.dispatch(outcome.body);
    }
    return outcome;
  }

  private async dispatch(accepted: IngestAccepted): Promise<void> {
    try {
      await this.dispatcher.batchAccepted(accepted.batch_id, accepted.accepted);
    } catch (error) {
      // The rows are committed; the scheduler dispatches stranded pending rows later.
      this.logger.warn({ batch_id: accepted.batch_id, err: error }, 'dispatch failed; the scheduler will pick the batch up');
    }
  }

  private async withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw error;
      }
    }
  }
}

function countTransactions(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const transactions = (body as { transactions?: unknown }).transactions;
  return Array.isArray(transactions) ? transactions.length : 0;
}
