import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { signedInConsole, type Browser } from './helpers/browser.js';
import { pushBatch, registerWebhook, untilBatchesEnriched } from './helpers/console-api.js';
import { createTestContext, type TestContext } from './helpers/context.js';

// What the console shows of the largest figures and the longest texts the API accepts: amounts up to
// 9999999999999.99 (totals of several such rows pass 10^13), merchants of 200 characters.
const ARTIFACTS = 'test-artifacts';
const LONG_MERCHANT = 'QWVXZ'.repeat(40);
const LONG_DESCRIPTION = 'POS/PURCHASE/CARD-1234/AMAZON.COM*MK1234ABCD/SEATTLE/WA/US/REF:000001234567890123';
const MISSING_BATCH = '00000000-0000-0000-0000-000000000000';
// The longest account id the API accepts (64 characters), and a webhook endpoint whose URL and
// delivery error are one long word each (a host that does not resolve, as a delivery reports it).
const LONG_ACCOUNT = 'ACC:QWVXZQWVXZQWVXZQWVXZQWVXZQWVXZQWVXZQWVXZQWVXZQWVXZQWVXZQWVXZ';
// The longest transaction id the contract allows: 128 characters, with no space to break at.
const LONG_TRANSACTION = `TX:${'QWVXZ.'.repeat(20)}${'Q'.repeat(5)}`;
const HOOK_HOST = `${'qwvxz'.repeat(12)}.${'qwvxz'.repeat(12)}.example.invalid`;
const HOOK_URL = `https://${HOOK_HOST}/lucro/${'QWVXZ'.repeat(40)}`;
const HOOK_ERROR = `getaddrinfo ENOTFOUND ${HOOK_HOST}`;

let ctx: TestContext;
let browser: Browser;
let base: string;
let key: string;
let longBatch: string;
let longAccountBatch: string;
let hookId: string;

const push = (body: unknown) => pushBatch(base, key, body);

const shot = (name: string) => browser.page.screenshot({ path: `${ARTIFACTS}/console-${name}.png`, fullPage: true });

/** The little of the browser's DOM these layout checks use (the project compiles without the DOM library). */
interface Box {
  top: number;
  left: number;
  right: number;
  bottom: number;
}
interface LayoutElement {
  textContent: string;
  scrollWidth: number;
  clientWidth: number;
  innerText: string;
  dataset: Record<string, string | undefined>;
  firstElementChild: LayoutElement | null;
  closest(selector: string): LayoutElement | null;
  querySelector(selector: string): LayoutElement | null;
  querySelectorAll(selector: string): Iterable<LayoutElement>;
  getBoundingClientRect(): Box;
  getClientRects(): Iterable<Box>;
}
interface LayoutGlobals {
  document: {
    documentElement: LayoutElement;
    querySelector(selector: string): LayoutElement | null;
    querySelectorAll(selector: string): Iterable<LayoutElement>;
    createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } };
    createRange(): { selectNodeContents(node: unknown): void; getClientRects(): Iterable<Box> };
  };
}

/**
 * How a summary card shows its figure, as "field: problem" lines (none when it is read whole): its
 * text, on how many lines the figure is drawn, whether any of it is drawn outside its card, and
 * whether another card overlaps it.
 */
const cardProblems = (shown: Record<string, string>) =>
  browser.page.evaluate((shown) => {
    const { document } = globalThis as unknown as LayoutGlobals;
    const cards = [...document.querySelectorAll('.cards .card')].map((card) => card.getBoundingClientRect());
    const problems: string[] = [];
    for (const [field, text] of Object.entries(shown)) {
      const value = document.querySelector(`[data-field="${field}"]`);
      const card = value?.closest('.card');
      if (!value || !card) {
        problems.push(`${field}: not shown`);
        continue;
      }
      if (value.innerText.replace(/\s+/g, ' ') !== text) problems.push(`${field}: reads "${value.innerText}"`);
      const lines = new Set([...(value.firstElementChild?.getClientRects() ?? [])].map((rect) => Math.round(rect.top))).size;
      if (lines !== 1) problems.push(`${field}: figure on ${lines} lines`);
      const inside = card.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(value);
      for (const rect of range.getClientRects()) {
        if (rect.left < inside.left || rect.right > inside.right || rect.top < inside.top || rect.bottom > inside.bottom) problems.push(`${field}: drawn outside its card`);
      }
      if (value.scrollWidth > value.clientWidth) problems.push(`${field}: wider than its card`);
      const others = cards.filter((other) => other.left !== inside.left || other.top !== inside.top);
      if (others.some((o) => o.left < inside.right && inside.left < o.right && o.top < inside.bottom && inside.top < o.bottom)) problems.push(`${field}: overlapped by another card`);
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways by ${root.scrollWidth - root.clientWidth} px`);
    return problems;
  }, shown);

/**
 * Money labels of a chart's y axis that do not fit left of its plot, as "label (needs N px, has M)".
 * uPlot draws them right-aligned, 15 px left of the plot (a 10 px tick and a 5 px gap), in its 12px
 * axis font; one wider than the room left of that is cut at the chart's left edge.
 */
const clippedMoneyLabels = (selector: string) =>
  browser.page.evaluate((selector) => {
    const { document } = globalThis as unknown as LayoutGlobals;
    const chart = document.querySelector(selector);
    const shown = (chart?.dataset.moneyLabels ?? '').split(' ').filter(Boolean);
    if (shown.length < 2) return [`${shown.length} labels drawn`];
    const room = (chart?.querySelector('.u-over')?.getBoundingClientRect().left ?? 0) - (chart?.getBoundingClientRect().left ?? 0) - 15;
    const context = document.createElement('canvas').getContext('2d');
    context.font = '12px system-ui, sans-serif';
    return shown.filter((label) => context.measureText(label).width > room).map((label) => `${label} (needs ${Math.ceil(context.measureText(label).width)} px, has ${room})`);
  }, selector);

/**
 * What of a table row is out of sight in its scrolling region at the window's width: the cells of
 * `columns` (by header) drawn outside the region's visible box, and cells whose text spills out of them.
 */
async function hiddenCells(region: Locator, row: Locator, columns: string[]): Promise<string[]> {
  const visible = await region.boundingBox();
  // The row is read in one look: a list that polls (deliveries, a live batch) may draw it anew between two.
  const { boxes, spilling } = await row.evaluate((tr, wanted) => {
    const element = tr as unknown as LayoutElement;
    const headers = [...(element.closest('table')?.querySelectorAll('thead th') ?? [])].map((th) => th.textContent);
    const cells = [...element.querySelectorAll(':scope > td')];
    return {
      boxes: wanted.map((column) => {
        const box = cells[headers.indexOf(column)]?.getBoundingClientRect();
        return box ? { left: box.left, right: box.right } : null;
      }),
      spilling: cells.filter((cell) => cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent),
    };
  }, columns);
  const hidden = columns.filter((_, i) => {
    const box = boxes[i];
    return !visible || !box || box.left < visible.x || box.right > visible.x + visible.width;
  });
  const wrap = await region.evaluate((el) => el.scrollWidth - el.clientWidth);
  return [...hidden.map((column) => `${column} out of view`), ...spilling.map((text) => `"${text}" spills out of its cell`), ...(wrap > 0 ? [`the table scrolls sideways by ${wrap} px`] : [])];
}

/**
 * What of a row drawn as a card (a stacked table at phone width) is drawn over another part of it or
 * outside it, as lines like `"RENT_AND_UTILITIES …" overlaps "completed"` (none when each cell has room
 * of its own): the boxes each shown cell's contents are drawn in (lines of text, badges, notes), cell
 * against cell and against the card.
 */
const rowCardProblems = (row: Locator) =>
  row.evaluate((tr) => {
    const { document } = globalThis as unknown as LayoutGlobals;
    const card = (tr as unknown as LayoutElement).getBoundingClientRect();
    const cells = [...(tr as unknown as LayoutElement).querySelectorAll('td')]
      .map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return { text: cell.innerText.replace(/\s+/g, ' ').trim(), boxes: [...range.getClientRects()].filter((box) => box.right - box.left > 0.5 && box.bottom - box.top > 0.5) };
      })
      .filter((cell) => cell.boxes.length > 0);
    const overlap = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const problems: string[] = [];
    cells.forEach((cell, i) => {
      if (cell.boxes.some((box) => box.left < card.left - 0.5 || box.right > card.right + 0.5)) problems.push(`"${cell.text}" is drawn outside the card`);
      for (const other of cells.slice(i + 1)) {
        if (cell.boxes.some((box) => other.boxes.some((o) => overlap(box, o)))) problems.push(`"${cell.text}" overlaps "${other.text}"`);
      }
    });
    return problems;
  });

/** On how many lines an element's text is drawn. */
const linesOf = (locator: Locator) =>
  locator.evaluate((el) => {
    const range = (globalThis as unknown as LayoutGlobals).document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size;
  });

/** The boxes `selector`'s text is drawn in that lie outside its closest `.card`, and how far the page scrolls sideways. */
const outsideItsCard = (selector: string) =>
  browser.page.evaluate((selector) => {
    const { document } = globalThis as unknown as LayoutGlobals;
    const element = document.querySelector(selector);
    const card = element?.closest('.card')?.getBoundingClientRect();
    if (!element || !card) return [`${selector} not shown in a card`];
    const range = document.createRange();
    range.selectNodeContents(element);
    const problems = [...range.getClientRects()].filter((box) => box.left < card.left || box.right > card.right).map((box) => `a line from ${Math.round(box.left)} to ${Math.round(box.right)} px, the card from ${Math.round(card.left)} to ${Math.round(card.right)}`);
    const root = document.documentElement;
    return root.scrollWidth > root.clientWidth ? [...problems, `the page scrolls sideways by ${root.scrollWidth - root.clientWidth} px`] : problems;
  }, selector);

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  ctx = await createTestContext({ WEBHOOK_SECRET_KEY: '0'.repeat(64) });
  ctx.container.worker.start();
  base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  key = await ctx.key(['ingest', 'reports']);
  // Registered first, so each batch below gives it a delivery of batch.completed (no deliverer runs here).
  hookId = await registerWebhook(base, key, HOOK_URL);
  await push({
    account: { account_id: 'ACC-MILLIONS', currency: 'USD' },
    transactions: [
      { transaction_id: 'M-1', date: '2026-10-01', amount: '15000000.00', description: 'ACME CORP SETTLEMENT' },
      { transaction_id: 'M-2', date: '2026-10-02', amount: '-12345678.90', merchant_name: 'Parkside Apartments' },
      { transaction_id: 'M-3', date: '2026-11-03', amount: '-12.10', merchant_name: 'Starbucks' },
    ],
  });
  await push({
    account: { account_id: 'ACC-TRILLIONS', currency: 'USD' },
    transactions: [
      { transaction_id: 'T-1', date: '2026-10-01', amount: '9999999999999.99', description: 'ACME CORP SETTLEMENT' },
      { transaction_id: 'T-2', date: '2026-11-01', amount: '9999999999999.99', description: 'ACME CORP SETTLEMENT' },
      { transaction_id: 'T-3', date: '2026-10-02', amount: '-9999999999999.99', merchant_name: 'Parkside Apartments' },
      { transaction_id: 'T-4', date: '2026-10-03', amount: '-9999999999999.99', merchant_name: 'Parkside Apartments' },
      { transaction_id: 'T-5', date: '2026-11-02', amount: '-9999999999999.99', merchant_name: 'Parkside Apartments' },
    ],
  });
  longBatch = await push({
    account: { account_id: 'ACC-LONG', currency: 'USD' },
    transactions: [
      { transaction_id: 'L-1', date: '2026-11-05', amount: '-45.00', merchant_name: LONG_MERCHANT, description: 'QWVXZ 0042' },
      { transaction_id: 'L-2', date: '2026-11-04', amount: '-19.99', description: LONG_DESCRIPTION },
      { transaction_id: 'L-3', date: '2026-11-03', amount: '-4.75', merchant_name: 'Starbucks', description: 'STARBUCKS STORE 1234 SEATTLE WA' },
    ],
  });
  longAccountBatch = await push({
    account: { account_id: LONG_ACCOUNT, currency: 'USD' },
    transactions: [{ transaction_id: 'A-1', date: '2026-11-06', amount: '-12.10', merchant_name: 'Starbucks' }],
  });
  await untilBatchesEnriched(base, key);
  // Each delivery tried once, as a deliverer leaves it when the host does not resolve.
  await ctx.sql.query('UPDATE webhook_deliveries SET attempts = 1, last_error = $1 WHERE endpoint_id = $2', [HOOK_ERROR, hookId]);
  browser = await signedInConsole(base, key);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
});

describe('the console\'s layout with the largest figures and longest texts, in headless Chromium', () => {
  it('when an account\'s totals run to millions or past 10^13, then each summary card shows its whole figure on one line inside the card, at 1280, 1024 and 390 px wide', async () => {
    const accounts = {
      'ACC-MILLIONS': { total_spend: '12,345,691.00 USD', total_income: '15,000,000.00 USD', net: '2,654,309.00 USD' },
      'ACC-TRILLIONS': { total_spend: '29,999,999,999,999.97 USD', total_income: '19,999,999,999,999.98 USD', net: '−9,999,999,999,999.99 USD' },
    };
    try {
      for (const [account, shown] of Object.entries(accounts)) {
        await browser.page.goto(`${base}/console/#/accounts/${account}`);
        await browser.page.locator('[data-field="total_spend"]').waitFor();
        for (const width of [1280, 1024, 390]) {
          await browser.page.setViewportSize({ width, height: 800 });
          // Polled: the charts follow the new width a frame after it.
          await expect.poll(() => cardProblems(shown), { message: `${account} at ${width} px` }).toEqual([]);
          await shot(`${account.toLowerCase()}-${width}`);
        }
      }
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('when the chart figures run to millions or past 10^13, then every money label of both charts is drawn whole, at 1280 and 390 px wide', async () => {
    try {
      for (const account of ['ACC-MILLIONS', 'ACC-TRILLIONS']) {
        await browser.page.goto(`${base}/console/#/accounts/${account}`);
        await browser.page.locator('#chart-income-spend canvas').waitFor();
        for (const width of [1280, 390]) {
          await browser.page.setViewportSize({ width, height: 800 });
          await expect.poll(() => clippedMoneyLabels('#chart-spend-by-category'), { message: `${account} spend by category at ${width} px` }).toEqual([]);
          await expect.poll(() => clippedMoneyLabels('#chart-income-spend'), { message: `${account} income and spend at ${width} px` }).toEqual([]);
        }
      }
      // The labels are whole figures, grouped as the cards' are (10,000,000,000,000), not shortened.
      expect(await browser.page.locator('#chart-income-spend').getAttribute('data-money-labels')).toMatch(/\d{2},000,000,000,000/);
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('when a merchant or description is one long unbroken word, then the account\'s transactions, the batch\'s and the review queue wrap it in its cell and keep Amount and Category in view', async () => {
    await browser.page.goto(`${base}/console/#/accounts/ACC-LONG`);
    const transactions = browser.page.getByRole('region', { name: 'Transactions of ACC-LONG, newest first' });
    for (const id of ['L-1', 'L-2', 'L-3']) {
      const row = transactions.locator(`tr[data-transaction-id="${id}"]`);
      await row.waitFor();
      expect(await hiddenCells(transactions, row, ['Amount', 'Category', 'Enrichment']), `account row ${id}`).toEqual([]);
    }
    // The whole text is shown, wrapped: nothing of it is cut off.
    expect(await transactions.locator('tr[data-transaction-id="L-1"] td').nth(2).innerText()).toBe(LONG_MERCHANT);
    expect((await transactions.locator('tr[data-transaction-id="L-2"] td').nth(3).innerText()).replace(/\s+/g, '')).toBe(LONG_DESCRIPTION);
    await shot('long-texts');

    await browser.page.goto(`${base}/console/#/batches/${longBatch}`);
    const batch = browser.page.getByRole('region', { name: 'Transactions of the batch' });
    await batch.locator('tbody tr').first().waitFor();
    for (const row of await batch.locator('tbody tr').all()) {
      expect(await hiddenCells(batch, row, ['Amount', 'Category', 'Enrichment']), `batch row ${await row.locator('td').nth(1).textContent()}`).toEqual([]);
    }

    await browser.page.goto(`${base}/console/#/accounts/ACC-LONG/review`);
    const queue = browser.page.getByRole('region', { name: 'Transactions to review' });
    const queued = queue.locator('tr[data-transaction-id="L-1"]');
    await queued.waitFor();
    expect(await hiddenCells(queue, queued, ['Amount', 'Category', 'Correct to']), 'review row L-1').toEqual([]);
    expect(await queued.locator('td').nth(1).innerText()).toBe(LONG_MERCHANT);
    await shot('long-texts-review');
  });

  it('when the window is phone-wide, then a row with a long unbroken merchant wraps it inside its card and nothing scrolls sideways', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-LONG`);
      const transactions = browser.page.getByRole('region', { name: 'Transactions of ACC-LONG, newest first' });
      const row = transactions.locator('tr[data-transaction-id="L-1"]');
      await row.waitFor();
      expect(await hiddenCells(transactions, row, ['Amount', 'Category', 'Enrichment'])).toEqual([]);
      expect(await browser.page.evaluate(() => {
        const root = (globalThis as unknown as LayoutGlobals).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      })).toBeLessThanOrEqual(0);
      await shot('long-texts-phone');
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('when the window is phone-wide and an amount is near 10^13, then each row card shows the amount whole on one line and nothing in the card overlaps', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    try {
      await browser.page.goto(`${base}/console/#/accounts/ACC-TRILLIONS`);
      const transactions = browser.page.getByRole('region', { name: 'Transactions of ACC-TRILLIONS, newest first' });
      await transactions.locator('tr[data-transaction-id="T-5"]').waitFor();
      for (const id of ['T-1', 'T-2', 'T-3', 'T-4', 'T-5']) {
        expect(await rowCardProblems(transactions.locator(`tr[data-transaction-id="${id}"]`)), `row ${id}`).toEqual([]);
      }
      const rent = transactions.locator('tr[data-transaction-id="T-3"]');
      const amount = rent.locator('td').nth(4);
      expect(await amount.innerText()).toBe('−9,999,999,999,999.99 USD');
      expect(await linesOf(amount)).toBe(1);
      // The category is all there, though it may take two lines.
      expect((await rent.locator('td').nth(5).innerText()).split('\n')[0]?.replace(/\s+/g, '')).toBe('RENT_AND_UTILITIES');
      await shot('trillions-phone');
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('when a batch\'s account id is 64 characters long, then the phone-wide batch page wraps it inside its card and nothing scrolls sideways', async () => {
    await browser.page.setViewportSize({ width: 390, height: 844 });
    try {
      await browser.page.goto(`${base}/console/#/batches/${longAccountBatch}`);
      const account = browser.page.getByRole('link', { name: LONG_ACCOUNT });
      await account.waitFor();
      expect((await account.innerText()).replace(/\s+/g, '')).toBe(LONG_ACCOUNT);
      expect(await outsideItsCard(`a[href="#/accounts/${encodeURIComponent(LONG_ACCOUNT)}"]`)).toEqual([]);
      await shot('long-account-phone');
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('when a webhook\'s URL and its deliveries\' last error are long unbroken words, then both tables wrap them in their cells and keep every column in view at 1280 px', async () => {
    await browser.page.goto(`${base}/console/#/webhooks`);
    const endpoints = browser.page.getByRole('region', { name: 'Webhook endpoints' });
    const endpoint = endpoints.locator('tbody tr').first();
    await endpoint.waitFor();
    expect(await hiddenCells(endpoints, endpoint, ['URL', 'Events', 'Created', 'Deliveries'])).toEqual([]);
    expect((await endpoint.locator('td').first().innerText()).replace(/\s+/g, '')).toBe(HOOK_URL);

    await browser.page.getByRole('button', { name: `Show deliveries to ${HOOK_URL}` }).click();
    const deliveries = browser.page.getByRole('region', { name: `Deliveries to ${HOOK_URL}` });
    await deliveries.locator('tbody tr').first().waitFor();
    for (const row of await deliveries.locator('tbody tr').all()) {
      expect(await hiddenCells(deliveries, row, ['Event', 'Status', 'Attempts', 'Last response', 'Next attempt', 'Created', 'Retry'])).toEqual([]);
      expect(await row.locator('td').nth(3).innerText()).toBe(HOOK_ERROR);
    }
    expect(await browser.page.evaluate(() => {
      const root = (globalThis as unknown as LayoutGlobals).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    })).toBeLessThanOrEqual(0);
    await shot('long-webhook');
  });

  it('when a batch that does not exist is opened, then the page says so once', async () => {
    await browser.page.goto(`${base}/console/#/batches/${MISSING_BATCH}`);
    const heading = browser.page.getByRole('heading', { name: `Batch ${MISSING_BATCH.slice(0, 8)}` });
    // The page is done loading once its heading has focus (app.js moves it there last).
    await expect.poll(() => heading.evaluate((el) => el === (el.ownerDocument.activeElement as unknown))).toBe(true);
    expect(await browser.page.getByRole('alert').allTextContents()).toEqual([`No batch ${MISSING_BATCH}.`]);
  });

  it('when a transaction id is 128 characters and an account id 64, then the ids wrap: the account\'s list keeps every column in view at 1280 px, and nothing scrolls sideways at 390 px', async () => {
    expect(LONG_TRANSACTION).toHaveLength(128);
    expect(LONG_ACCOUNT).toHaveLength(64);
    await push({ account: { account_id: LONG_ACCOUNT, currency: 'USD' }, transactions: [{ transaction_id: LONG_TRANSACTION, date: '2026-11-07', amount: '-45.00', merchant_name: 'Starbucks' }] });
    await untilBatchesEnriched(base, key);
    const sideways = () =>
      browser.page.evaluate(() => {
        const root = (globalThis as unknown as LayoutGlobals).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });

    await browser.page.goto(`${base}/console/#/accounts/${encodeURIComponent(LONG_ACCOUNT)}`);
    const transactions = browser.page.getByRole('region', { name: `Transactions of ${LONG_ACCOUNT}, newest first` });
    const row = transactions.locator(`tr[data-transaction-id="${LONG_TRANSACTION}"]`);
    await row.waitFor();
    expect(await hiddenCells(transactions, row, ['Date', 'ID', 'Merchant', 'Amount', 'Category', 'Enrichment'])).toEqual([]);
    expect((await row.getByRole('link').innerText()).replace(/\s+/g, '')).toBe(LONG_TRANSACTION);
    expect(await sideways()).toBeLessThanOrEqual(0);
    await shot('long-ids');

    await browser.page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const hash of [`#/accounts/${encodeURIComponent(LONG_ACCOUNT)}`, `#/accounts/${encodeURIComponent(LONG_ACCOUNT)}/review`, `#/accounts/${encodeURIComponent(LONG_ACCOUNT)}/transactions/${encodeURIComponent(LONG_TRANSACTION)}`, '#/accounts', '#/batches']) {
        await browser.page.goto(`${base}/console/${hash}`);
        await browser.page.getByRole('heading', { level: 1 }).waitFor();
        await browser.page.getByText(LONG_ACCOUNT.slice(0, 20)).first().waitFor();
        expect(await sideways(), `${hash} scrolls sideways`).toBeLessThanOrEqual(0);
      }
      await shot('long-ids-phone');
    } finally {
      await browser.page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
