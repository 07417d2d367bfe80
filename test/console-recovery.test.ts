import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request, Route } from 'playwright-core';
import { changingAnswers, signedInConsole, type Browser } from './helpers/browser.js';
import { pushBatch, untilBatchesEnriched } from './helpers/console-api.js';
import { createTestContext, type TestContext } from './helpers/context.js';

// How the console comes through an outage: an answer that fails once (a 503, a lost connection)
// shows its error, and the page carries on by itself once the API answers again.

let ctx: TestContext;
let browser: Browser;
let base: string;
let key: string;
let batchId: string;
const pageErrors: string[] = [];

const UNAVAILABLE = { type: 'urn:lucro:problem:service_unavailable', title: 'Service unavailable', status: 503, detail: 'The database is unreachable; retry shortly.', code: 'service_unavailable' };

/** The answer `failing` gives: an HTTP answer, or "abort" to drop the connection (the browser's "Failed to fetch"). */
type Failure = { status: number; headers?: Record<string, string>; json: unknown } | { status: number; headers?: Record<string, string>; contentType: string; body: string } | 'abort';

const TOO_MANY = { type: 'urn:lucro:problem:rate_limited', title: 'Too many requests', status: 429, detail: 'Too many requests; slow down.', code: 'rate_limited' };

/** Whether `url` is `path` (or, for a RegExp, its path and query match it). */
const isAt = (path: string | RegExp, url: URL) => (typeof path === 'string' ? url.pathname === path : path.test(`${url.pathname}${url.search}`));

/**
 * Answers the first `times` GET requests whose path is `path` (or whose path and query match it) with `failure` (the
 * database's 503 unless told); the rest reach the server. Returns what undoes it.
 */
async function failing(path: string | RegExp, times: number, failure: Failure = { status: 503, json: UNAVAILABLE }): Promise<() => Promise<void>> {
  let left = times;
  const handler = async (route: Route) => {
    if (route.request().method() !== 'GET' || left <= 0) return route.fallback();
    left -= 1;
    if (failure === 'abort') return route.abort('connectionrefused');
    return route.fulfill({ contentType: 'application/problem+json', ...failure });
  };
  const matches = (url: URL) => isAt(path, url);
  await browser.page.route(matches, handler);
  return () => browser.page.unroute(matches, handler);
}

/** T-1 of ACC-RECOVER corrected (locked) through the API, its page open: the "Unlock" button it shows. */
async function lockedTransactionPage() {
  const locked = await fetch(`${base}/api/accounts/ACC-RECOVER/transactions/T-1`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ category: 'GENERAL_SERVICES' }),
  });
  expect(locked.status).toBe(200);
  await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/transactions/T-1`);
  const unlock = browser.page.getByRole('button', { name: 'Unlock and enrich again' });
  await unlock.waitFor();
  return unlock;
}

/** When the page asks for `path` (GET, matched as `failing` matches), in ms, from now until `stop`. */
function asked(path: string | RegExp): { times: number[]; stop(): void } {
  const times: number[] = [];
  const listener = (request: Request) => {
    if (request.method() === 'GET' && isAt(path, new URL(request.url()))) times.push(Date.now());
  };
  browser.page.on('request', listener);
  return { times, stop: () => browser.page.off('request', listener) };
}

/** How long the page waited, in ms, between the read that was refused (the first of `times`) and the next. */
const waitAfterRefusal = (times: number[]) => (times[1] ?? Number.NaN) - (times[0] ?? Number.NaN);

/**
 * ACC-RECOVER's page open, its figures for a range starting 1 November answered 2 s late:
 * `lateAnswers` settles once both (summary, monthly) have come; `restore` undoes the delay.
 */
async function accountWithFirstRangeLate(): Promise<{ lateAnswers: Promise<unknown>; restore: () => Promise<void> }> {
  await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
  await browser.page.locator('[data-field="total_transactions"][data-value="2"]').waitFor();
  const firstRange = (url: URL) => url.pathname.startsWith('/api/reports/account/ACC-RECOVER/') && url.searchParams.get('start_date') === '2026-11-01';
  const late = async (route: Route) => {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await route.fallback();
  };
  await browser.page.route(firstRange, late);
  const lateAnswers = Promise.all(['summary', 'monthly'].map((report) => browser.page.waitForResponse((response) => firstRange(new URL(response.url())) && response.url().includes(`/${report}?`))));
  return { lateAnswers, restore: () => browser.page.unroute(firstRange, late) };
}

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.container.worker.start();
  base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  key = await ctx.key(['ingest', 'reports']);
  batchId = await pushBatch(base, key, {
    account: { account_id: 'ACC-RECOVER', currency: 'ZAR' },
    transactions: [
      { transaction_id: 'T-1', date: '2026-11-01', amount: '-10.00', merchant_name: 'Netflix' },
      { transaction_id: 'T-2', date: '2026-11-02', amount: '-310.00', merchant_name: 'Zqx Holdings', description: 'ZQX HOLDINGS 5521' },
    ],
  });
  await untilBatchesEnriched(base, key);
  browser = await signedInConsole(base, key, (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
});

describe('the console through a passing outage, in headless Chromium against a running server', () => {
  it('when one read of a batch answers 503, then its page says so and, once the API answers again, shows the batch completed with its transactions', async () => {
    const restore = await failing(`/api/batches/${batchId}`, 1);
    try {
      await browser.page.goto(`${base}/console/#/batches/${batchId}`);
      await browser.page.getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.locator('[data-field="status"]').getByText('completed').waitFor();
      expect(await browser.page.getByText('The database is unreachable; retry shortly.').count()).toBe(0);
      await browser.page.getByRole('region', { name: 'Transactions of the batch' }).getByText('Zqx Holdings', { exact: true }).waitFor();
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when one read of a completed batch\'s transactions answers 503, then the page says so and shows them once the API answers again', async () => {
    // From another page: the batch's own address again would be no navigation at all.
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    const restore = await failing(`/api/batches/${batchId}/transactions`, 1);
    try {
      await browser.page.goto(`${base}/console/#/batches/${batchId}`);
      await browser.page.getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByRole('region', { name: 'Transactions of the batch' }).getByText('Zqx Holdings', { exact: true }).waitFor();
      expect(await browser.page.getByText('The database is unreachable; retry shortly.').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a batch\'s transactions cannot be read (503, retry in an hour), then the list says so with Retry, and "Retry" shows them', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    const restore = await failing(`/api/batches/${batchId}/transactions`, 1, { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/batches/${batchId}`);
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByText('Trying again in 3600 s.').waitFor();
      await browser.page.locator('[data-field="status"]').getByText('completed').waitFor();
      await browser.page.getByRole('button', { name: 'Retry' }).click();
      await browser.page.getByRole('region', { name: 'Transactions of the batch' }).getByText('Zqx Holdings', { exact: true }).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the batches list cannot be read for a moment (the connection lost), then it says the API cannot be reached and the list comes back by itself', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    const row = browser.page.locator(`tr[data-batch-id="${batchId}"]`);
    await row.waitFor();
    const restore = await failing('/api/batches', 1, 'abort');
    try {
      // Said in the user's words, not the browser's "Failed to fetch", with when it is read again (the list's pace).
      await browser.page.getByRole('alert').getByText('The Lucro API cannot be reached.', { exact: true }).waitFor();
      expect(await browser.page.getByText('Trying again in 2 s.').count()).toBe(1);
      await row.waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a proxy in front of the API answers 502 with its own HTML page, then the page says the API answered 502 from a proxy, and loads by itself', async () => {
    const restore = await failing('/api/webhooks', 1, { status: 502, headers: { 'retry-after': '1' }, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    try {
      await browser.page.goto(`${base}/console/#/webhooks`);
      await browser.page.getByRole('alert').getByText('The API answered 502 from a proxy.', { exact: true }).waitFor();
      expect(await browser.page.getByText('Trying again in 1 s.').count()).toBe(1);
      await browser.page.getByText('No webhook endpoints. Create one with POST /api/webhooks.').waitFor();
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when re-reading the batches list is refused (503, retry in an hour), then the list says so with Retry, and "Retry" brings it back', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    const row = browser.page.locator(`tr[data-batch-id="${batchId}"]`);
    await row.waitFor();
    const restore = await failing('/api/batches', 1, { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE });
    try {
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByText('Trying again in 3600 s.').waitFor();
      expect(await row.count()).toBe(0);
      await browser.page.getByRole('button', { name: 'Retry' }).click();
      await row.waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when reading a re-enrichment\'s progress fails once, then the review page says so, follows it to the end, and "Re-enrich this account" works again', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/review`);
    const reenrich = browser.page.getByRole('button', { name: 'Re-enrich this account' });
    const restore = await failing(/^\/api\/reenrichments\//, 1);
    try {
      await reenrich.click();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByText(/^Re-enrichment completed: 2 of 2\.$/).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await reenrich.isEnabled()).toBe(true);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when following a re-enrichment, and then reading the queue again, are refused (503, retry in an hour), then each says so with Retry, and "Retry" carries on to the end', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/review`);
    const grid = browser.page.getByRole('grid', { name: 'Transactions to review' });
    await grid.locator('tr[data-transaction-id="T-2"]').waitFor();
    const hourly = { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE };
    const restoreProgress = await failing(/^\/api\/reenrichments\//, 1, hourly);
    // The queue's own read (a thousand at a time), made again once the re-enrichment is done.
    const restoreQueue = await failing(/^\/api\/accounts\/ACC-RECOVER\/transactions\?.*limit=1000/, 1, hourly);
    try {
      await browser.page.getByRole('button', { name: 'Re-enrich this account' }).click();
      const status = browser.page.getByRole('status').filter({ hasText: 'The database is unreachable; retry shortly.' });
      await status.getByText('Trying again in 3600 s.').waitFor();
      await status.getByRole('button', { name: 'Retry' }).click();
      await browser.page.getByText(/^Re-enrichment completed: 2 of 2\.$/).waitFor();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await grid.count()).toBe(0);
      await browser.page.getByRole('button', { name: 'Retry' }).click();
      await grid.locator('tr[data-transaction-id="T-2"]').waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restoreQueue();
      await restoreProgress();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when reading a transaction fails once after "Unlock", then its page says so and goes on to show what enrichment decided', async () => {
    const unlock = await lockedTransactionPage();
    const restore = await failing('/api/accounts/ACC-RECOVER/transactions/T-1', 1);
    try {
      await unlock.click();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByText(/^Enriched again: ENTERTAINMENT/).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when an account\'s page is refused with 429 and Retry-After, then it keeps its heading, says why with a Retry button, and loads by itself after the wait', async () => {
    const tooMany = { type: 'urn:lucro:problem:rate_limited', title: 'Too many requests', status: 429, detail: 'Too many requests; slow down.', code: 'rate_limited' };
    const restore = await failing('/api/accounts/ACC-RECOVER/transactions', 1, { status: 429, headers: { 'retry-after': '1' }, json: tooMany });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
      await browser.page.getByRole('alert').getByText('Too many requests; slow down.').waitFor();
      expect(await browser.page.getByRole('heading', { level: 1 }).textContent()).toBe('Account ACC-RECOVER');
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      await browser.page.getByRole('link', { name: 'Open the review queue' }).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a review queue cannot load (503, retry in an hour), then it keeps its heading and "Retry" loads it now', async () => {
    const restore = await failing('/api/accounts/ACC-RECOVER/transactions', 1, { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/review`);
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await browser.page.getByRole('heading', { level: 1 }).textContent()).toBe('Review queue: ACC-RECOVER');
      await browser.page.getByRole('button', { name: 'Retry' }).click();
      await browser.page.getByRole('button', { name: 'Re-enrich this account' }).waitFor();
      expect(await browser.page.getByRole('heading', { level: 1 }).textContent()).toBe('Review queue: ACC-RECOVER');
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the webhooks page cannot load for a moment (503, Retry-After 1), then it shows the error with Retry and loads by itself', async () => {
    const restore = await failing('/api/webhooks', 1, { status: 503, headers: { 'retry-after': '1' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/webhooks`);
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      await browser.page.getByText('No webhook endpoints. Create one with POST /api/webhooks.').waitFor();
      expect(await browser.page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a transaction cannot load, then the error and Retry are right under its heading, not below the page\'s empty parts', async () => {
    const restore = await failing('/api/accounts/ACC-RECOVER/transactions/T-2', 1, { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/transactions/T-2`);
      await browser.page.locator('h1 + [role="alert"]').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByRole('button', { name: 'Retry' }).click();
      await browser.page.getByRole('button', { name: 'Correct' }).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a review queue\'s transactions cannot be read for a moment, then the page says so with Retry under its heading, and the queue comes by itself', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    // The queue's own read (a thousand at a time), not the check that the account exists.
    const restore = await failing(/^\/api\/accounts\/ACC-RECOVER\/transactions\?.*limit=1000/, 1, { status: 503, headers: { 'retry-after': '1' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/review`);
      await browser.page.locator('h1 + [role="alert"]').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      await browser.page.getByRole('grid', { name: 'Transactions to review' }).locator('tr[data-transaction-id="T-2"]').waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a page is slow to answer, then it says it is loading until it is shown', async () => {
    const slowly = (url: URL) => url.pathname === '/api/accounts/ACC-RECOVER/transactions';
    const handler = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.fallback();
    };
    await browser.page.route(slowly, handler);
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
      await browser.page.getByRole('status').getByText('Loading…').waitFor();
      await browser.page.getByRole('link', { name: 'Open the review queue' }).waitFor();
      // The notice goes once the whole page is shown (its transactions list is read slowly too).
      await expect.poll(() => browser.page.getByText('Loading…').count(), { timeout: 10_000 }).toBe(0);
      await browser.page.getByRole('region', { name: 'Transactions of ACC-RECOVER, newest first' }).getByText('Netflix').waitFor();
    } finally {
      await browser.page.unroute(slowly, handler);
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the API refuses a search as invalid, then the page shows which field and what is wrong with it, not only the summary', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
    await browser.page.getByRole('region', { name: 'Transactions of ACC-RECOVER, newest first' }).waitFor();
    await browser.page.locator('#tx-search').fill('x'.repeat(201));
    const refusal = browser.page.getByRole('alert');
    await refusal.getByText('q must be 1–200 characters of text to search for.').waitFor();
    expect(await refusal.getByRole('listitem').allTextContents()).toEqual(['q: must be 1–200 characters, not only spaces']);
    expect(pageErrors).toEqual([]);
  });

  it('when an account\'s summary cannot be read for a moment (503, Retry-After 1), then the summary says so with Retry and its cards come by themselves', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    const restore = await failing('/api/reports/account/ACC-RECOVER/summary', 1, { status: 503, headers: { 'retry-after': '1' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      // The rest of the page is there: only the summary failed, and its Retry is where its cards go.
      await browser.page.getByRole('region', { name: 'Transactions of ACC-RECOVER, newest first' }).getByText('Netflix').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      await browser.page.locator('[data-field="total_transactions"][data-value="2"]').waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a second range is applied while the first is still being read, then the summary and charts show the second range, not the first range\'s late answer', async () => {
    // The first range's figures (1 November: 10.00 spent) come 2 s late; the second's (2 November: 310.00) at once.
    const { lateAnswers, restore } = await accountWithFirstRangeLate();
    try {
      const apply = async (day: string) => {
        await browser.page.locator('#range-start').fill(day);
        await browser.page.locator('#range-end').fill(day);
        await browser.page.getByRole('button', { name: 'Apply' }).click();
      };
      await apply('2026-11-01');
      await apply('2026-11-02');
      await browser.page.locator('[data-field="total_spend"][data-value="310.00"]').waitFor();
      await lateAnswers;
      // Give the late answers the time they would take to be drawn.
      await browser.page.waitForTimeout(300);
      expect(await browser.page.locator('[data-field="total_spend"]').getAttribute('data-value')).toBe('310.00');
      await browser.page.getByRole('group').filter({ hasText: 'Spend by category' }).first().getByText('Figures').click();
      expect(await browser.page.getByRole('table', { name: 'Spend by category per month' }).innerText()).toContain('310.00');
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a range whose start is after its end is applied while the range before is still being read, then the error stays and that late answer is not drawn over it', async () => {
    const { lateAnswers, restore } = await accountWithFirstRangeLate();
    try {
      await browser.page.locator('#range-start').fill('2026-11-01');
      await browser.page.locator('#range-end').fill('2026-11-01');
      await browser.page.getByRole('button', { name: 'Apply' }).click();
      await browser.page.locator('#range-end').fill('2026-10-01');
      await browser.page.getByRole('button', { name: 'Apply' }).click();
      await browser.page.getByText('The start date is after the end date.').waitFor();
      await lateAnswers;
      await browser.page.waitForTimeout(300);
      expect(await browser.page.getByText('The start date is after the end date.').count()).toBe(1);
      expect(await browser.page.locator('[data-field="total_spend"]').count()).toBe(0);
      expect(await browser.page.locator('#chart-spend-by-category').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the figures of a newly applied range cannot be read (503, retry in an hour), then the charts of the range before are taken away with them', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
    await browser.page.locator('#chart-spend-by-category').waitFor();
    const restore = await failing(/^\/api\/reports\/account\/ACC-RECOVER\/summary\?.*start_date=2026-11-02/, 1, { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE });
    try {
      await browser.page.locator('#range-start').fill('2026-11-02');
      await browser.page.getByRole('button', { name: 'Apply' }).click();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await browser.page.locator('#chart-spend-by-category').count()).toBe(0);
      expect(await browser.page.getByText('Figures').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when figures are applied without what is still pending at the bank, then the address keeps that choice, and a reload keeps it', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
    await browser.page.locator('[data-field="total_transactions"][data-value="2"]').waitFor();
    await browser.page.locator('#range-pending').uncheck();
    await browser.page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => browser.page.url()).toContain('pending=0');
    await browser.page.reload();
    await browser.page.locator('[data-field="total_transactions"][data-value="2"]').waitFor();
    expect(await browser.page.locator('#range-pending').isChecked()).toBe(false);
  });

  it('when an account\'s transactions list cannot be read (429, retry in an hour), then the list says so with Retry, and "Retry" shows the transactions', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    const tooMany = { type: 'urn:lucro:problem:rate_limited', title: 'Too many requests', status: 429, detail: 'Too many requests; slow down.', code: 'rate_limited' };
    // The list's own read (a page of 50), not the check that the account exists.
    const restore = await failing(/^\/api\/accounts\/ACC-RECOVER\/transactions\?.*limit=50/, 1, { status: 429, headers: { 'retry-after': '3600' }, json: tooMany });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
      await browser.page.getByRole('alert').getByText('Too many requests; slow down.').waitFor();
      await browser.page.locator('[data-field="total_transactions"][data-value="2"]').waitFor();
      await browser.page.getByText('Trying again in 3600 s.').waitFor();
      await browser.page.getByRole('button', { name: 'Retry' }).click();
      await browser.page.getByRole('region', { name: 'Transactions of ACC-RECOVER, newest first' }).getByText('Netflix').waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when an account\'s transactions list loses its connection for a moment, then it says so and the list comes back by itself', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    const restore = await failing(/^\/api\/accounts\/ACC-RECOVER\/transactions\?.*limit=50/, 1, 'abort');
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
      await browser.page.getByRole('alert').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      // Without Retry-After the console waits 5 s of its own.
      await browser.page.getByRole('region', { name: 'Transactions of ACC-RECOVER, newest first' }).getByText('Netflix').waitFor({ timeout: 10_000 });
      expect(await browser.page.getByRole('alert').count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  }, 20_000);

  it('when re-reading the batches list is refused with 429 and Retry-After 3, then the list is not read again before 3 s, and comes back by itself', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    const row = browser.page.locator(`tr[data-batch-id="${batchId}"]`);
    await row.waitFor();
    const reads = asked('/api/batches');
    const restore = await failing('/api/batches', 1, { status: 429, headers: { 'retry-after': '3' }, json: TOO_MANY });
    try {
      await browser.page.getByRole('alert').getByText('Too many requests; slow down.').waitFor();
      await row.waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      // Retry-After 3 s, where it polls every 1 or 2 s.
      expect(waitAfterRefusal(reads.times)).toBeGreaterThanOrEqual(2_800);
      // And polls on from there.
      await expect.poll(() => reads.times.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    } finally {
      reads.stop();
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when re-reading a live batch is refused with 503 and Retry-After 3, then the batch is not read again before 3 s, and its page comes back by itself', async () => {
    // The batch answers "processing" for as long as this test runs, so its page keeps polling.
    const batchUrl = (url: URL) => url.pathname === `/api/batches/${batchId}`;
    const unchanged = await changingAnswers(browser.page, batchUrl, (batch) => ({ ...batch, status: 'processing' }));
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    await browser.page.goto(`${base}/console/#/batches/${batchId}`);
    await browser.page.locator('[data-field="status"]').getByText('processing').waitFor();
    const reads = asked(`/api/batches/${batchId}`);
    const restore = await failing(`/api/batches/${batchId}`, 1, { status: 503, headers: { 'retry-after': '3' }, json: UNAVAILABLE });
    try {
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.locator('[data-field="status"]').getByText('processing').waitFor();
      await browser.page.getByRole('region', { name: 'Transactions of the batch' }).getByText('Zqx Holdings', { exact: true }).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      // Retry-After 3 s, where it polls every 1 or 2 s.
      expect(waitAfterRefusal(reads.times)).toBeGreaterThanOrEqual(2_800);
      await expect.poll(() => reads.times.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    } finally {
      reads.stop();
      await restore();
      await unchanged();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when following a re-enrichment is refused with 429 and Retry-After 3, then its progress is not read again before 3 s, and it is followed to the end', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/review`);
    const reenrich = browser.page.getByRole('button', { name: 'Re-enrich this account' });
    await reenrich.waitFor();
    const reads = asked(/^\/api\/reenrichments\//);
    const restore = await failing(/^\/api\/reenrichments\//, 1, { status: 429, headers: { 'retry-after': '3' }, json: TOO_MANY });
    try {
      await reenrich.click();
      await browser.page.getByRole('alert').getByText('Too many requests; slow down.').waitFor();
      await browser.page.getByText(/^Re-enrichment completed: 2 of 2\.$/).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      // Retry-After 3 s, where it polls every 1 or 2 s.
      expect(waitAfterRefusal(reads.times)).toBeGreaterThanOrEqual(2_800);
    } finally {
      reads.stop();
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when following a transaction after "Unlock" is refused with 429 and Retry-After 3, then it is not read again before 3 s, and the page shows what enrichment decided', async () => {
    const unlock = await lockedTransactionPage();
    const reads = asked('/api/accounts/ACC-RECOVER/transactions/T-1');
    const restore = await failing('/api/accounts/ACC-RECOVER/transactions/T-1', 1, { status: 429, headers: { 'retry-after': '3' }, json: TOO_MANY });
    try {
      await unlock.click();
      await browser.page.getByRole('alert').getByText('Too many requests; slow down.').waitFor();
      await browser.page.getByText(/^Enriched again: ENTERTAINMENT/).waitFor();
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      // Retry-After 3 s, where it polls every 1 or 2 s.
      expect(waitAfterRefusal(reads.times)).toBeGreaterThanOrEqual(2_800);
    } finally {
      reads.stop();
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a transaction is removed through the API while its page is open, then Correct says why it failed and the page shows it removed, with no form left to correct it', async () => {
    await pushBatch(base, key, { account: { account_id: 'ACC-GONE', currency: 'ZAR' }, transactions: [{ transaction_id: 'G-1', date: '2026-11-03', amount: '-20.00', merchant_name: 'Netflix' }] });
    await untilBatchesEnriched(base, key);
    await browser.page.goto(`${base}/console/#/accounts/ACC-GONE/transactions/G-1`);
    await browser.page.getByRole('button', { name: 'Correct' }).waitFor();
    const removedRow = browser.page.locator('dl.fields dt:text-is("Removed") + dd');
    expect(await removedRow.innerText()).toBe('—');
    const removal = await fetch(`${base}/api/integrations/transactions/remove`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: 'ACC-GONE', transaction_ids: ['G-1'] }),
    });
    expect(removal.status).toBe(200);

    await browser.page.locator('#correct-category').selectOption('GENERAL_SERVICES');
    await browser.page.getByRole('button', { name: 'Correct' }).click();
    await browser.page.getByText('A removed transaction counts nowhere and cannot be corrected.').waitFor();
    expect(await browser.page.getByRole('button', { name: 'Correct' }).count()).toBe(0);
    expect(await removedRow.innerText()).not.toBe('—');
    // The reason stays on screen after the redraw.
    expect(await browser.page.getByRole('alert').innerText()).toBe('Transaction G-1 was removed; it cannot be corrected.');
    expect(pageErrors).toEqual([]);
  });

  it('when a transaction does not exist, then its page says only that, with no Retry and no Category section', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/transactions/T-NOWHERE`);
    const heading = browser.page.getByRole('heading', { name: 'Transaction T-NOWHERE' });
    // The page is done loading once its heading has focus (app.js moves it there last).
    await expect.poll(() => heading.evaluate((el) => el === (el.ownerDocument.activeElement as unknown))).toBe(true);
    expect(await browser.page.getByRole('alert').allTextContents()).toHaveLength(1);
    expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await browser.page.getByRole('heading', { name: 'Category' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('when a page is refused for a missing scope (403), then it says why with no Retry, and a 503 still offers Retry', async () => {
    const forbidden = { type: 'urn:lucro:problem:forbidden', title: 'Forbidden', status: 403, detail: 'This API key lacks the "reports" scope.', code: 'forbidden' };
    const restore = await failing('/api/batches', 1, { status: 403, json: forbidden });
    try {
      await browser.page.goto(`${base}/console/#/batches`);
      await browser.page.getByRole('alert').getByText('This API key lacks the "reports" scope.').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await restore();
    }
    const unavailable = await failing('/api/batches', 1, { status: 503, headers: { 'retry-after': '3600' }, json: UNAVAILABLE });
    try {
      await browser.page.goto(`${base}/console/#/accounts`);
      await browser.page.getByRole('heading', { name: 'Accounts' }).waitFor();
      await browser.page.goto(`${base}/console/#/batches`);
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    } finally {
      await unavailable();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the browser is in another time zone, then a batch\'s created and completed moments are shown in UTC, naming the zone, as the API gives them', async () => {
    const batch = (await (await fetch(`${base}/api/batches/${batchId}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { created_at: string; completed_at: string };
    const inUtc = (iso: string) => `${new Date(iso).toISOString().slice(0, 10)} ${new Date(iso).toISOString().slice(11, 19)} UTC`;
    const cdp = await browser.context.newCDPSession(browser.page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Pacific/Auckland' });
    try {
      await browser.page.goto(`${base}/console/#/batches/${batchId}`);
      const card = (label: string) => browser.page.locator('.card', { has: browser.page.locator(`dt:text-is("${label}")`) }).locator('dd');
      await card('Completed').locator('time').waitFor();
      expect(await card('Created').innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
      expect(await card('Created').innerText()).toBe(inUtc(batch.created_at));
      expect(await card('Completed').innerText()).toBe(inUtc(batch.completed_at));
    } finally {
      await cdp.send('Emulation.setTimezoneOverride', { timezoneId: '' });
      await cdp.detach();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when a key with only the reports scope corrects a transaction or re-enriches an account, then the page says plainly, beside the control, that the key can only read', async () => {
    const readOnly = await ctx.key(['reports']);
    const signIn = async (with_: string) => {
      await browser.page.goto(`${base}/console/#/signin`);
      await browser.page.getByLabel('API key').fill(with_);
      await browser.page.getByRole('button', { name: 'Sign in' }).click();
      await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    };
    await signIn(readOnly);
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/transactions/T-2`);
      await browser.page.locator('#correct-category').selectOption('GENERAL_SERVICES');
      await browser.page.getByRole('button', { name: 'Correct' }).click();
      const beforeForm = browser.page.locator('div:has(+ div form[aria-label="Correct the category"]) > [role="alert"]');
      await beforeForm.waitFor();
      expect(await beforeForm.innerText()).toBe('This key can only read: correcting a category needs a key with the ingest scope. Sign out and sign in with a key that has it.');

      await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER/review`);
      await browser.page.getByRole('button', { name: 'Re-enrich this account' }).click();
      const underButton = browser.page.locator('.pager:has(#reenrich) + [role="status"] > [role="alert"]');
      await underButton.waitFor();
      expect(await underButton.innerText()).toBe('This key can only read: re-enriching an account needs a key with the ingest scope. Sign out and sign in with a key that has it.');
    } finally {
      await signIn(key);
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the user signs out and goes Back, then the page before stays behind sign-in, and the next sign-in opens the batches, not that page', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-RECOVER`);
    await browser.page.getByRole('heading', { name: 'Account ACC-RECOVER' }).waitFor();
    await browser.page.getByRole('button', { name: 'Sign out' }).click();
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await browser.page.goBack();
    await expect.poll(() => browser.page.url()).toMatch(/#\/signin$/);
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const returnTo = () => browser.page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('lucro.console.return-to'));
    expect(await returnTo()).toBeNull();
    await browser.page.getByLabel('API key').fill(key);
    await browser.page.getByRole('button', { name: 'Sign in' }).click();
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    expect(browser.page.url()).toMatch(/#\/batches$/);
    expect(pageErrors).toEqual([]);
  });
});
