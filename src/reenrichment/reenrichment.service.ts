import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { AppError, type FieldProblem } from '../domain/errors.js';
import { invalid, parseDateParam } from '../domain/query-params.js';
import type { JobDispatcher } from '../enrichment/dispatcher.js';
import { withRetriedTransaction, withTransaction } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import { batchStatus } from '../ingestion/batch.service.js';
import { findAccount } from '../transactions/transaction.repository.js';
import { recordReenrichmentCompleted } from './reenrichment.events.js';
import {
  findDrainedReenrichments,
  findReenrichment,
  findStalledReenrichments,
  insertReenrichment,
  keepFinalCounts,
  markReenrichmentCompleted,
  sendBackForReenrichment,
  setReenrichmentTotal,
  type ReenrichmentFilters,
  type ReenrichmentRow,
} from './reenrichment.repository.js';
import type { ReenrichAccepted, ReenrichmentView } from './reenrichment.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows sent back per statement: each stays well inside the request's query timeout. */
const SEND_BACK_CHUNK = 10_000;

/**
 * Re-enrichment (contract §11): an account's enriched transactions go back through the same engine,
 * as one more kind of queue job that takes turns with new batches. Locked and removed transactions
 * are left alone and not counted.
 */
export class ReenrichmentService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dispatcher: JobDispatcher,
    private readonly logger: Logger,
  ) {}

  async start(integrationId: number, accountId: string, body: unknown): Promise<ReenrichAccepted> {
    const filters = parseFilters(body);
    const id = randomUUID();
    const transactions = await withRetriedTransaction(this.pool, async (client) => {
      const account = await findAccount(client, integrationId, accountId);
      if (!account) throw new AppError('not_found', `No account ${accountId}.`);
      await insertReenrichment(client, id, integrationId, account.id, filters);
      let total = 0;
      for (let afterPk = 0; ; ) {
        const chunk = await sendBackForReenrichment(client, id, account.id, filters, afterPk, SEND_BACK_CHUNK);
        total += chunk.sent;
        afterPk = chunk.lastPk;
        if (chunk.sent < SEND_BACK_CHUNK) break;
      }
      await setReenrichmentTotal(client, id, total);
      if (total === 0) await this.complete(client, id);
      return total;
    });
    if (transactions > 0) await this.dispatch(id, transactions);
    return { reenrichment_id: id, transactions, status_url: `/api/reenrichments/${id}` };
  }

  async get(integrationId: number, id: string): Promise<ReenrichmentView> {
    if (!UUID.test(id)) throw invalid('reenrichment_id', 'must be a UUID');
    const row = await findReenrichment(this.pool, integrationId, id.toLowerCase());
    if (!row) throw new AppError('not_found', `No re-enrichment ${id}.`);
    return toView(row);
  }

  /** A re-enrichment's job found nothing left to claim: stamp it completed (with its event) if its rows are all done. */
  async finish(id: string): Promise<void> {
    await withTransaction(this.pool, (client) => this.complete(client, id));
  }

  /**
   * The scheduler's part: dispatches re-enrichments whose rows wait untouched (their job was lost)
   * and finishes those with none left to do.
   */
  async sweep(stalledAfterMs: number): Promise<void> {
    const bucket = Math.floor(Date.now() / Math.max(1, stalledAfterMs));
    for (const id of await findStalledReenrichments(this.pool, stalledAfterMs, 100)) {
      await this.dispatcher.reenrichmentStalled(id, bucket).catch((error: unknown) => {
        this.logger.warn({ reenrichment_id: id, err: error }, 'could not dispatch a stalled re-enrichment; will retry at the next sweep');
      });
    }
    for (const id of await findDrainedReenrichments(this.pool, 100)) await this.finish(id);
  }

  private async complete(client: pg.PoolClient, id: string): Promise<void> {
    const completed = await markReenrichmentCompleted(client, id);
    if (!completed) return;
    const row = await findReenrichment(client, completed.integrationId, id);
    if (!row) return;
    const view = toView(row);
    await keepFinalCounts(client, id, view.counts, row.lastFinishedAt);
    await recordReenrichmentCompleted(client, completed.integrationId, view);
  }

  private async dispatch(id: string, transactions: number): Promise<void> {
    await this.dispatcher.reenrichmentAccepted(id, transactions).catch((error: unknown) => {
      // The rows are pending in open batches: the scheduler dispatches them later.
      this.logger.warn({ reenrichment_id: id, err: error }, 'could not dispatch a re-enrichment');
    });
  }
}

function toView(row: ReenrichmentRow): ReenrichmentView {
  const counts = row.final ? { ...row.final, total: row.final.completed + row.final.failed, pending: 0, processing: 0 } : runningCounts(row);
  const status = batchStatus({ ...counts, retrying: row.final ? 0 : row.retrying });
  const done = status === 'completed' || status === 'completed_with_errors';
  return {
    reenrichment_id: row.id,
    status,
    created_at: row.createdAt.toISOString(),
    // As a batch's (§5): done when its last row is, whether or not a worker has stamped it yet.
    completed_at: done ? (row.final?.lastFinishedAt ?? row.lastFinishedAt).toISOString() : null,
    counts: { total: counts.total, pending: counts.pending, processing: counts.processing, completed: counts.completed, failed: counts.failed },
  };
}

/**
 * The counts of a re-enrichment under way: of the rows it announced, less those removed since, the
 * ones still tagged with it by status, and the others as done — a row leaves it only finished
 * (another re-enrichment takes finished rows only; a correction finishes a row and leaves it tagged).
 */
function runningCounts(row: ReenrichmentRow): ReenrichmentView['counts'] {
  const tagged = row.pending + row.processing + row.completed + row.failed;
  const total = Math.max(row.announced - row.removed, tagged);
  return { total, pending: row.pending, processing: row.processing, completed: total - row.pending - row.processing - row.failed, failed: row.failed };
}

/** The optional body {start_date, end_date, only_uncategorized}; every problem is named by pointer. */
function parseFilters(body: unknown): ReenrichmentFilters {
  if (body === undefined) return { start_date: null, end_date: null, only_uncategorized: false };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('validation_error', 'The body must be a JSON object.', { errors: [{ pointer: '', message: 'must be an object' }] });
  }
  const fields = body as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(fields)
    .filter((name) => !['start_date', 'end_date', 'only_uncategorized'].includes(name))
    .map((name) => ({ pointer: `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`, message: 'is not a field of a re-enrichment' }));
  const date = (name: 'start_date' | 'end_date'): string | null => {
    const value = fields[name];
    if (value === undefined || value === null) return null;
    try {
      if (typeof value !== 'string') throw new Error();
      return parseDateParam(value, name);
    } catch {
      problems.push({ pointer: `/${name}`, message: 'must be a real calendar date YYYY-MM-DD' });
      return null;
    }
  };
  const filters = { start_date: date('start_date'), end_date: date('end_date'), only_uncategorized: fields.only_uncategorized === true };
  if (fields.only_uncategorized !== undefined && typeof fields.only_uncategorized !== 'boolean') {
    problems.push({ pointer: '/only_uncategorized', message: 'must be true or false' });
  }
  if (filters.start_date !== null && filters.end_date !== null && filters.start_date > filters.end_date) {
    problems.push({ pointer: '/start_date', message: 'must not be after end_date' });
  }
  if (problems.length > 0) throw new AppError('validation_error', 'The re-enrichment request is not valid.', { errors: problems });
  return filters;
}
