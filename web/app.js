import { api, session } from './api.js';
import { append, h, replace } from './dom.js';
import { accountPage } from './pages/account.js';
import { accountsPage } from './pages/accounts.js';
import { batchPage } from './pages/batch.js';
import { batchesPage } from './pages/batches.js';
import { reviewPage } from './pages/review.js';
import { signInPage } from './pages/signin.js';
import { transactionPage } from './pages/transaction.js';
import { webhooksPage } from './pages/webhooks.js';

/** Hash routes: the server serves one page; nothing about the user ever goes into a URL it sees. */
const ROUTES = [
  { pattern: /^#\/signin$/, page: signInPage, open: true },
  { pattern: /^#\/batches$/, page: batchesPage, nav: '#/batches' },
  { pattern: /^#\/batches\/([0-9a-f-]+)$/i, page: batchPage, nav: '#/batches' },
  { pattern: /^#\/accounts$/, page: accountsPage, nav: '#/accounts' },
  { pattern: /^#\/accounts\/([^/]+)$/, page: accountPage, nav: '#/accounts' },
  { pattern: /^#\/accounts\/([^/]+)\/review$/, page: reviewPage, nav: '#/accounts' },
  { pattern: /^#\/accounts\/([^/]+)\/transactions\/([^/]+)$/, page: transactionPage, nav: '#/accounts' },
  { pattern: /^#\/webhooks$/, page: webhooksPage, nav: '#/webhooks' },
];

/** An address that names no page, or names one in broken percent-encoding (#/accounts/%E0%A4%A). */
function notFoundPage(main, { hash }) {
  append(main, h('h1', {}, 'Page not found'), h('p', {}, `The console has no page at ${hash}.`), h('p', {}, h('a', { href: '#/batches' }, 'Go to the batches')));
}
const NOT_FOUND = { page: notFoundPage, open: true };

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
    // A link opened while signed out (not the bare /console) is where sign-in goes next.
    if (window.location.hash) session.returnAfterSignIn(hash);
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
  replace(main, view);
  const controller = new AbortController();
  cleanup = () => controller.abort();
  try {
    await route.page(view, { params, query: new URLSearchParams(query), hash, signal: controller.signal });
  } catch (error) {
    if (!controller.signal.aborted) append(view, h('p', { class: 'error', role: 'alert' }, error.message));
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
