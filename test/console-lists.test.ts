import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Request, Route } from 'playwright-core';
import { changingAnswers, seriousAccessibilityViolations, signedInConsole, type Browser } from './helpers/browser.js';
import { pushBatch, registerWebhook, untilBatchesEnriched } from './helpers/console-api.js';
import { createTestContext, type TestContext } from './helpers/context.js';

// The console's lists (batches, accounts, a batch's transactions, the review queue, webhook deliveries)
// past their first page and at phone width; the account's own transactions list is in console.test.ts.
// The webhook endpoint is never sent to (no deliverer runs here): its deliveries stay pending.
const ARTIFACTS = 'test-artifacts';
const HOOK_URL = 'http://127.0.0.1:9/lucro-hooks';

let ctx: TestContext;
let browser: Browser;
let base: string;
let key: string;
let bigBatch: string;
let hookId: string;
const pageErrors: string[] = [];

const push = (body: unknown) => pushBatch(base, key, body);

/** The text of the element that has keyboard focus (the whole page's when focus fell to the body). */
const focusedText = () => browser.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '');
const rowsOf = (locator: Locator) => locator.locator('tbody tr').count();

const shot = (name: string) => browser.page.screenshot({ path: `${ARTIFACTS}/console-${name}.png`, fullPage: true });

/** How far the page, and each table in it, is wider than the window: 0 when nothing scrolls sideways. */
const sidewaysOverflow = () =>
  browser.page.evaluate(() => {
    const { document } = globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): Iterable<{ scrollWidth: number; clientWidth: number }> } };
    const root = document.documentElement;
    return [root, ...document.querySelectorAll('.table-wrap')].map((el) => Math.max(0, el.scrollWidth - el.clientWidth));
  });

/** Whether the element is drawn wholly inside a window `width` wide. */
async function inView(locator: Locator, width: number): Promise<boolean> {
  const box = await locator.boundingBox();
  return box !== null && box.x >= 0 && box.x + box.width <= width;
}

const UNAVAILABLE = { type: 'urn:lucro:problem:service_unavailable', title: 'Service unavailable', status: 503, detail: 'The database is unreachable; retry shortly.', code: 'service_unavailable' };

/**
 * Answers the first GET request whose path is `path` and whose query has a cursor (a "Load more", not
 * the first page nor polling) with `failure`: a 503 with `retryAfter`, or "abort" to drop the
 * connection. The rest reach the server. Returns what undoes it.
 */
async function failingOnce(path: string, failure: { retryAfter: string } | 'abort'): Promise<() => Promise<void>> {
  let left = 1;
  const matches = (url: URL) => url.pathname === path && url.searchParams.has('cursor');
  const handler = async (route: Route) => {
    if (route.request().method() !== 'GET' || left <= 0) return route.fallback();
    left -= 1;
    if (failure === 'abort') return route.abort('connectionrefused');
    return route.fulfill({ status: 503, headers: { 'retry-after': failure.retryAfter }, json: UNAVAILABLE, contentType: 'application/problem+json' });
  };
  await browser.page.route(matches, handler);
  return () => browser.page.unroute(matches, handler);
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  ctx = await createTestContext({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_SECRET_KEY: '0'.repeat(64) });
  ctx.container.worker.start();
  base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  key = await ctx.key(['ingest', 'reports']);
  hookId = await registerWebhook(base, key, HOOK_URL);
  // 101 accounts of one batch each (a second page of accounts, a third of batches), then one batch
  // of 150 transactions (two pages of them).
  for (let i = 1; i <= 101; i += 1) {
    const id = `ACC-${String(i).padStart(4, '0')}-CUSTOMER-CHEQUE`;
    await push({ account: { account_id: id, currency: 'ZAR', name: `Customer ${i} household cheque account`, institution: 'Example Bank' }, transactions: [{ transaction_id: `T-${i}`, date: '2026-11-01', amount: '-10.00', merchant_name: 'Netflix' }] });
  }
  bigBatch = await push({
    account: { account_id: 'ACC-0001-CUSTOMER-CHEQUE', currency: 'ZAR' },
    transactions: Array.from({ length: 150 }, (_, i) => ({ transaction_id: `BIG-${String(i + 1).padStart(3, '0')}`, date: '2026-11-02', amount: '-1.00', merchant_name: 'Starbucks' })),
  });
  // Two debits no rule knows, for the review queue. 103 batches in all, so 103 deliveries of batch.completed.
  await push({
    account: { account_id: 'ACC-0003-CUSTOMER-CHEQUE', currency: 'ZAR' },
    transactions: [
      { transaction_id: 'R-1', date: '2026-11-03', amount: '-310.00', merchant_name: 'Zqx Holdings', description: 'ZQX HOLDINGS 5521' },
      { transaction_id: 'R-2', date: '2026-11-04', amount: '-45.00', description: 'POS PURCHASE QWVX 0042 DURBAN' },
    ],
  });
  await untilBatchesEnriched(base, key);
  browser = await signedInConsole(base, key, (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
});

describe('the console\'s lists, in headless Chromium against a running server', () => {
  it('when older batches are loaded, then the address keeps the filter and how many pages, and a reload shows as many', async () => {
    const batches = browser.page.getByRole('region', { name: 'Batches, newest first' });
    await browser.page.locator('#batch-status').selectOption('completed');
    await expect.poll(() => browser.page.url()).toMatch(/#\/batches\?status=completed$/);
    // By keyboard: the list grows under the button, and focus stays on it.
    await browser.page.getByRole('button', { name: 'Load older batches' }).focus();
    await browser.page.keyboard.press('Enter');
    await expect.poll(() => rowsOf(batches)).toBe(100);
    expect(await focusedText()).toBe('Load older batches');
    await expect.poll(() => browser.page.url()).toMatch(/#\/batches\?status=completed&pages=2$/);

    await browser.page.reload();
    await expect.poll(() => rowsOf(batches)).toBe(100);
    expect(await browser.page.locator('#batch-status').inputValue()).toBe('completed');
    // The polling that follows keeps as many.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await rowsOf(batches)).toBe(100);
  });

  it('when more accounts are loaded, then the address keeps how many pages, and a reload shows as many', async () => {
    await browser.page.getByRole('link', { name: 'Accounts' }).click();
    const accounts = browser.page.getByRole('region', { name: 'Accounts' });
    await expect.poll(() => rowsOf(accounts)).toBe(100);
    await browser.page.getByRole('button', { name: 'Load more accounts' }).click();
    await expect.poll(() => rowsOf(accounts)).toBe(101);
    expect(browser.page.url()).toMatch(/#\/accounts\?pages=2$/);

    await browser.page.reload();
    await expect.poll(() => rowsOf(accounts)).toBe(101);
    expect(await browser.page.getByRole('button', { name: 'Load more accounts' }).count()).toBe(0);
  });

  it('when older webhook deliveries are loaded, then the address keeps the endpoint and how many pages, and a reload shows as many', async () => {
    await browser.page.getByRole('link', { name: 'Webhooks' }).click();
    await browser.page.getByRole('button', { name: `Show deliveries to ${HOOK_URL}` }).click();
    const deliveries = browser.page.getByRole('region', { name: `Deliveries to ${HOOK_URL}` });
    await expect.poll(() => rowsOf(deliveries)).toBe(50);
    await expect.poll(() => browser.page.url()).toMatch(new RegExp(`#/webhooks\\?webhook=${hookId}$`));
    // By keyboard: the list grows under the button, and focus stays on it.
    await browser.page.getByRole('button', { name: 'Load older deliveries' }).focus();
    await browser.page.keyboard.press('Enter');
    await expect.poll(() => rowsOf(deliveries)).toBe(100);
    expect(await focusedText()).toBe('Load older deliveries');
    await expect.poll(() => browser.page.url()).toMatch(new RegExp(`#/webhooks\\?webhook=${hookId}&pages=2$`));

    await browser.page.reload();
    await expect.poll(() => rowsOf(deliveries)).toBe(100);
    // The polling that follows keeps as many.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await rowsOf(deliveries)).toBe(100);
    // The last page: the oldest delivery is shown, and there is nothing older to load.
    await browser.page.getByRole('button', { name: 'Load older deliveries' }).click();
    await expect.poll(() => rowsOf(deliveries)).toBe(103);
    expect(await browser.page.getByRole('button', { name: 'Load older deliveries' }).count()).toBe(0);
    await expect.poll(() => browser.page.url()).toMatch(new RegExp(`#/webhooks\\?webhook=${hookId}&pages=3$`));
    expect(pageErrors).toEqual([]);
  });

  it('when a later page of a batch\'s transactions is reloaded, then that page is shown', async () => {
    const rows = browser.page.getByRole('region', { name: 'Transactions of the batch' });
    await browser.page.goto(`${base}/console/#/batches/${bigBatch}`);
    await browser.page.getByText('Page 1').waitFor();
    await browser.page.getByRole('button', { name: 'Next page' }).click();
    await browser.page.getByText('Page 2').waitFor();
    expect(await rowsOf(rows)).toBe(50);
    const address = browser.page.url();
    expect(address).toMatch(new RegExp(`#/batches/${bigBatch}\\?page=2&cursor=[\\w-]+$`));

    await browser.page.reload();
    await browser.page.getByText('Page 2').waitFor();
    expect(await rowsOf(rows)).toBe(50);
    expect(await rows.locator('tbody tr').first().textContent()).toContain('BIG-101');
    await browser.page.getByRole('button', { name: 'Previous page' }).click();
    await browser.page.getByText('Page 1').waitFor();
    expect(await rowsOf(rows)).toBe(100);
  });

  it('when a batch is still processing, then re-reading it keeps the page the user is on', async () => {
    // The batch answers "processing" for as long as this test runs, so the page keeps polling.
    const batchUrl = (url: URL) => url.pathname === `/api/batches/${bigBatch}`;
    const unchanged = await changingAnswers(browser.page, batchUrl, (batch) => ({ ...batch, status: 'processing' }));
    let reads = 0;
    const countReads = (request: { url(): string }) => {
      if (new URL(request.url()).pathname === `/api/batches/${bigBatch}/transactions`) reads += 1;
    };
    browser.page.on('request', countReads);
    try {
      await browser.page.goto(`${base}/console/#/batches`);
      await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
      await browser.page.goto(`${base}/console/#/batches/${bigBatch}`);
      await browser.page.getByText('Page 1').waitFor();
      await expect.poll(() => reads, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await browser.page.locator('.pager span').textContent()).toBe('Page 1');
      expect(await rowsOf(browser.page.getByRole('region', { name: 'Transactions of the batch' }))).toBe(100);
      expect(browser.page.url()).toMatch(new RegExp(`#/batches/${bigBatch}$`));
      expect(pageErrors).toEqual([]);
    } finally {
      browser.page.off('request', countReads);
      await unchanged();
    }
  });

  it('when the window is phone-wide, then the batches and accounts lists fit without sideways scrolling and keep their important columns in view', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    try {
      await browser.page.goto(`${base}/console/#/batches`);
      const batch = browser.page.locator(`tr[data-batch-id="${bigBatch}"]`);
      await batch.waitFor();
      expect(await sidewaysOverflow()).toEqual([0, 0]);
      for (const cell of [batch.getByRole('link', { name: bigBatch.slice(0, 8) }), batch.getByRole('link', { name: 'ACC-0001-CUSTOMER-CHEQUE' }), batch.getByText('completed', { exact: true }), batch.getByText('150/150')]) {
        expect(await inView(cell, 390), `${await cell.textContent()} in view`).toBe(true);
      }
      expect(await seriousAccessibilityViolations(browser.page)).toEqual([]);
      await shot('batches-phone');

      await browser.page.goto(`${base}/console/#/accounts`);
      const account = browser.page.locator('tr[data-account-id="ACC-0001-CUSTOMER-CHEQUE"]');
      await account.waitFor();
      expect(await sidewaysOverflow()).toEqual([0, 0]);
      for (const cell of [account.getByRole('link', { name: 'ACC-0001-CUSTOMER-CHEQUE' }), account.getByText('Customer 1 household cheque account'), account.getByText('ZAR', { exact: true }), account.getByText('151 transactions')]) {
        expect(await inView(cell, 390), `${await cell.textContent()} in view`).toBe(true);
      }
      // One is one transaction.
      expect(await inView(browser.page.locator('tr[data-account-id="ACC-0002-CUSTOMER-CHEQUE"]').getByText('1 transaction', { exact: true }), 390)).toBe(true);
      expect(await seriousAccessibilityViolations(browser.page)).toEqual([]);
      await shot('accounts-phone');
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the window is phone-wide, then each row of the review queue is a card with its correction in view, and a correction made there is saved', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-0003-CUSTOMER-CHEQUE/review`);
      const row = browser.page.getByRole('grid', { name: 'Transactions to review' }).locator('tr[data-transaction-id="R-1"]');
      await row.waitFor();
      expect(await sidewaysOverflow()).toEqual([0, 0]);
      const category = row.getByRole('combobox');
      const save = row.getByRole('button', { name: 'Save' });
      for (const cell of [row.getByText('Zqx Holdings', { exact: true }), row.getByText('−310.00 ZAR'), row.locator('td').filter({ hasText: 'rules:none' }), category, save]) {
        expect(await inView(cell, 390), `${await cell.textContent()} in view`).toBe(true);
      }
      expect(await seriousAccessibilityViolations(browser.page)).toEqual([]);
      await shot('review-phone');
      await category.selectOption('GENERAL_SERVICES');
      await save.click();
      await browser.page.locator('tr[data-transaction-id="R-1"][data-corrected="true"]').waitFor();
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(pageErrors).toEqual([]);
  });

  it('when loading older batches fails for a moment (503, Retry-After 1), then the error and Retry stay where the button was, and the older batches come by themselves', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    const batches = browser.page.getByRole('region', { name: 'Batches, newest first' });
    await expect.poll(() => rowsOf(batches)).toBe(50);
    const restore = await failingOnce('/api/batches', { retryAfter: '1' });
    try {
      await browser.page.getByRole('button', { name: 'Load older batches' }).click();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      expect(await browser.page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(1);
      // The list asks again by itself once Retry-After (1 s) has passed: give it more than that.
      await expect.poll(() => rowsOf(batches), { timeout: 5_000 }).toBe(100);
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
      await browser.page.getByRole('button', { name: 'Load older batches' }).waitFor();
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when older batches are loaded while the list is being read again, then the answer to that read does not take them away', async () => {
    await browser.page.goto(`${base}/console/#/batches`);
    const batches = browser.page.getByRole('region', { name: 'Batches, newest first' });
    await expect.poll(() => rowsOf(batches)).toBe(50);
    // The next poll is slow to come back: it was asked for the 50 newest, before the older ones came.
    let polled!: () => void;
    const pollOut = new Promise<void>((resolve) => (polled = resolve));
    let answered!: () => void;
    const pollAnswered = new Promise<void>((resolve) => (answered = resolve));
    let delayed = false;
    const slowPoll = async (route: Route) => {
      if (delayed || route.request().method() !== 'GET') return route.fallback();
      delayed = true;
      polled();
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.fulfill({ response });
      answered();
    };
    const isPoll = (url: URL) => url.pathname === '/api/batches' && !url.searchParams.has('cursor');
    await browser.page.route(isPoll, slowPoll);
    try {
      await pollOut;
      await browser.page.getByRole('button', { name: 'Load older batches' }).click();
      await expect.poll(() => rowsOf(batches)).toBe(100);
      await pollAnswered;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await rowsOf(batches)).toBe(100);
    } finally {
      await browser.page.unroute(isPoll, slowPoll);
    }
    expect(pageErrors).toEqual([]);
  });

  it('when the next page of a batch\'s transactions fails (503, retry in an hour), then the list says so with Retry, and "Retry" shows that page', async () => {
    const rows = browser.page.getByRole('region', { name: 'Transactions of the batch' });
    await browser.page.goto(`${base}/console/#/batches`);
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    await browser.page.goto(`${base}/console/#/batches/${bigBatch}`);
    await browser.page.getByText('Page 1').waitFor();
    const restore = await failingOnce(`/api/batches/${bigBatch}/transactions`, { retryAfter: '3600' });
    try {
      await browser.page.getByRole('button', { name: 'Next page' }).click();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByText('Trying again in 3600 s.').waitFor();
      await browser.page.getByRole('button', { name: 'Retry', exact: true }).click();
      await browser.page.getByText('Page 2').waitFor();
      expect(await rowsOf(rows)).toBe(50);
      expect(await rows.locator('tbody tr').first().textContent()).toContain('BIG-101');
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when loading older deliveries fails (503, retry in an hour), then the error and Retry stay while the list is re-read, and "Retry" loads them', async () => {
    await browser.page.goto(`${base}/console/#/webhooks?webhook=${hookId}`);
    const deliveries = browser.page.getByRole('region', { name: `Deliveries to ${HOOK_URL}` });
    await expect.poll(() => rowsOf(deliveries)).toBe(50);
    const restore = await failingOnce(`/api/webhooks/${hookId}/deliveries`, { retryAfter: '3600' });
    try {
      await browser.page.getByRole('button', { name: 'Load older deliveries' }).click();
      await browser.page.getByRole('alert').getByText('The database is unreachable; retry shortly.').waitFor();
      await browser.page.getByText('Trying again in 3600 s.').waitFor();
      // The list is re-read every two seconds: that does not wipe the error, nor its Retry.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await browser.page.getByRole('alert').count()).toBe(1);
      await browser.page.getByRole('button', { name: 'Retry', exact: true }).click();
      await expect.poll(() => rowsOf(deliveries)).toBe(100);
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when re-reading the deliveries is refused with 429 and Retry-After 3, then they are not read again before 3 s, and come back by themselves', async () => {
    await browser.page.goto(`${base}/console/#/webhooks?webhook=${hookId}`);
    const deliveries = browser.page.getByRole('region', { name: `Deliveries to ${HOOK_URL}` });
    await expect.poll(() => rowsOf(deliveries)).toBe(50);
    const path = `/api/webhooks/${hookId}/deliveries`;
    const reads: number[] = [];
    const count = (request: Request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === path) reads.push(Date.now());
    };
    browser.page.on('request', count);
    let left = 1;
    const matches = (url: URL) => url.pathname === path;
    const tooMany = async (route: Route) => {
      if (route.request().method() !== 'GET' || left <= 0) return route.fallback();
      left -= 1;
      const problem = { type: 'urn:lucro:problem:rate_limited', title: 'Too many requests', status: 429, detail: 'Too many requests; slow down.', code: 'rate_limited' };
      return route.fulfill({ status: 429, headers: { 'retry-after': '3' }, json: problem, contentType: 'application/problem+json' });
    };
    await browser.page.route(matches, tooMany);
    try {
      await browser.page.getByRole('alert').getByText('Too many requests; slow down.').waitFor();
      await expect.poll(() => rowsOf(deliveries), { timeout: 10_000 }).toBe(50);
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      // Retry-After 3 s, where it polls every 2 s; and it polls on from there.
      expect((reads[1] ?? Number.NaN) - (reads[0] ?? Number.NaN)).toBeGreaterThanOrEqual(2_800);
      await expect.poll(() => reads.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
      await browser.page.getByRole('button', { name: 'Load older deliveries' }).waitFor();
    } finally {
      browser.page.off('request', count);
      await browser.page.unroute(matches, tooMany);
    }
    expect(pageErrors).toEqual([]);
  });

  it('when loading more accounts loses its connection, then it says so with Retry, and "Retry" loads them', async () => {
    await browser.page.goto(`${base}/console/#/accounts`);
    const accounts = browser.page.getByRole('region', { name: 'Accounts' });
    await expect.poll(() => rowsOf(accounts)).toBe(100);
    const restore = await failingOnce('/api/accounts', 'abort');
    try {
      await browser.page.getByRole('button', { name: 'Load more accounts' }).click();
      await browser.page.getByRole('alert').waitFor();
      await browser.page.getByRole('button', { name: 'Retry', exact: true }).click();
      await expect.poll(() => rowsOf(accounts)).toBe(101);
      expect(await browser.page.getByRole('alert').count()).toBe(0);
      expect(await browser.page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    } finally {
      await restore();
    }
    expect(pageErrors).toEqual([]);
  });

  it('when an account has more transactions than the review queue reads, then the page says only the newest 5,000 are in it, and choosing dates reaches the older ones', async () => {
    // 5,000 small Netflix debits in 2026, and one older, larger, unknown debit: the largest spend to review.
    await push({
      account: { account_id: 'ACC-LARGE', currency: 'ZAR' },
      transactions: [
        ...Array.from({ length: 5000 }, (_, i) => ({ transaction_id: `N-${i + 1}`, date: `2026-${String((i % 12) + 1).padStart(2, '0')}-01`, amount: '-1.00', merchant_name: 'Netflix' })),
        { transaction_id: 'OLD-1', date: '2020-01-01', amount: '-9999.00', merchant_name: 'Plxq Traders' },
      ],
    });
    await untilBatchesEnriched(base, key);
    await browser.page.goto(`${base}/console/#/accounts/ACC-LARGE/review`);
    await browser.page.getByText('Only the newest 5,000 transactions are in this queue; the account has older ones. Choose dates (From, To) to review those.').waitFor();
    expect(await browser.page.locator('tr[data-transaction-id="OLD-1"]').count()).toBe(0);

    await browser.page.getByLabel('To', { exact: true }).fill('2020-12-31');
    await browser.page.getByRole('button', { name: 'Apply' }).click();
    await browser.page.locator('tr[data-transaction-id="OLD-1"]').waitFor();
    expect(browser.page.url()).toMatch(/#\/accounts\/ACC-LARGE\/review\?to=2020-12-31$/);
    expect(await browser.page.getByText(/^Only the newest/).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
