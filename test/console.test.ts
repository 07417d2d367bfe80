import { mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Route } from 'playwright-core';
import { canvasHasColour, launchBrowser, seriousAccessibilityViolations, type Browser } from './helpers/browser.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { startReceiver } from './helpers/receiver.js';

const ARTIFACTS = 'test-artifacts';
// The colours charts.js draws income, spend and the first (largest) spend category in.
const INCOME_COLOR = '#2b8a3e';
const SPEND_COLOR = '#d9480f';
const FIRST_CATEGORY_COLOR = '#2f7ed8';
// Three years of months, 2021-07 … 2024-06: one ZAR debit each in account ACC-ZA.
const ZA_MONTHS = Array.from({ length: 36 }, (_, i) => `${2021 + Math.floor((i + 6) / 12)}-${String(((i + 6) % 12) + 1).padStart(2, '0')}`);

let ctx: TestContext;
let browser: Browser;
let base: string;
let key: string;
const cspViolations: string[] = [];
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

async function push(body: unknown): Promise<{ batch_id: string }> {
  const response = await fetch(`${base}/api/integrations/transactions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { batch_id: string };
}

async function apiGet(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function expectAccessible(): Promise<void> {
  expect(await seriousAccessibilityViolations(browser.page)).toEqual([]);
}

/** What the page shows holds no value the code forgot to leave out ("null" under a button). */
async function expectNoStrayValues(): Promise<void> {
  expect(await browser.page.locator('main').innerText()).not.toMatch(/\b(null|undefined|false|NaN)\b|\[object /);
}

interface BrowserStorage {
  sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null; setItem(k: string, v: string): void };
}
/** Everything the page keeps in sessionStorage, as values. */
const storedValues = () =>
  browser.page.evaluate(() => {
    const { sessionStorage } = globalThis as unknown as BrowserStorage;
    return Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.getItem(sessionStorage.key(i) ?? ''));
  });
const storedItems = async () => (await storedValues()).length;

/** The little of the browser's DOM these layout checks use (the project compiles without the DOM library). */
interface Rect {
  top: number;
  width: number;
}
interface LayoutGlobals {
  document: {
    querySelector(selector: string): { dataset: Record<string, string | undefined>; querySelector(selector: string): { getBoundingClientRect(): Rect } | null } | null;
    createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } };
    createTreeWalker(root: unknown, show: number): { nextNode(): { textContent: string } | null };
    createRange(): { setStart(node: unknown, offset: number): void; setEnd(node: unknown, offset: number): void; getClientRects(): Iterable<Rect> };
  };
}

/**
 * Neighbouring month labels under a chart that overlap, as "2021-07|2021-08": their centres are a
 * month slot apart per month between them, and each is as wide as uPlot's 12px axis font draws it.
 */
const monthLabelClashes = (selector: string, months: string[]) =>
  browser.page.evaluate(
    ({ selector, months }) => {
      const { document } = globalThis as unknown as LayoutGlobals;
      const chart = document.querySelector(selector);
      const shown = (chart?.dataset.monthLabels ?? '').split(' ').filter(Boolean);
      if (shown.length < 2) return [`${shown.length} labels drawn`];
      const slot = (chart?.querySelector('.u-over')?.getBoundingClientRect().width ?? 0) / months.length;
      const context = document.createElement('canvas').getContext('2d');
      context.font = '12px system-ui, sans-serif';
      const clashes: string[] = [];
      for (let i = 1; i < shown.length; i += 1) {
        const [left, right] = [shown[i - 1] ?? '', shown[i] ?? ''];
        const apart = (months.indexOf(right) - months.indexOf(left)) * slot;
        if (apart <= (context.measureText(left).width + context.measureText(right).width) / 2) clashes.push(`${left}|${right}`);
      }
      return clashes;
    },
    { selector, months },
  );

/**
 * On how many lines `text`, inside the element, is drawn: 1 when it does not wrap, 0 when it is not
 * there. It may span several text nodes (a card's figure has a <wbr> after each digit group).
 */
const linesOf = (locator: Locator, text: string) =>
  locator.evaluate((element, text) => {
    const { document } = globalThis as unknown as LayoutGlobals;
    const nodes: Array<{ textContent: string }> = [];
    const walker = document.createTreeWalker(element, 4 /* text nodes */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
    const at = nodes.map((node) => node.textContent).join('').indexOf(text);
    if (at < 0) return 0;
    // The node and offset where the element's text reaches `position`.
    const place = (position: number): [unknown, number] => {
      let i = 0;
      while (position > (nodes[i]?.textContent.length ?? 0) && i < nodes.length - 1) position -= nodes[i++]?.textContent.length ?? 0;
      return [nodes[i], position];
    };
    const range = document.createRange();
    range.setStart(...place(at));
    range.setEnd(...place(at + text.length));
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  }, text);

/** The text of the element that has keyboard focus (the whole page's when focus fell to the body). */
const focusedText = () => browser.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '');

const shot = (name: string) => browser.page.screenshot({ path: `${ARTIFACTS}/console-${name}.png`, fullPage: true });

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  ctx = await createTestContext({
    ENRICHMENT_LATENCY_MS: '50-150',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_SECRET_KEY: '0'.repeat(64),
    WEBHOOK_RETRY_BASE_MS: '3600000',
  });
  ctx.container.worker.start();
  ctx.container.webhookDeliverer.start();
  base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  key = await ctx.key(['ingest', 'reports']);
  await push({
    account: { account_id: 'ACC-CONSOLE', currency: 'USD', name: 'Everyday Checking', institution: 'Example Bank' },
    transactions: [
      { transaction_id: 'S-1', date: '2026-09-01', amount: '2500.00', description: 'ACME CORP PAYROLL' },
      { transaction_id: 'S-2', date: '2026-09-03', amount: '-1200.00', merchant_name: 'Parkside Apartments', description: 'RENT SEPTEMBER PARKSIDE APARTMENTS' },
      { transaction_id: 'S-3', date: '2026-09-05', amount: '-4.75', merchant_name: 'Starbucks', description: 'STARBUCKS STORE 1234 SEATTLE WA' },
      { transaction_id: 'S-4', date: '2026-09-09', amount: '-23.10', merchant_name: 'Uber', description: 'UBER TRIP HELP.UBER.COM' },
      { transaction_id: 'S-5', date: '2026-10-01', amount: '2500.00', description: 'ACME CORP PAYROLL' },
      { transaction_id: 'S-6', date: '2026-10-04', amount: '-15.49', merchant_name: 'Netflix', description: 'NETFLIX.COM' },
      { transaction_id: 'S-7', date: '2026-10-12', amount: '-86.40', merchant_name: 'Whole Foods', description: 'WHOLE FOODS MARKET #10234' },
      { transaction_id: 'S-8', date: '2026-10-20', amount: '-310.00', merchant_name: 'Zqx Holdings', description: 'ZQX HOLDINGS 5521' },
      { transaction_id: 'S-9', date: '2026-11-01', amount: '2600.00', description: 'ACME CORP PAYROLL' },
      { transaction_id: 'S-10', date: '2026-11-02', amount: '-5.25', merchant_name: 'Starbucks', description: 'STARBUCKS STORE 881 PORTLAND OR' },
      { transaction_id: 'S-11', date: '2026-11-08', amount: '-412.30', merchant_name: 'Delta Air Lines', description: 'DELTA AIR LINES ATLANTA' },
      { transaction_id: 'S-12', date: '2026-11-15', amount: '-145.00', merchant_name: 'Zqx Holdings', description: 'ZQX HOLDINGS 7730' },
    ],
  });
  await push({
    account: { account_id: 'ACC-ZA', currency: 'ZAR', name: 'Cheque account', institution: 'Example Bank' },
    transactions: ZA_MONTHS.map((month, i) => ({
      transaction_id: `ZA-${month}`,
      date: `${month}-28`,
      amount: i === 35 ? '-3734.95' : '-3734.80',
      // Every other month a card purchase at a merchant, else a debit order with no merchant.
      ...(i % 2 === 1
        ? { merchant_name: 'Woolworths Food Constantia Village', description: `WOOLWORTHS FOOD CONSTANTIA VILLAGE CAPE TOWN CARD 4471 PURCHASE ${i}` }
        : { description: `DEBIT ORDER HOME LOAN ACCOUNT 4471-0093-2215 STANDARD BANK ${month}` }),
    })),
  });
  browser = await launchBrowser();
  // A step that cannot happen fails with its own message, well inside the test's time.
  browser.page.setDefaultTimeout(10_000);
  browser.page.on('pageerror', (error) => pageErrors.push(error.message));
  browser.page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
});

describe('the web console (issue 16), in headless Chromium against a running server', () => {
  it('when /console is opened, then it is served with a strict Content-Security-Policy, asks for a key, and the browser reports no error', async () => {
    // The browser asks for the page's icon on its own, unseen by Playwright's events: the DevTools protocol sees it.
    const devtools = await browser.context.newCDPSession(browser.page);
    const answers: Array<{ url: string; status: number }> = [];
    devtools.on('Network.responseReceived', ({ response }) => answers.push({ url: response.url, status: response.status }));
    await devtools.send('Network.enable');
    const response = await browser.page.goto(`${base}/console`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(browser.page.url()).toMatch(/\/console\/#\/signin$/);
    // Signed out, the menu of pages that need a key is not shown.
    expect(await browser.page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    // The icon the page names (or, naming none, /favicon.ico) is asked for and answered; nothing failed to load.
    const icon = await browser.page.evaluate(() => {
      const { document, location } = globalThis as unknown as { document: { querySelector(s: string): { href: string } | null }; location: { origin: string } };
      return document.querySelector('link[rel~="icon"]')?.href ?? `${location.origin}/favicon.ico`;
    });
    await expect.poll(() => answers.some(({ url }) => url === icon)).toBe(true);
    expect(answers.filter(({ status }) => status >= 400)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await devtools.detach();
    await expectAccessible();
    await expectNoStrayValues();
    await shot('signin');
  });

  it('when a wrong key is given, then it says so and stays on sign-in', async () => {
    await browser.page.getByLabel('API key').fill('lucro_not-a-key');
    await browser.page.getByRole('button', { name: 'Sign in' }).click();
    await browser.page.getByText('That key is not valid.').waitFor();
    expect(await storedItems()).toBe(0);
  });

  it('when signed in, then the batches page shows a new batch moving to completed, and the key is in sessionStorage only', async () => {
    await browser.page.getByLabel('API key').fill(key);
    await browser.page.getByRole('button', { name: 'Sign in' }).click();
    await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
    expect(await storedValues()).toEqual([key]);
    expect(browser.page.url()).not.toContain(key);
    expect(await browser.context.cookies()).toEqual([]);

    const { batch_id } = await push({
      account: { account_id: 'ACC-CONSOLE', currency: 'USD' },
      transactions: Array.from({ length: 40 }, (_, i) => ({
        transaction_id: `LIVE-${i + 1}`,
        date: '2026-11-20',
        amount: '-1.00',
        merchant_name: 'Starbucks',
        description: `STARBUCKS STORE ${2000 + i}`,
      })),
    });
    const row = browser.page.locator(`tr[data-batch-id="${batch_id}"]`);
    await row.waitFor();
    await browser.page.locator(`tr[data-batch-id="${batch_id}"][data-status="completed"]`).waitFor({ timeout: 25_000 });
    expect(await row.getByRole('cell').nth(3).textContent()).toContain('40/40');
    // One page of batches: no pager, and nothing stray where it would be.
    expect(await browser.page.locator('main .pager').textContent()).toBe('');
    await expectAccessible();
    await expectNoStrayValues();
    await shot('batches');
  });

  it('when a batch is opened, then its transactions are listed with their categories', async () => {
    await browser.page.locator('tbody tr').first().getByRole('link').first().click();
    await browser.page.getByRole('heading', { name: /^Batch / }).waitFor();
    await browser.page.locator('tbody tr').first().waitFor();
    expect(await browser.page.locator('tbody tr').count()).toBe(40);
    expect(await browser.page.locator('tbody').textContent()).toContain('FOOD_AND_DRINK');
    await expectAccessible();
    await expectNoStrayValues();
    await shot('batch');
  });

  it('when the account page is open, then its cards show the summary API\'s numbers and both charts are drawn', async () => {
    await browser.page.getByRole('link', { name: 'Accounts' }).click();
    await browser.page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await expectAccessible();
    await expectNoStrayValues();
    await shot('accounts');
    await browser.page.getByRole('link', { name: 'ACC-CONSOLE' }).click();
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
    await browser.page.locator('[data-field="total_spend"]').waitFor();

    const summary = await apiGet('/api/reports/account/ACC-CONSOLE/summary');
    const field = (name: string) => browser.page.locator(`[data-field="${name}"]`).getAttribute('data-value');
    expect(await field('total_spend')).toBe(summary.total_spend);
    expect(await field('total_income')).toBe(summary.total_income);
    expect(await field('net')).toBe(summary.net);
    expect(await field('total_transactions')).toBe(String(summary.total_transactions));
    // The figures as the page shows them: seeded spend 2202.29 + 40 × 1.00, income 7600.00.
    expect(await browser.page.locator('[data-field="total_spend"]').textContent()).toBe('2,242.29 USD');
    expect(await browser.page.locator('[data-field="total_income"]').textContent()).toBe('7,600.00 USD');

    expect(await canvasHasColour(browser.page, '#chart-spend-by-category', FIRST_CATEGORY_COLOR)).toBe(true);
    expect(await canvasHasColour(browser.page, '#chart-income-spend', INCOME_COLOR)).toBe(true);
    expect(await canvasHasColour(browser.page, '#chart-income-spend', SPEND_COLOR)).toBe(true);
    await expectAccessible();
    await expectNoStrayValues();
    await shot('account');
    // What fits in a 1280×800 window: the picture in the README (docs/console-account.png).
    await browser.page.screenshot({ path: `${ARTIFACTS}/console-account-window.png` });
  });

  it('when the transactions table is paged and filtered, then it shows the matching rows a page at a time', async () => {
    const table = browser.page.getByRole('region', { name: 'Transactions of ACC-CONSOLE, newest first' });
    const shownIds = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id')));
    await table.locator('tbody tr').first().waitFor();
    // 52 transactions, 50 a page, newest date first: the second page holds the two of September 1 and 3.
    expect(await table.locator('tbody tr').count()).toBe(50);
    await browser.page.getByRole('button', { name: 'Next page' }).click();
    await browser.page.getByText('Page 2').waitFor();
    expect(await shownIds()).toEqual(['S-2', 'S-1']);
    await browser.page.getByRole('button', { name: 'Previous page' }).click();
    await browser.page.getByText('Page 1').waitFor();

    await browser.page.locator('#tx-status').selectOption('completed');
    await browser.page.locator('#tx-category').selectOption('TRAVEL');
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual(['S-11']);
    await browser.page.locator('#tx-category').selectOption('');
    await expect.poll(async () => (await shownIds()).length, { timeout: 10_000 }).toBe(50);
    // The search runs on the server over every page: S-1 was on page 2.
    await browser.page.getByLabel('Search', { exact: true }).fill('payroll');
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual(['S-9', 'S-5', 'S-1']);
    await browser.page.getByLabel('Search', { exact: true }).fill('portland');
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual(['S-10']);
    await expectAccessible();
    await expectNoStrayValues();
    await browser.page.getByLabel('Search', { exact: true }).fill('');
    await expect.poll(async () => (await shownIds()).length, { timeout: 10_000 }).toBe(50);
    await browser.page.locator('#tx-status').selectOption('');
  });

  it('when a transaction is opened from a filtered page of the list, then Back returns to the same filters and page', async () => {
    const table = browser.page.getByRole('region', { name: 'Transactions of ACC-CONSOLE, newest first' });
    const shownIds = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id')));
    await browser.page.locator('#tx-status').selectOption('completed');
    await browser.page.getByRole('button', { name: 'Next page' }).click();
    await browser.page.getByText('Page 2').waitFor();
    expect(await shownIds()).toEqual(['S-2', 'S-1']);
    await table.getByRole('link', { name: 'S-2', exact: true }).click();
    await browser.page.getByRole('heading', { name: 'Transaction S-2' }).waitFor();
    await browser.page.goBack();
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
    await browser.page.getByText('Page 2').waitFor();
    expect(await browser.page.locator('#tx-status').inputValue()).toBe('completed');
    expect(await shownIds()).toEqual(['S-2', 'S-1']);
    expect(browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE\?status=completed&page=2&cursor=[\w-]+$/);
    // Page 1 is still one click away.
    await browser.page.getByRole('button', { name: 'Previous page' }).click();
    await browser.page.getByText('Page 1').waitFor();
    await browser.page.locator('#tx-status').selectOption('');
    await expect.poll(() => browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE$/);
  });

  it('when a transaction is opened from a filtered page of the list, then its "Back to account" link returns to the same filters and page, and opened otherwise, to the account\'s first page', async () => {
    const table = browser.page.getByRole('region', { name: 'Transactions of ACC-CONSOLE, newest first' });
    const shownIds = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id')));
    await browser.page.locator('#tx-status').selectOption('completed');
    await browser.page.getByRole('button', { name: 'Next page' }).click();
    await browser.page.getByText('Page 2').waitFor();
    await expect.poll(() => browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE\?status=completed&page=2&cursor=[\w-]+$/);
    const listAddress = browser.page.url();
    await table.getByRole('link', { name: 'S-2', exact: true }).click();
    await browser.page.getByRole('heading', { name: 'Transaction S-2' }).waitFor();
    // A reload keeps where the link goes: the address holds it.
    await browser.page.reload();
    await browser.page.getByRole('link', { name: 'Back to account ACC-CONSOLE' }).click();
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
    await browser.page.getByText('Page 2').waitFor();
    expect(await browser.page.locator('#tx-status').inputValue()).toBe('completed');
    expect(await shownIds()).toEqual(['S-2', 'S-1']);
    expect(browser.page.url()).toBe(listAddress);
    // Page 1 is still one click away.
    await browser.page.getByRole('button', { name: 'Previous page' }).click();
    await browser.page.getByText('Page 1').waitFor();
    await browser.page.locator('#tx-status').selectOption('');
    await expect.poll(() => browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE$/);

    // Opened from its own address, not from the list: back to the account as it first opens.
    await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE/transactions/S-3`);
    await browser.page.getByRole('heading', { name: 'Transaction S-3' }).waitFor();
    expect(await browser.page.getByRole('link', { name: 'Back to account ACC-CONSOLE' }).getAttribute('href')).toBe('#/accounts/ACC-CONSOLE');
    await browser.page.getByRole('link', { name: 'Back to account ACC-CONSOLE' }).click();
    await browser.page.getByText('Page 1').waitFor();
    expect(await browser.page.locator('#tx-status').inputValue()).toBe('');
  });

  it('when the address of a later page of the list is reloaded or opened in a new tab, then it shows that page, and "Previous page" still works there', async () => {
    const table = browser.page.getByRole('region', { name: 'Transactions of ACC-CONSOLE, newest first' });
    const idsOf = (region: Locator) => region.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id')));
    await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE?status=completed`);
    await expect.poll(async () => (await idsOf(table)).length).toBe(50);
    await browser.page.getByRole('button', { name: 'Next page' }).click();
    await browser.page.getByText('Page 2').waitFor();
    const address = browser.page.url();

    await browser.page.reload();
    await browser.page.getByText('Page 2').waitFor();
    expect(await idsOf(table)).toEqual(['S-2', 'S-1']);
    expect(await browser.page.locator('#tx-status').inputValue()).toBe('completed');
    expect(browser.page.url()).toBe(address);

    // Another tab has no key yet (sessionStorage is per tab): it signs in, then opens the address.
    const tab = await browser.context.newPage();
    try {
      await tab.goto(address);
      await tab.getByLabel('API key').fill(key);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByText('Page 2').waitFor();
      const tabTable = tab.getByRole('region', { name: 'Transactions of ACC-CONSOLE, newest first' });
      expect(await idsOf(tabTable)).toEqual(['S-2', 'S-1']);
      expect(tab.url()).toBe(address);
      await tab.getByRole('button', { name: 'Previous page' }).click();
      await tab.getByText('Page 1').waitFor();
      expect(await tabTable.locator('tbody tr').count()).toBe(50);
      expect(tab.url()).toMatch(/#\/accounts\/ACC-CONSOLE\?status=completed$/);
    } finally {
      await tab.close();
    }
    await browser.page.locator('#tx-status').selectOption('');
    await expect.poll(() => browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE$/);
  });

  it('when the user moves to another account while the first is still loading, then the first, answered late, draws nothing over the second', async () => {
    // Hold back the first request of ACC-CONSOLE's page until the user has gone elsewhere.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const firstRequest = (url: URL) => url.pathname.endsWith('/api/accounts/ACC-CONSOLE/transactions') && url.searchParams.get('limit') === '1';
    await browser.page.route(firstRequest, async (route) => {
      await held;
      await route.continue().catch(() => {});
    });
    // Over once the held request is answered, or fails: whichever the browser reports.
    let over = () => {};
    const settled = new Promise<void>((resolve) => (over = resolve));
    const onSettled = (request: { url(): string }) => firstRequest(new URL(request.url())) && over();
    browser.page.on('requestfinished', onSettled).on('requestfailed', onSettled);
    try {
      await browser.page.goto(`${base}/console/#/batches`);
      await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
      // Leave only once the first request is on its way (and held): a loaded machine may not have sent it yet.
      const asked = browser.page.waitForRequest((request) => firstRequest(new URL(request.url())));
      await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE`);
      await asked;
      await browser.page.goto(`${base}/console/#/accounts/ACC-ZA`);
      await browser.page.locator('[data-field="net"][data-value="-134452.95"]').waitFor();
      release();
      await settled;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await browser.page.locator('h1').allTextContents()).toEqual(['Account ACC-ZA']);
      expect(await browser.page.title()).toBe('Account ACC-ZA · Lucro console');
    } finally {
      release();
      browser.page.off('requestfinished', onSettled).off('requestfailed', onSettled);
      await browser.page.unroute(firstRequest);
    }
    await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE`);
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
  });

  it('when the review queue opens, then uncategorized spend is listed largest first, arrow keys move between rows, and Escape leaves a row\'s category menu (named with its amount and currency) for the row', async () => {
    await browser.page.getByRole('link', { name: 'Open the review queue' }).click();
    await browser.page.getByRole('heading', { name: 'Review queue: ACC-CONSOLE' }).waitFor();
    const rows = browser.page.getByRole('grid', { name: 'Transactions to review' }).locator('tbody tr');
    await rows.first().waitFor();
    const ids = await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-transaction-id')));
    // The two Zqx Holdings payments have no category; -310.00 is the larger.
    expect(ids.indexOf('S-8')).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf('S-8')).toBeLessThan(ids.indexOf('S-12'));
    await rows.first().focus();
    await browser.page.keyboard.press('ArrowDown');
    expect(await rows.nth(1).evaluate((row) => row === (row.ownerDocument.activeElement as unknown))).toBe(true);
    expect(await rows.nth(1).getAttribute('aria-selected')).toBe('true');
    // Enter opens the row's menu, named with the amount as the page shows it; Escape returns to the row.
    const zqx = browser.page.getByRole('grid', { name: 'Transactions to review' }).locator('tr[data-transaction-id="S-8"]');
    await zqx.focus();
    await browser.page.keyboard.press('Enter');
    expect(await browser.page.getByRole('combobox', { name: 'Category for Zqx Holdings −310.00 USD', exact: true }).evaluate((el) => el === (el.ownerDocument.activeElement as unknown))).toBe(true);
    await browser.page.keyboard.press('Escape');
    expect(await zqx.evaluate((row) => row === (row.ownerDocument.activeElement as unknown))).toBe(true);
    expect(await zqx.getAttribute('aria-selected')).toBe('true');
    await expectAccessible();
    await expectNoStrayValues();
    await shot('review');
    await browser.page.getByRole('link', { name: 'Back to the account' }).click();
    await browser.page.locator('[data-field="total_spend"]').waitFor();
  });

  it('when a queued row is corrected with its key, then the summary counts it in the new category', async () => {
    await browser.page.getByRole('link', { name: 'Open the review queue' }).click();
    const grid = browser.page.getByRole('grid', { name: 'Transactions to review' });
    await grid.locator('tbody tr').first().waitFor();
    const letter = await browser.page.getByRole('list', { name: 'Category keys' }).locator('li', { hasText: /^\S+ GENERAL_SERVICES$/ }).locator('kbd').textContent();
    await grid.locator('tr[data-transaction-id="S-8"]').focus();
    await browser.page.keyboard.press(letter ?? '');
    const corrected = grid.locator('tr[data-transaction-id="S-8"][data-corrected="true"]');
    await corrected.waitFor();
    expect(await corrected.textContent()).toContain('GENERAL_SERVICES');
    expect(await corrected.textContent()).toContain('user');
    // Focus moved on to the next row, ready for the next correction.
    expect(await grid.locator('tr[data-transaction-id="S-12"]').evaluate((row) => row === (row.ownerDocument.activeElement as unknown))).toBe(true);

    const summary = await apiGet('/api/reports/account/ACC-CONSOLE/summary');
    expect(summary.top_spend_categories).toEqual([
      { category: 'RENT_AND_UTILITIES', total_spend: '1200.00', transaction_count: 1 },
      { category: 'TRAVEL', total_spend: '412.30', transaction_count: 1 },
      { category: 'GENERAL_SERVICES', total_spend: '310.00', transaction_count: 1 },
    ]);
    await browser.page.getByRole('link', { name: 'Back to the account' }).click();
    await browser.page.locator('[data-category="GENERAL_SERVICES"][data-value="310.00"]').waitFor();
  });

  it('when the account is re-enriched after a correction, then the merchant\'s other row shows the learned category', async () => {
    await browser.page.getByRole('link', { name: 'Open the review queue' }).click();
    await browser.page.getByRole('grid', { name: 'Transactions to review' }).locator('tbody tr').first().waitFor();
    const learnedRow = browser.page.locator('#learned tr[data-transaction-id="S-12"]');
    // Corrections teach enrichment that starts from 5 s after them (§11): re-enrich until it has learned.
    await expect
      .poll(
        async () => {
          await browser.page.getByRole('button', { name: 'Re-enrich this account' }).click();
          await browser.page.getByText(/^Re-enrichment completed/).waitFor({ timeout: 20_000 });
          return learnedRow.count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await learnedRow.textContent()).toContain('GENERAL_SERVICES');
    expect(await learnedRow.textContent()).toContain('learned:');
    await expectAccessible();
    await expectNoStrayValues();
    await shot('review-learned');
    await browser.page.getByRole('link', { name: 'Back to the account' }).click();
    await browser.page.locator('[data-field="total_spend"]').waitFor();
  });

  it('when a transaction is opened from the account, then a correction locks it and "Unlock" sends it back to enrichment', async () => {
    await browser.page.getByLabel('Search').fill('NETFLIX');
    // S-6 is on the first page either way: the search has answered once the address has it.
    await expect.poll(() => browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE\?q=NETFLIX$/);
    await browser.page.locator('tbody tr[data-transaction-id="S-6"]').waitFor();
    await browser.page.getByRole('link', { name: 'S-6', exact: true }).click();
    await browser.page.getByRole('heading', { name: 'Transaction S-6' }).waitFor();
    const fields = browser.page.locator('dl.fields');
    expect(await fields.textContent()).toContain('−15.49 USD');
    expect(await fields.textContent()).toContain('NETFLIX.COM');
    expect(await fields.textContent()).toContain('ENTERTAINMENT');
    // Not locked: no Unlock button, and nothing in its place.
    await expectNoStrayValues();

    await browser.page.locator('#correct-category').selectOption('GENERAL_SERVICES');
    await browser.page.getByRole('button', { name: 'Correct' }).click();
    await browser.page.getByRole('button', { name: 'Unlock and enrich again' }).waitFor();
    expect(await fields.textContent()).toMatch(/GENERAL_SERVICES\s*user 100% · locked/);
    // The form was redrawn; the keyboard user is still on the button they pressed.
    expect(await focusedText()).toBe('Correct');
    expect(await apiGet('/api/accounts/ACC-CONSOLE/transactions/S-6')).toMatchObject({ category: 'GENERAL_SERVICES', category_source: 'user', category_locked: true });
    await expectAccessible();
    await expectNoStrayValues();
    await shot('transaction');

    await browser.page.getByRole('button', { name: 'Unlock and enrich again' }).click();
    await browser.page.getByRole('button', { name: 'Unlock and enrich again' }).waitFor({ state: 'detached' });
    // The button is gone: focus is on what happened, not on the page.
    expect(await focusedText()).toMatch(/^Unlocked; the transaction is being enriched again|^Enriched again/);
    await expect.poll(async () => (await apiGet('/api/accounts/ACC-CONSOLE/transactions/S-6')).status, { timeout: 20_000 }).toBe('completed');
    const enriched = await apiGet('/api/accounts/ACC-CONSOLE/transactions/S-6');
    expect(enriched).toMatchObject({ category: 'ENTERTAINMENT', category_locked: false, status: 'completed' });
    // The page follows enrichment and shows its new category and source, without a reload.
    await browser.page.getByText(`Enriched again: ENTERTAINMENT (${String(enriched.category_source)}).`).waitFor({ timeout: 20_000 });
    expect(await fields.textContent()).toContain(`ENTERTAINMENT${String(enriched.category_source)}`);
    expect(await fields.textContent()).toContain('completed');
    await expectNoStrayValues();
    // Back to the list as it was left: still searching for NETFLIX.
    await browser.page.getByRole('link', { name: 'Back to account ACC-CONSOLE' }).click();
    await browser.page.locator('tbody tr[data-transaction-id="S-6"]').waitFor();
    expect(await browser.page.getByLabel('Search', { exact: true }).inputValue()).toBe('NETFLIX');
    await browser.page.getByLabel('Search', { exact: true }).fill('');
    await expect.poll(() => browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE$/);
    await browser.page.locator('[data-field="total_spend"]').waitFor();
  });

  it('when a date range is applied, then the cards show that range\'s summary', async () => {
    await browser.page.getByLabel('From', { exact: true }).fill('2026-10-01');
    await browser.page.getByLabel('To', { exact: true }).fill('2026-10-31');
    await browser.page.getByRole('button', { name: 'Apply' }).click();
    await browser.page.locator('[data-field="total_spend"][data-value="411.89"]').waitFor();
    expect(await browser.page.locator('[data-field="total_income"]').getAttribute('data-value')).toBe('2500.00');
  });

  it('when a card payment is still pending at the bank, then the figures count it unless told not to, and its row says so', async () => {
    await push({ account: { account_id: 'ACC-CONSOLE', currency: 'USD' }, transactions: [{ transaction_id: 'P-1', date: '2026-10-30', amount: '-8.11', pending: true, merchant_name: 'Starbucks', description: 'STARBUCKS STORE 1234 SEATTLE WA' }] });
    await browser.page.getByRole('button', { name: 'Apply' }).click();
    await browser.page.locator('[data-field="total_spend"][data-value="420.00"]').waitFor();
    await browser.page.getByLabel('Count what is still pending at the bank').uncheck();
    await browser.page.getByRole('button', { name: 'Apply' }).click();
    await browser.page.locator('[data-field="total_spend"][data-value="411.89"]').waitFor();
    expect(await browser.page.locator('tbody tr[data-transaction-id="P-1"]').textContent()).toContain('pending at the bank');
    await browser.page.getByLabel('Count what is still pending at the bank').check();
  });

  it('when the window is phone-wide, then the account page fits without sideways scrolling', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    await browser.page.reload();
    await browser.page.locator('[data-field="total_spend"]').waitFor();
    const widths = await browser.page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return { scroll: root.scrollWidth, client: root.clientWidth };
    });
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await expectAccessible();
    await expectNoStrayValues();
    await shot('account-phone');
    await browser.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('when the system prefers a dark scheme, then the console turns dark and keeps its contrast', async () => {
    await browser.page.emulateMedia({ colorScheme: 'dark' });
    await browser.page.reload();
    await browser.page.locator('[data-field="total_spend"]').waitFor();
    const background = await browser.page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as { document: { documentElement: unknown }; getComputedStyle(el: unknown): { backgroundColor: string } };
      return getComputedStyle(document.documentElement).backgroundColor;
    });
    expect(background).toBe('rgb(15, 20, 25)');
    expect(await canvasHasColour(browser.page, '#chart-income-spend', INCOME_COLOR)).toBe(true);
    await expectAccessible();
    await expectNoStrayValues();
    await shot('account-dark');
    await browser.page.emulateMedia({ colorScheme: 'light' });
  });

  it('when the address is malformed or names no page, then "Page not found" replaces the page that was shown', async () => {
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
    for (const hash of ['#/accounts/%E0%A4%A', '#/accounts/ACC-CONSOLE/nowhere']) {
      await browser.page.evaluate((to) => ((globalThis as unknown as { location: { hash: string } }).location.hash = to), hash);
      await browser.page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).count()).toBe(0);
      expect(await browser.page.locator('main').textContent()).toContain(`The console has no page at ${hash}.`);
    }
    expect(pageErrors).toEqual([]);
    await expectAccessible();
    await shot('not-found');
    await browser.page.goBack();
    await browser.page.goBack();
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
  });

  it('when the user leaves an account page just as its list arrives, then the page they went to is the one shown (30 tries)', async () => {
    // The list's answer may land between the address changing and the page being told to stop: it
    // must not put its own address back.
    for (let attempt = 0; attempt < 30; attempt += 1) {
      await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE?status=completed`);
      await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
      await browser.page.goto(`${base}/console/#/accounts/ACC-ZA`);
      await browser.page.locator('[data-field="net"][data-value="-134452.95"]').waitFor();
      expect(browser.page.url(), `attempt ${attempt}`).toMatch(/#\/accounts\/ACC-ZA$/);
    }
  }, 120_000);

  it('when an account has three years of months, then the month labels under its charts never overlap, at desktop or phone width', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-ZA`);
    await browser.page.locator('[data-field="net"][data-value="-134452.95"]').waitFor();
    for (const width of [1280, 390]) {
      await browser.page.setViewportSize({ width, height: 844 });
      await expect.poll(() => monthLabelClashes('#chart-spend-by-category', ZA_MONTHS)).toEqual([]);
      await expect.poll(() => monthLabelClashes('#chart-income-spend', ZA_MONTHS)).toEqual([]);
    }
    await shot('account-months-phone');
    await browser.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('when the window is phone-wide, then each transaction row shows its merchant or else its description, and its category and status stay in view', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    const loan = browser.page.locator('tr[data-transaction-id="ZA-2024-05"]');
    const food = browser.page.locator('tr[data-transaction-id="ZA-2024-06"]');
    expect(await loan.getByText('DEBIT ORDER HOME LOAN ACCOUNT 4471-0093-2215 STANDARD BANK 2024-05').filter({ visible: true }).count()).toBe(1);
    expect(await food.getByText('Woolworths Food Constantia Village').filter({ visible: true }).count()).toBe(1);
    for (const [row, category] of [[loan, 'LOAN_PAYMENTS'], [food, 'FOOD_AND_DRINK']] as const) {
      for (const cell of [row.locator('td').filter({ hasText: category }), row.getByText('completed', { exact: true })]) {
        const box = await cell.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, `${category} row: ${await cell.textContent()} in view`).toBe(true);
      }
    }
    await expectAccessible();
    await shot('account-rows-phone');
    await browser.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('when figures, dates and ids are shown, then none of them breaks across lines, at phone or desktop width', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    for (const [field, figure] of [['total_spend', '134,452.95'], ['net', '−134,452.95']] as const) {
      const value = browser.page.locator(`[data-field="${field}"]`);
      expect(await linesOf(value, figure), `${field} on one line`).toBe(1);
      // …and inside its card.
      expect(await value.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    }
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    // Long descriptions leave the date and id columns narrow.
    for (const month of ['2021-07', '2023-11', '2024-06']) {
      const cells = browser.page.locator(`tr[data-transaction-id="ZA-${month}"] td`);
      expect(await linesOf(cells.nth(0), `${month}-28`), `date of ZA-${month}`).toBe(1);
      expect(await linesOf(cells.nth(1), `ZA-${month}`), `id ZA-${month}`).toBe(1);
      expect(await linesOf(cells.nth(4), month === '2024-06' ? '−3,734.95' : '−3,734.80'), `amount of ZA-${month}`).toBe(1);
    }
    await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE`);
    await browser.page.locator('[data-field="total_spend"]').waitFor();
  });

  it('when an account does not exist, then its page and review queue say so and offer nothing to filter or re-enrich', async () => {
    for (const hash of ['#/accounts/ACC-NOWHERE', '#/accounts/ACC-NOWHERE/review']) {
      await browser.page.goto(`${base}/console/${hash}`);
      await browser.page.getByRole('heading', { name: 'No account ACC-NOWHERE' }).waitFor();
      expect(await browser.page.locator('main').innerText()).toBe('No account ACC-NOWHERE');
    }
    await expectAccessible();
  });

  it('when a webhook delivery failed, then the webhooks page lists it, "Retry now" gets it delivered and says so beside the list, and a refused retry says why there', async () => {
    // The receiver refuses the first delivery and takes every later one; automatic retries wait an hour.
    const receiver = await startReceiver((n) => (n === 0 ? 503 : 204));
    try {
      const created = await fetch(`${base}/api/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: ['batch.completed'] }),
      });
      expect(created.status).toBe(201);
      await push({ account: { account_id: 'ACC-HOOKS', currency: 'USD' }, transactions: [{ transaction_id: 'H-1', date: '2026-11-21', amount: '-2.00' }] });

      await browser.page.getByRole('link', { name: 'Webhooks' }).click();
      await browser.page.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await browser.page.getByRole('button', { name: `Show deliveries to ${receiver.url}` }).click();
      const delivery = browser.page.locator('tr[data-delivery-id]', { hasText: 'batch.completed' });
      await browser.page.locator('tr[data-delivery-id]', { hasText: '503' }).waitFor({ timeout: 20_000 });
      expect(await delivery.getAttribute('data-status')).toBe('pending');
      await expectAccessible();
      await expectNoStrayValues();
      await shot('webhooks');
      const deliveryId = (await delivery.getAttribute('data-delivery-id')) ?? '';
      await delivery.getByRole('button', { name: /^Retry now: batch.completed delivery/ }).click();
      // Said on the page beside the deliveries, not only to screen readers.
      await expect.poll(() => browser.page.locator('main').getByRole('status').filter({ hasText: `Delivery of batch.completed ${deliveryId.slice(0, 8)} sent again.` }).isVisible()).toBe(true);
      await browser.page.locator('tr[data-delivery-id][data-status="delivered"]').waitFor({ timeout: 20_000 });
      expect(receiver.received.map((r) => r.body.type)).toEqual(['batch.completed', 'batch.completed']);

      // A refused retry (here 429) says why, visibly, and stays while the deliveries are re-read.
      const refuse = (route: Route) =>
        route.fulfill({
          status: 429,
          contentType: 'application/problem+json',
          json: { type: 'urn:lucro:problem:rate_limited', title: 'Too many requests', status: 429, detail: 'Too many requests; slow down.', code: 'rate_limited' },
        });
      await browser.page.route('**/api/webhooks/*/deliveries/*/retry', refuse);
      try {
        await delivery.getByRole('button', { name: /^Retry now: batch.completed delivery/ }).click();
        const refused = browser.page.locator('main').getByRole('alert').filter({ hasText: 'Retry failed: Too many requests; slow down.' });
        await refused.waitFor();
        expect(await refused.isVisible()).toBe(true);
        expect(await browser.page.locator('main').getByRole('status').filter({ hasText: 'sent again' }).count()).toBe(0);
        await browser.page.waitForTimeout(2500);
        expect(await refused.isVisible()).toBe(true);
      } finally {
        await browser.page.unroute('**/api/webhooks/*/deliveries/*/retry', refuse);
      }
    } finally {
      await receiver.close();
    }
  });

  it('when the user signs out, then the key is gone and pages ask for it again', async () => {
    await browser.page.getByRole('button', { name: 'Sign out' }).click();
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedItems()).toBe(0);
    await browser.page.goto(`${base}/console/#/accounts`);
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('when an account link is opened while signed out, then signing in opens that account', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-CONSOLE`);
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await browser.page.getByLabel('API key').fill(key);
    await browser.page.getByRole('button', { name: 'Sign in' }).click();
    await browser.page.getByRole('heading', { name: 'Account ACC-CONSOLE' }).waitFor();
    expect(browser.page.url()).toMatch(/#\/accounts\/ACC-CONSOLE$/);
    await browser.page.getByRole('button', { name: 'Sign out' }).click();
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedItems()).toBe(0);
  });

  it('when the API answers 401 (a revoked or wrong key), then the console returns to sign-in, says why, and goes back to the page after signing in', async () => {
    await browser.page.evaluate(() => (globalThis as unknown as BrowserStorage).sessionStorage.setItem('lucro.console.key', 'lucro_revoked'));
    await browser.page.goto(`${base}/console/#/accounts`);
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await browser.page.getByText('The API refused your key: it may have been revoked or have expired. Sign in again.').waitFor();
    expect(await storedValues()).not.toContain('lucro_revoked');
    await browser.page.getByLabel('API key').fill(key);
    await browser.page.getByRole('button', { name: 'Sign in' }).click();
    await browser.page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await browser.page.getByRole('button', { name: 'Sign out' }).click();
    await browser.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedItems()).toBe(0);
  });

  it('when every page has been used, then the browser reported no Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });

  it('when the console has loaded, then everything it loaded comes from this server and weighs under 300 KB gzipped', async () => {
    const loaded: string[] = await browser.page.evaluate(() =>
      (globalThis as unknown as { performance: { getEntriesByType(type: string): Array<{ name: string }> } }).performance.getEntriesByType('resource').map((e) => e.name),
    );
    const files = [`${base}/console/`, ...loaded.filter((url) => !url.includes('/api/'))];
    expect(files.every((url) => url.startsWith(`${base}/console/`))).toBe(true);
    let gzipped = 0;
    for (const url of new Set(files)) gzipped += gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).length;
    expect(files.length).toBeGreaterThan(5);
    expect(gzipped).toBeLessThan(300 * 1024);
  });
});
