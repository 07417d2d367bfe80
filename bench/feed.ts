/**
 * The change feed (contract §12): how fast a consumer reads it with 1,000-change pages, and how long
 * a change takes from its transaction to a consumer that polls while ingestion runs at full speed.
 */
import { ensureAccounts, makeTransactions, requestBody } from './data.js';
import { ActivitySampler, type ActivityProfile, type BenchEnv } from './harness.js';
import type { IngestTarget } from './ingest.js';
import { percentile, round, since, sleep } from './stats.js';

export interface FeedSettings {
  rows: number;
}

export interface FeedResult {
  changes: number;
  /** Time from the 202 that committed a change to the page that showed it, while ingesting (ms). */
  lagMs: { p50: number; p95: number; max: number };
  /** Reading the whole feed again from the start, 1,000 changes a page, one consumer. */
  readChangesPerSecond: number;
  ingestRowsPerSecond: number;
  /** GET /api/changes round trips (ms) while ingesting and while re-reading, and pages that were full. */
  pageMs?: { ingesting: { p50: number; p95: number; pages: number; full: number }; reading: { p50: number; p95: number; pages: number } };
  /** What the database was busy with while the consumer followed the ingestion, and while it re-read. */
  activity?: Record<string, ActivityProfile>;
}

const CLIENTS = 4;
const PAGE = 1_000;

interface Page {
  changes: Array<{ account_id: string; transaction_id: string }>;
  next_cursor: string;
}

const pageTimes: number[] = [];

async function readPage(env: BenchEnv, target: IngestTarget, cursor: string | undefined): Promise<Page> {
  const started = performance.now();
  try {
    return await readPageUntimed(env, target, cursor);
  } finally {
    pageTimes.push(since(started));
  }
}

async function readPageUntimed(env: BenchEnv, target: IngestTarget, cursor: string | undefined): Promise<Page> {
  const query = `?limit=${PAGE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
  const response = await env.request('GET', target.apiPort, `/api/changes${query}`, { headers: { authorization: `Bearer ${target.key}` } });
  if (response.status !== 200) throw new Error(`GET /api/changes answered ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as Page;
}

export async function benchFeed(env: BenchEnv, target: IngestTarget, settings: FeedSettings): Promise<FeedResult> {
  const log = env.options.log;
  await env.truncate();
  // As before every round of the other phases: a checkpoint that an earlier phase's writes made due
  // (the summary loads 5M rows) does not run while the lag is measured.
  await env.pool.query('CHECKPOINT');
  const perClient = Math.max(1_000, Math.round(settings.rows / CLIENTS / 1_000) * 1_000);
  const accounts = Array.from({ length: CLIENTS }, (_, c) => `FEED-${c}`);
  await ensureAccounts(env.pool, target.integrationId, accounts);
  // Which batch each transaction id came in, to time each change from its batch's 202 (its commit).
  const batchOf = new Map<string, number>();
  const committedAt: number[] = [];
  const bodies = accounts.map((accountId, c) => {
    const transactions = makeTransactions(`F${c}`, perClient, 31 + c);
    const list: Array<{ body: Buffer; batch: number }> = [];
    for (let start = 0; start < perClient; start += 1_000) {
      const chunk = transactions.slice(start, start + 1_000);
      const batch = committedAt.push(Number.POSITIVE_INFINITY) - 1;
      for (const t of chunk) batchOf.set(`${accountId}/${t.transaction_id}`, batch);
      list.push({ body: requestBody(accountId, chunk), batch });
    }
    return list;
  });
  const total = perClient * CLIENTS;
  const start = await readPage(env, target, undefined);

  // A consumer polling every 50 ms while four clients ingest.
  const lags: number[] = [];
  pageTimes.length = 0;
  let fullPages = 0;
  const followSampler = new ActivitySampler(env);
  await followSampler.start();
  let cursor = start.next_cursor;
  let ingesting = true;
  const consumer = (async () => {
    while (lags.length < total) {
      const page = await readPage(env, target, cursor);
      const seen = performance.now();
      // A change seen before its client got the 202 was visible at once.
      for (const change of page.changes) lags.push(Math.max(0, seen - (committedAt[batchOf.get(`${change.account_id}/${change.transaction_id}`) ?? -1] ?? seen)));
      cursor = page.next_cursor;
      if (page.changes.length === PAGE) fullPages += 1;
      if (page.changes.length < PAGE) await sleep(ingesting ? 50 : 10);
    }
  })();
  const started = performance.now();
  const headers = { authorization: `Bearer ${target.key}` };
  await Promise.all(
    bodies.map(async (list) => {
      for (const { body, batch } of list) {
        const response = await env.request('POST', target.apiPort, '/api/integrations/transactions', { body, headers });
        if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${response.body.slice(0, 300)}`);
        committedAt[batch] = performance.now();
      }
    }),
  );
  const ingestSeconds = since(started) / 1000;
  ingesting = false;
  await consumer;
  const following = await followSampler.stop();
  const followPages = [...pageTimes];
  pageTimes.length = 0;
  const readSampler = new ActivitySampler(env);
  await readSampler.start();
  log(`  feed: ${total.toLocaleString('en')} changes followed while ingesting ${Math.round(total / ingestSeconds).toLocaleString('en')} rows/s`);

  // Reading it all again, page by page.
  const readStarted = performance.now();
  let read = 0;
  let readCursor: string | undefined = start.next_cursor;
  for (;;) {
    const page = await readPage(env, target, readCursor);
    read += page.changes.length;
    readCursor = page.next_cursor;
    if (page.changes.length < PAGE) break;
  }
  const readSeconds = since(readStarted) / 1000;
  const reading = await readSampler.stop();
  const stats = (list: number[]) => ({ p50: round(percentile(list, 50), 1), p95: round(percentile(list, 95), 1), pages: list.length });
  if (read !== total) throw new Error(`feed re-read ${read} changes, expected ${total}`);
  await env.truncate();
  log(`  feed: lag p50/p95 ${round(percentile(lags, 50), 0)} / ${round(percentile(lags, 95), 0)} ms; re-read ${Math.round(read / readSeconds).toLocaleString('en')} changes/s`);
  return {
    changes: total,
    lagMs: { p50: round(percentile(lags, 50), 0), p95: round(percentile(lags, 95), 0), max: round(Math.max(...lags), 0) },
    readChangesPerSecond: Math.round(read / readSeconds),
    ingestRowsPerSecond: Math.round(total / ingestSeconds),
    pageMs: { ingesting: { ...stats(followPages), full: fullPages }, reading: stats(pageTimes) },
    activity: { following, reading },
  };
}
