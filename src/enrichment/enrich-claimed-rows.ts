import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { SpanContext } from '@opentelemetry/api';
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCategory } from '../domain/taxonomy.js';
import { isConnectionError, isDatabaseAway, isRetryableConflict } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { activeSpanContext, inGroupSpan, inSpan } from '../infra/tracing.js';
import type { Categorizer } from './categorizers/categorizer.js';
import {
  claimPendingOf,
  findBatchIntegration,
  findReenrichmentIntegration,
  releaseClaims,
  writeResults,
  type ClaimedTransaction,
  type ClaimWanted,
  type EnrichmentResult,
  type RowOwner,
  type WrittenResult,
} from './enrichment.repository.js';
import { Batcher, Slots } from './slots.js';
import type { JobParticipant } from './worker-loop.js';

export interface EnrichmentOptions {
  /** Transactions enriched at once by this process. */
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  /** How long one job works on its rows before handing on to the back of the queue (fairness). */
  sliceMs?: number;
}

/** Where a job's rows come from: a batch's new rows, or a re-enrichment's (one per job kind that enriches). */
export interface RowSource {
  /** What the rows belong to, for logs and for taking turns. */
  readonly subject: string;
  /** The integration the rows belong to: rows are shared between integrations first. */
  findIntegration(pool: pg.Pool): Promise<number | undefined>;
  /** Whose pending rows are claimed. */
  readonly owner: RowOwner;
}

export const batchRows = (batchId: string): RowSource => ({
  subject: batchId,
  findIntegration: (pool) => findBatchIntegration(pool, batchId),
  owner: { batchId },
});

export const reenrichmentRows = (reenrichmentId: string): RowSource => ({
  subject: reenrichmentId,
  findIntegration: (pool) => findReenrichmentIntegration(pool, reenrichmentId),
  owner: { reenrichmentId },
});

/** Rows claimed by one statement at most. */
const MAX_CLAIM = 1_000;
/**
 * Rows one process holds beyond those being categorized, at most, however fast the categorizer.
 * At latency 0 (bench, 2 workers), holding up to 2,000 rows each cost PostgreSQL 118 ms of CPU per
 * 1,000 rows enriched and 500 beyond the concurrency 59–64 ms: more rows held is more claims and
 * writes in flight at once over the same pages. (Not the writes' guard: a write of 600 rows costs
 * the same 15 ms with 600 or 4,000 rows in `processing`.)
 */
const MAX_PREFETCH = 500;
/** Held rows beyond those being categorized cover this much work, so claims never starve the categorizer. */
const PREFETCH_SECONDS = 0.5;
/**
 * A claim waits for held rows to come back for about this long at most (judged by the categorizer's
 * speed), up to a quarter of what the process holds: at latency 0 it then claims hundreds of rows
 * at once instead of the few a write has just freed (PostgreSQL's CPU per 1,000 rows enriched fell
 * from 73 to 61 ms), and behind a slow categorizer it never waits.
 */
const CLAIM_WAIT_SECONDS = 0.01;
/** Share of a lease the categorizer call may use; the rest is left for writing the result. */
const CALL_SHARE_OF_LEASE = 0.8;
/** A write that could not reach the database is tried again this often (it is guarded by claim tokens, so safe to repeat). */
const WRITE_TRIES = 3;
/** How often a result whose write found the database away is written again, while its lease lasts. */
const OUTAGE_RETRY_MS = 1_000;

/**
 * What the rows of one claim share: the moment their categorizer calls must be over, derived from
 * the lease, and one signal that aborts the calls still running then (one timer per claim, not per
 * row: at latency 0 a timer per row was a tenth of the worker's CPU, most of it garbage).
 */
interface Claim {
  callDeadline: number;
  /** When the claim's lease runs out: after it, the row may be reclaimed and its result is not written. */
  leaseEnd: number;
  signal: AbortSignal;
}

/** A job's claim of up to `limit` rows of its source, and the span it asked in. */
interface ClaimRequest {
  source: RowSource;
  limit: number;
  span: SpanContext | undefined;
}

/**
 * The use case of the jobs that enrich rows: for one time slice it claims a source's pending rows
 * in short statements, categorizes them (at most WORKER_CONCURRENCY at once) with no transaction
 * or lock open, and writes results set-based under their claim tokens. What happens next (hand the
 * rest on, stamp the batch) is the job handler's (job-handlers.ts).
 *
 * How many rows a process holds adapts to the categorizer's speed: with a slow remote model it is a
 * little more than the concurrency (rows never wait long in memory while their lease runs); with
 * a fast one it grows to MAX_PREFETCH more. Claims and writes are each one statement at a time per
 * process, for whatever its jobs have ready (group commit): the database sees a few big statements,
 * not many small ones competing.
 *
 * Fair shares: the rows a process holds go to integrations in turn, then to an integration's
 * batches in turn (the dispatcher queues a new batch's first slice at the front, so a small batch
 * of one integration starts at once behind the many batches of another). Each row's categorizer call must
 * end within its lease (less time to write), reckoned from the claim.
 */
export class EnrichClaimedRows implements JobParticipant {
  /** Rows held by this process; integrations, then their batches, take turns for them. */
  private readonly held: Slots;
  /** The span each result awaiting its write was produced under, when tracing records. */
  private readonly jobSpans = new Map<EnrichmentResult, SpanContext>();
  /** Categorizer calls in flight (WORKER_CONCURRENCY). */
  private readonly calls: Slots;
  /** Moving average of one categorizer call, in seconds; starts pessimistic. */
  private callSeconds = 0.5;
  /** The slowest recent call, in seconds: follows a slow-down at once, forgets it slowly. */
  private slowCallSeconds = 0;
  private readonly writer: Batcher<EnrichmentResult, WrittenResult>;
  /** Claims asked for while one runs, made together by the next statement. */
  private readonly claims: Batcher<ClaimRequest, { rows: ClaimedTransaction[]; claim: Claim }>;
  private readonly sliceMs: number;
  private stopping = false;
  /** Categorizer calls are cut short before the lease runs out, so a hung call cannot outlive its claim. */
  private readonly callBudgetMs: number;
  /** Rows given back untried (their lease nearly spent before a call slot came), written together. */
  private readonly giveBacks: Batcher<ClaimedTransaction, true>;
  /** Rows held per claim token, so a forced shutdown can give back what it still holds. */
  private readonly heldByClaim = new Map<string, number>();
  /** Releases of claims whose answer was lost, still running. */
  private readonly releases = new Set<Promise<void>>();
  /** Which integration each source worked here belongs to: rows are shared between integrations first. */
  private readonly integrations = new Map<string, string>();
  /** The outcome counters by the status a write left a row in, and the confidence histograms by categorizer. */
  private readonly outcomes: Map<WrittenResult['status'], { inc(): void }>;
  private readonly confidenceByCategorizer = new Map<string, { observe(value: number): void }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly categorizer: Categorizer,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: EnrichmentOptions,
  ) {
    this.calls = new Slots(options.concurrency);
    this.held = new Slots(this.heldTarget());
    this.sliceMs = options.sliceMs ?? 2_000;
    const outcome = (name: 'completed' | 'retried' | 'failed') => metrics.enrichmentsFinished.labels({ outcome: name });
    this.outcomes = new Map([
      ['completed', outcome('completed')],
      ['pending', outcome('retried')],
      ['failed', outcome('failed')],
    ]);
    this.callBudgetMs = Math.max(50, Math.floor(options.leaseMs * CALL_SHARE_OF_LEASE));
    this.writer = new Batcher(async (results) => {
      // One write serves rows of several jobs (and requests): its span links to each of their spans.
      const links = linksTo(results.map((r) => this.jobSpans.get(r)));
      for (const r of results) this.jobSpans.delete(r);
      const written = await inSpan('enrichment.write', { links, attributes: { 'lucro.rows': results.length } }, () =>
        retryTransient(() => writeResults(this.pool, results, options.maxAttempts)),
      );
      const byId = new Map(written.map((w) => [w.id, w]));
      return new Map(results.flatMap((r) => (byId.has(r.id) ? [[r, byId.get(r.id) as WrittenResult]] : [])));
    });
    this.claims = new Batcher((requests) => this.claimTogether(requests));
    this.giveBacks = new Batcher(async (rows) => {
      await retryTransient(() => releaseClaims(this.pool, [...new Set(rows.map((r) => r.claimToken))], rows.map((r) => r.id)));
      return new Map(rows.map((row) => [row, true as const]));
    });
  }

  open(): void {
    this.stopping = false;
  }

  close(): void {
    this.stopping = true;
  }

  /** Resolves once the releases of claims whose answer was lost are over. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.releases]);
  }

  /**
   * For a shutdown that cannot wait any longer: gives back every row this process still holds,
   * untried, so none waits for its lease to run out or loses an attempt. A result being written
   * at the same moment wins or finds its claim gone; the claim tokens decide.
   */
  async releaseHeld(): Promise<number> {
    const tokens = [...this.heldByClaim.keys()];
    return tokens.length === 0 ? 0 : releaseClaims(this.pool, tokens, null);
  }

  /**
   * Works one time slice on a source's rows. Resolves to `drained` when the source had no pending
   * row left and none of this slice's went back to pending; to `more` otherwise.
   */
  async workSlice(source: RowSource): Promise<'drained' | 'more'> {
    const deadline = Date.now() + this.sliceMs;
    const tasks: Array<Promise<'pending' | 'done'>> = [];
    let exhausted = false;
    try {
      const integration = await this.integrationOf(source);
      while (!this.stopping && Date.now() < deadline) {
        const granted = await this.held.acquireUpTo(MAX_CLAIM, source.subject, integration);
        if (this.stopping) {
          this.held.release(granted);
          break;
        }
        const { rows, claim } = await this.claim(source, granted);
        // One span for a claim's rows, not one per row: at latency 0 those would cost more than the work.
        const enriched = claim
          ? inGroupSpan('enrichment.categorize', { attributes: { 'lucro.job': source.subject, 'lucro.rows': rows.length } }, () =>
              rows.map((row) => this.enrichOne(row, claim)),
            )
          : [];
        for (const task of enriched) {
          // Awaited after the loop; until then a failure (the database gone) must not count as unhandled.
          task.catch(() => {});
          tasks.push(task);
        }
        if (rows.length < granted) {
          exhausted = true;
          break;
        }
      }
    } catch (error) {
      // Rows already claimed are finished (or left to their lease) before the job gives up.
      await Promise.allSettled(tasks);
      throw error;
    }

    const outcomes = await Promise.all(tasks);
    return exhausted && !outcomes.includes('pending') ? 'drained' : 'more';
  }

  private async integrationOf(source: RowSource): Promise<string> {
    let integration = this.integrations.get(source.subject);
    if (integration === undefined) {
      integration = String((await source.findIntegration(this.pool)) ?? '');
      // Sources finish; a bounded memory forgets them all at once now and then.
      if (this.integrations.size >= 10_000) this.integrations.clear();
      this.integrations.set(source.subject, integration);
    }
    return integration;
  }

  /** How many rows to hold: those being categorized plus PREFETCH_SECONDS of work, at most MAX_PREFETCH rows of it. */
  private heldTarget(): number {
    const { concurrency } = this.options;
    const prefetch = Math.ceil((concurrency * PREFETCH_SECONDS) / Math.max(this.callSeconds, 1e-4));
    return concurrency + Math.min(MAX_PREFETCH, prefetch);
  }

  private observeCall(seconds: number): void {
    this.callSeconds = this.callSeconds * 0.95 + seconds * 0.05;
    this.slowCallSeconds = Math.max(seconds, this.slowCallSeconds * 0.99);
    const target = this.heldTarget();
    // Resizing on every call would be noise; a change of a tenth is worth acting on.
    if (Math.abs(target - this.held.size) > this.held.size / 10) this.held.resize(target);
    const comingBack = Math.floor((CLAIM_WAIT_SECONDS * this.options.concurrency) / Math.max(this.callSeconds, 1e-6));
    this.held.minGrant = Math.max(1, Math.min(Math.floor(this.held.size / 4), comingBack));
  }

  /** Claims up to `granted` rows (with the other claims of this process, `claimTogether`); the slots of rows not claimed are given back at once. */
  private async claim(source: RowSource, granted: number): Promise<{ rows: ClaimedTransaction[]; claim?: Claim }> {
    try {
      const got = (await this.claims.add({ source, limit: granted, span: activeSpanContext() })) ?? { rows: [] };
      this.held.release(granted - got.rows.length);
      return got;
    } catch (error) {
      this.held.release(granted);
      throw error;
    }
  }

  /**
   * One claim statement for every claim the jobs of this process asked for meanwhile (group
   * commit, like the writes): a process has one claim in flight, not one per job. Claims of the
   * same owner (lanes of one batch) become one, so they never compete for its rows in one
   * statement; its rows go to them in turn, each up to what it asked for. Each row's call
   * deadline is reckoned from before the statement was sent, so it falls before the lease the
   * server sets, whatever the clocks say.
   */
  private async claimTogether(requests: ClaimRequest[]): Promise<Map<ClaimRequest, { rows: ClaimedTransaction[]; claim: Claim }>> {
    const owners = new Map<string, { wanted: ClaimWanted; requests: ClaimRequest[] }>();
    for (const request of requests) {
      const { owner } = request.source;
      const key = owner.batchId ?? `reenrichment ${owner.reenrichmentId}`;
      const same = owners.get(key);
      if (same) {
        same.wanted.limit += request.limit;
        same.requests.push(request);
      } else {
        owners.set(key, { wanted: { owner, limit: request.limit }, requests: [request] });
      }
    }
    const groups = [...owners.values()];
    const started = performance.now();
    const sentAt = Date.now();
    const signal = AbortSignal.timeout(this.callBudgetMs);
    // Each call in flight may listen to this one signal (a latency timer, a fetch): up to the
    // concurrency's calls, a couple of listeners each, is expected, not a leak.
    setMaxListeners(10 + 2 * this.options.concurrency, signal);
    const claim: Claim = { callDeadline: sentAt + this.callBudgetMs, leaseEnd: sentAt + this.options.leaseMs, signal };
    const claimToken = randomUUID();
    // The statement serves several jobs: its span links to each of their spans.
    const links = linksTo(requests.map((r) => r.span));
    try {
      const rows = await inSpan(
        'enrichment.claim',
        { links, attributes: { 'lucro.jobs': requests.length, 'lucro.limit': groups.reduce((sum, group) => sum + group.wanted.limit, 0) } },
        () => claimPendingOf(this.pool, groups.map((group) => group.wanted), this.options.leaseMs, claimToken),
      );
      if (rows.length > 0) this.heldByClaim.set(claimToken, rows.length);
      const got = new Map(requests.map((request) => [request, { rows: [] as ClaimedTransaction[], claim }]));
      const turn = groups.map(() => 0);
      for (const row of rows) {
        const group = groups[row.wanted] as (typeof groups)[number];
        let at = turn[row.wanted] as number;
        while (at < group.requests.length - 1 && (got.get(group.requests[at] as ClaimRequest)?.rows.length ?? 0) >= (group.requests[at] as ClaimRequest).limit) at += 1;
        turn[row.wanted] = at;
        got.get(group.requests[at] as ClaimRequest)?.rows.push(row);
      }
      return got;
    } catch (error) {
      this.releaseLostClaim(claimToken, sentAt);
      throw error;
    } finally {
      this.metrics.claimLatency.observe((performance.now() - started) / 1000);
    }
  }

  /**
   * The claim may have committed although its answer never came (the connection dropped, the
   * client stopped waiting): its rows would sit in `processing` with no one to finish them until
   * the lease ran out, and lose an attempt. They are given back by the claim's token. The server
   * gives a statement up before the client stops waiting (src/infra/db.ts), so the claim is over
   * by now; once more a second later for a commit that was in flight, and on while the database
   * cannot be reached, until the lease would have freed them anyway.
   */
  private releaseLostClaim(claimToken: string, sentAt: number): void {
    const release = (async () => {
      for (let attempt = 0; Date.now() < sentAt + this.options.leaseMs; attempt++) {
        try {
          const released = await releaseClaims(this.pool, [claimToken], null);
          if (released > 0) this.logger.warn({ claim_token: claimToken, released }, 'gave back the rows of a claim whose answer was lost');
          if (released > 0 || attempt >= 1) return;
        } catch {
          // Unreachable for now: try again.
        }
        await sleep(Math.min(1_000 * 2 ** attempt, 10_000));
      }
    })();
    this.releases.add(release);
    void release.finally(() => this.releases.delete(release));
  }

  private settled(claimToken: string): void {
    const left = (this.heldByClaim.get(claimToken) ?? 1) - 1;
    if (left > 0) this.heldByClaim.set(claimToken, left);
    else this.heldByClaim.delete(claimToken);
  }

  /**
   * Below this much time left before its call deadline, a row is given back rather than called:
   * more than a slow recent call takes, but never so much that a freshly claimed row is not called.
   */
  private minCallMs(): number {
    return Math.min(this.callBudgetMs / 2, Math.max(50, 1_500 * this.slowCallSeconds));
  }

  /**
   * Categorizes one claimed row and commits its result once; resolves to where the row went. Its
   * held slot is given back when it settles, whichever way.
   */
  private async enrichOne(row: ClaimedTransaction, claim: Claim): Promise<'pending' | 'done'> {
    try {
      await this.calls.acquireUpTo(1);
      // Rows wait here for a call slot while their lease runs: one whose lease is nearly spent is
      // given back untried rather than called, reclaimed and called again with its result thrown away.
      const budgetMs = claim.callDeadline - Date.now();
      if (budgetMs < this.minCallMs()) {
        this.calls.release(1);
        await this.giveBacks.add(row);
        this.logger.debug({ ...logFields(row), budget_ms: budgetMs }, 'lease nearly spent before a call slot came; row given back');
        return 'pending';
      }
      const result = await this.categorizeOne(row, claim.signal);
      const span = activeSpanContext();
      if (span) this.jobSpans.set(result, span);
      const written = await this.writeWhileLeased(result, claim);
      if (!written) {
        // Most often a person's correction, a removal or a modification that took the row meanwhile
        // (their write wins); a lease that ran out is logged where it is reclaimed.
        this.logger.info(logFields(row), 'result discarded: the row was corrected, removed, modified or reclaimed while it was enriched');
        return 'done';
      }
      this.outcomes.get(written.status)?.inc();
      if (this.logger.isLevelEnabled('debug')) this.logger.debug({ ...logFields(row), status: written.status }, 'transaction enriched');
      return written.status === 'pending' ? 'pending' : 'done';
    } finally {
      this.held.release(1);
      this.settled(row.claimToken);
    }
  }

  /**
   * Commits a row's result. While the database cannot be reached, it tries again every
   * OUTAGE_RETRY_MS for as long as the claim's lease lasts: a row held when the database dropped is
   * done as soon as it is back, instead of waiting out its lease for the scheduler to hand it out
   * again (and losing an attempt). The claim token still decides whether the write counts.
   */
  private async writeWhileLeased(result: EnrichmentResult, claim: Claim): Promise<WrittenResult | undefined> {
    for (;;) {
      try {
        return await this.writer.add(result);
      } catch (error) {
        if (!isDatabaseAway(error) || this.stopping || Date.now() + OUTAGE_RETRY_MS >= claim.leaseEnd) throw error;
        await sleep(OUTAGE_RETRY_MS);
      }
    }
  }

  /** The categorizer's answer for a row holding a call slot, or the error to record; gives the slot back. */
  private async categorizeOne(row: ClaimedTransaction, signal: AbortSignal): Promise<EnrichmentResult> {
    const started = performance.now();
    try {
      const answer = await this.categorizer.categorize(
        {
          transactionId: row.transactionId,
          accountId: String(row.accountId),
          integrationId: row.integrationId,
          date: row.date,
          amount: row.amount,
          currency: row.currency,
          merchantName: row.merchantName,
          description: row.description,
          mcc: row.mcc,
          learningVersion: row.learningVersion,
        },
        signal,
      );
      if (!isCategory(answer.category)) throw new Error(`categorizer returned unknown category "${answer.category}"`);
      const confidence = Math.min(1, Math.max(0, Number.isFinite(answer.confidence) ? answer.confidence : 0));
      this.confidenceOf(answer.source).observe(confidence);
      return { id: row.id, claimToken: row.claimToken, category: answer.category, confidence, source: answer.source, version: this.categorizer.version };
    } catch (error) {
      // The claim's deadline aborts a call that would outlast the lease: say so, not "aborted".
      const message = signal.aborted
        ? `the categorizer did not answer within ${this.callBudgetMs} ms, the part of the ${this.options.leaseMs} ms lease a call may take`
        : error instanceof Error
          ? error.message
          : String(error);
      // A call cut at its deadline is an expected outcome, said in one line; anything else keeps its stack.
      this.logger.warn({ ...logFields(row), attempt: row.attempts, ...(signal.aborted ? { error: message } : { err: error }) }, 'categorizer failed');
      return { id: row.id, claimToken: row.claimToken, error: message.slice(0, 1_000) || 'categorizer failed' };
    } finally {
      this.calls.release(1);
      const seconds = (performance.now() - started) / 1000;
      this.metrics.enrichmentDuration.observe(seconds);
      this.observeCall(seconds);
    }
  }

  /** The confidence histogram of the categorizer that answered (the prefix of its source), looked up once per categorizer. */
  private confidenceOf(source: string): { observe(value: number): void } {
    const cut = source.indexOf(':');
    const categorizer = cut < 0 ? source : source.slice(0, cut);
    let histogram = this.confidenceByCategorizer.get(categorizer);
    if (!histogram) {
      histogram = this.metrics.categorizationConfidence.labels({ categorizer });
      this.confidenceByCategorizer.set(categorizer, histogram);
    }
    return histogram;
  }
}

/** Span links to each distinct span of the jobs a statement served. */
function linksTo(spans: Array<SpanContext | undefined>): Array<{ context: SpanContext }> {
  return [...new Set(spans)].flatMap((context) => (context ? [{ context }] : []));
}

/** What a row's log lines say of it; built only when a line is written. */
function logFields(row: ClaimedTransaction): { batch_id: string; transaction_id: string } {
  return { batch_id: row.batchId, transaction_id: row.transactionId };
}

/**
 * Runs a statement again when the database could not be reached or chose it as a deadlock's victim,
 * a few times with a short pause. Without it, a deadlock between two workers' writes (their rollup
 * upserts) left the rows in `processing` until their leases expired, each losing an attempt.
 */
async function retryTransient<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= WRITE_TRIES || !(isConnectionError(error) || isRetryableConflict(error))) throw error;
      await sleep(300 * attempt);
    }
  }
}
