import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Route } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it): nothing downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, quiet on the network, at 1280×800. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'lucro-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A browser signed in to the console with `key`, on its first page (Batches). `watch` is called on
 * the page before it loads, e.g. to collect its errors.
 */
export async function signedInConsole(base: string, key: string, watch?: (page: Page) => void): Promise<Browser> {
  const browser = await launchBrowser();
  // A step that cannot happen fails with its own message, well inside the test's time.
  browser.page.setDefaultTimeout(10_000);
  watch?.(browser.page);
  await browser.page.goto(`${base}/console/#/signin`);
  await browser.page.getByLabel('API key').fill(key);
  await browser.page.getByRole('button', { name: 'Sign in' }).click();
  await browser.page.getByRole('heading', { name: 'Batches' }).waitFor();
  return browser;
}

/** The little of the browser's globals these checks use (the project compiles without the DOM library). */
interface BrowserGlobals {
  document: { querySelectorAll(selector: string): Iterable<{ width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null }> };
  axe: { run(context: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> };
}

let axeSource: Promise<string> | undefined;

/** axe-core's findings on the page as it is now that are serious or critical, as "rule: target" lines. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy stays in force.
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as BrowserGlobals;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.targets.join(' ')}`);
}

/** Whether a canvas inside `selector` has drawn pixels in the colour `hex` (the chart's own series). */
export async function canvasHasColour(page: Page, selector: string, hex: string): Promise<boolean> {
  return page.evaluate(
    ({ selector, hex }) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const { document } = globalThis as unknown as BrowserGlobals;
      for (const canvas of document.querySelectorAll(`${selector} canvas`)) {
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (!data) continue;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i]! - r!) < 8 && Math.abs(data[i + 1]! - g!) < 8 && Math.abs(data[i + 2]! - b!) < 8 && data[i + 3]! > 200) return true;
        }
      }
      return false;
    },
    { selector, hex },
  );
}

/**
 * Answers requests matching `url` with the server's answer to them, changed by `change` (a batch
 * kept "processing" so its page goes on polling). Returns what undoes it: requests from then on
 * reach the server untouched, and it resolves once the ones being changed are answered — unrouted
 * mid-way, a change would be fulfilled after Playwright had let its request through.
 */
export async function changingAnswers(page: Page, url: (url: URL) => boolean, change: (json: Record<string, unknown>) => Record<string, unknown>): Promise<() => Promise<void>> {
  let stopped = false;
  const running = new Set<Promise<void>>();
  const handler = (route: Route): Promise<void> => {
    if (stopped) return route.fallback();
    const answered = (async () => {
      const response = await route.fetch();
      await route.fulfill({ response, json: change((await response.json()) as Record<string, unknown>) });
    })();
    running.add(answered);
    return answered.finally(() => running.delete(answered));
  };
  await page.route(url, handler);
  return async () => {
    stopped = true;
    await Promise.allSettled([...running]);
    await page.unroute(url, handler);
  };
}
