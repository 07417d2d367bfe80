import { api, session } from './api.js';
import { append, h, replace } from './dom.js';
import { failureNotice } from './failure.js';
import { accountPage } from './pages/account.js';
import { accountsPage } from './pages/accounts.js';
import { batchPage } from './pages/batch.js';
import { batchesPage } from './pages/batches.js';
import { reviewPage } from './pages/review.js';
import { signInPage } from './pages/signin.js';
import { transactionPage } from './pages/transaction.js';
import { webhooksPage } from './pages/webhooks.js';

/**
 * Hash routes: the server serves one page; nothing about the user ever goes into a URL it sees.
 * `title` is the page's heading, kept when the page cannot load.
 */
const ROUTES = [
  { pattern: /^#\/signin$/, page: signInPage, open: true, title: () => 'Sign in' },
  { pattern: /^#\/batches$/, page: batchesPage, nav: '#/batches', title: () => 'Batches' },
  { pattern: /^#\/batches\/([0-9a-f-]+)$/i, page: batchPage, nav: '#/batches', title: ([batchId]) => `Batch ${batchId.slice(0, 8)}` },
  { pattern: /^#\/accounts$/, page: accountsPage, nav: '#/accounts', title: () => 'Accounts' },
  { pattern: /^#\/accounts\/([^/]+)$/, page: accountPage, nav: '#/accounts', title: ([accountId]) => `Account ${accountId}` },
  { pattern: /^#\/accounts\/([^/]+)\/review$/, page: reviewPage, nav: '#/accounts', title: ([accountId]) => `Review queue: ${accountId}` },
  { pattern: /^#\/accounts\/([^/]+)\/transactions\/([^/]+)$/, page: transactionPage, nav: '#/accounts', title: ([, transactionId]) => `Transaction ${transactionId}` },
  { pattern: /^#\/webhooks$/, page: webhooksPage, nav: '#/webhooks', title: () => 'Webhooks' },
];

/** How long a page may take before it says it is loading: a quick one never flashes the notice. */
const LOADING_NOTICE_MS = 300;

/**
 * A page that could not load keeps its heading and says why, with a Retry button; an outage (429,
 * 5xx, the network) is retried by itself, after the server's Retry-After when it gave one.
 */
function showFailure(view, title, error, signal) {
  let heading = view.querySelector('h1');
  if (!heading) {
    heading = h('h1', {}, title);
    view.prepend(heading);
  }
  // Right under the heading, where it is read first, not below the parts of the page left empty.
  heading.after(...failureNotice(error, render, signal));
}

/** An address that names no page, or names one in broken percent-encoding (#/accounts/%E0%A4%A). */
function notFoundPage(main, { hash }) {
  append(main, h('h1', {}, 'Page not found'), h('p', {}, `The console has no page at ${hash}.`), h('p', {}, h('a', { href: '#/batches' }, 'Go to the batches')));
}
const NOT_FOUND = { page: notFoundPage, open: true, title: () => 'Page not found' };

/** The route matching the hash and its decoded parameters, or the not-found page. */
function resolve(hash) {
  const route = ROUTES.find((r) => r.pattern.test(hash));
  if (!route) return { route: NOT_FOUND, params: [] };
  try {
    return { route, params: route.pattern.exec(hash).slice(1).map(decodeURIComponent) };
  } catch {
    // A malformed escape (decodeURIComponent's URIError): that address names no page either.
    return { route: NOT_FOUND, params: [] };
  }
}

/**
 * Whether the page was reached by Back or Forward. Back after signing out reaches the pages the
 * previous user saw: those are not where the next sign-in in this tab goes, unlike an address opened
 * or followed (the Navigation API says which; without it, every address counts as asked for).
 */
let traversed = false;
window.navigation?.addEventListener('navigate', (event) => {
  traversed = event.navigationType === 'traverse';
});

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = () => {};

async function render() {
  cleanup();
  cleanup = () => {};
  const hash = window.location.hash || '#/batches';
  // After "?" comes the page's own state (the transactions list's filters), not part of its route.
  const [path, query = ''] = hash.split('?');
  const { route, params } = resolve(path);
  if (!route.open && !session.key) {
    // A link opened while signed out (not the bare /console, nor a page gone Back to) is where sign-in goes next.
    if (window.location.hash && !traversed) session.returnAfterSignIn(hash);
    window.location.hash = '#/signin';
    return;
  }
  nav.hidden = !session.key;
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // Each page draws into a view of its own: one the user has left may still finish an answer it was
  // waiting for, and then draws into a view no longer on screen, not over the page that replaced it.
  const view = h('div');
  const loading = h('p', { class: 'notice', role: 'status' });
  replace(main, view, loading);
  const controller = new AbortController();
  cleanup = () => controller.abort();
  const slow = setTimeout(() => (loading.textContent = 'Loading…'), LOADING_NOTICE_MS);
  try {
    await route.page(view, { params, query: new URLSearchParams(query), hash, signal: controller.signal });
  } catch (error) {
    if (!controller.signal.aborted) showFailure(view, route.title(params), error, controller.signal);
  } finally {
    clearTimeout(slow);
    loading.remove();
  }
  if (controller.signal.aborted) return;
  // A new page moves focus to its heading, so keyboard and screen-reader users start there.
  const heading = view.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
    document.title = `${heading.textContent} · Lucro console`;
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  window.location.hash = '#/signin';
});
window.addEventListener('hashchange', render);
render();

export { api };
