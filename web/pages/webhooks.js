import { api } from '../api.js';
import { announce, append, dateTime, h, replace, replaceKeepingFocus, table } from '../dom.js';
import { failureNotice } from '../failure.js';
import { pagesShown, rememberInAddress } from '../paging.js';

const POLL_MS = 2000;
const PAGE_SIZE = 50;
/** The most deliveries one request may read (the API's limit): the live list re-reads all it shows at once. */
const MAX_LIMIT = 1000;

/**
 * Webhook endpoints (contract §13) and one endpoint's deliveries, newest first, re-read while shown,
 * with a retry for each. "Load older deliveries" adds a page; the address keeps the endpoint and how
 * many pages, and opens with as many again.
 */
export async function webhooksPage(main, { query, signal }) {
  append(main, h('h1', {}, 'Webhooks'));
  let list;
  try {
    list = await api('GET', '/api/webhooks');
  } catch (error) {
    // Any other failure is the console's to show, with Retry (app.js).
    if (error.status !== 404) throw error;
    append(main, h('p', { class: 'notice' }, 'This server has no webhooks yet.'));
    return;
  }
  if (list.webhooks.length === 0) {
    append(main, h('p', { class: 'notice' }, 'No webhook endpoints. Create one with POST /api/webhooks.'));
    return;
  }
  const deliveries = h('div');
  // What "Retry now" did, shown beside the deliveries as well as read out: polling redraws the rows, not this.
  const outcome = h('div');
  const rows = h('div');
  const pager = h('div', { class: 'pager' });
  append(
    main,
    table({
      caption: 'Webhook endpoints',
      columns: [
        { label: 'URL', text: true, cell: (w) => w.url },
        { label: 'Events', cell: (w) => w.events.join(', ') },
        { label: 'Created', narrow: true, cell: (w) => dateTime(w.created_at) },
        { label: 'Deliveries', cell: (w) => h('button', { type: 'button', class: 'secondary', 'aria-label': `Show deliveries to ${w.url}`, onclick: () => show(w, 1) }, 'Show') },
      ],
      rows: list.webhooks,
    }),
    deliveries,
  );

  let webhook = null;
  let shown = [];
  let cursor = null;
  let pages = 1;
  // Each "Show" starts anew: an answer about the endpoint shown before is not drawn.
  let showing = 0;
  // While older deliveries load, a re-read of the newer ones (asked for fewer) is not drawn.
  let loadingOlder = false;
  let olderFailed = false;
  let listFailed = false;
  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));
  const remember = () => rememberInAddress('#/webhooks', [['webhook', webhook.id], ['pages', pages > 1 ? pages : '']], signal);

  function draw() {
    replaceKeepingFocus(
      rows,
      shown.length === 0
        ? h('p', { class: 'notice' }, 'Nothing delivered yet.')
        : table({
            caption: `Deliveries to ${webhook.url}`,
            columns: [
              { label: 'Event', cell: (d) => d.event_type },
              { label: 'Status', cell: (d) => d.status },
              { label: 'Attempts', num: true, cell: (d) => d.attempts },
              { label: 'Last response', text: true, cell: (d) => d.last_response_status ?? d.last_error ?? '' },
              { label: 'Next attempt', narrow: true, cell: (d) => (d.next_attempt_at ? dateTime(d.next_attempt_at) : '') },
              { label: 'Created', narrow: true, cell: (d) => dateTime(d.created_at) },
              {
                label: 'Retry',
                cell: (d) => h('button', { type: 'button', class: 'secondary', 'aria-label': `Retry now: ${d.event_type} delivery ${d.delivery_id.slice(0, 8)}`, onclick: () => retry(d) }, 'Retry now'),
              },
            ],
            rows: shown,
            rowProps: (d) => ({ 'data-delivery-id': d.delivery_id, 'data-status': d.status }),
          }),
    );
    // Redrawn with the focus kept: a keyboard user who loaded older deliveries stays on the button.
    // A failed "Load older deliveries" keeps its error and Retry until it succeeds: polling does not wipe them.
    if (!olderFailed) replaceKeepingFocus(pager, cursor ? h('button', { type: 'button', class: 'secondary', onclick: more }, 'Load older deliveries') : null);
  }

  async function retry(delivery) {
    const mine = showing;
    try {
      await api('POST', '/api/webhooks/{id}/deliveries/{delivery_id}/retry', { path: { id: webhook.id, delivery_id: delivery.delivery_id } });
      const said = `Delivery of ${delivery.event_type} ${delivery.delivery_id.slice(0, 8)} sent again.`;
      if (signal.aborted || mine !== showing) return;
      replace(outcome, h('p', { class: 'notice', role: 'status' }, said));
      announce(said);
    } catch (error) {
      const said = `Retry failed: ${error.message}`;
      if (signal.aborted || mine !== showing) return;
      replace(outcome, h('p', { class: 'error', role: 'alert' }, said));
      announce(said);
    }
    await refresh();
  }

  /** Shows the endpoint's newest `pageCount` pages of deliveries. */
  function show(endpoint, pageCount) {
    showing += 1;
    webhook = endpoint;
    shown = [];
    cursor = null;
    pages = pageCount;
    olderFailed = false;
    listFailed = false;
    replace(deliveries, h('h2', { class: 'text' }, `Deliveries to ${webhook.url}`), outcome, rows, pager);
    replace(outcome);
    replace(rows);
    replace(pager);
    return refresh();
  }

  async function refresh() {
    clearTimeout(timer);
    const mine = showing;
    const asked = pages;
    try {
      // As many of the newest deliveries as are shown are read again, so new ones and their progress both appear.
      const page = await api('GET', '/api/webhooks/{id}/deliveries', { path: { id: webhook.id }, query: { limit: Math.min(Math.max(shown.length, PAGE_SIZE * pages), MAX_LIMIT) } });
      if (signal.aborted || mine !== showing) return;
      if (!loadingOlder && pages === asked) {
        shown = page.deliveries;
        cursor = page.next_cursor;
        listFailed = false;
        draw();
        remember();
      }
    } catch (error) {
      if (signal.aborted || mine !== showing) return;
      listFailed = true;
      // Said in the list's place, with Retry (one error for the list: a failed "Load older deliveries"
      // goes with it). Polling waits for it: an outage is read again by itself, after the server's
      // Retry-After when it gave one, else at the polling's pace (failure.js), and polls on from there.
      replace(rows, ...failureNotice(error, () => mine === showing && refresh(), signal, POLL_MS));
      olderFailed = false;
      replace(pager);
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(refresh, POLL_MS);
  }

  async function more() {
    const mine = showing;
    loadingOlder = true;
    try {
      const page = await api('GET', '/api/webhooks/{id}/deliveries', { path: { id: webhook.id }, query: { limit: PAGE_SIZE, cursor } });
      if (signal.aborted || mine !== showing) return;
      shown = [...shown, ...page.deliveries];
      cursor = page.next_cursor;
      pages += 1;
      olderFailed = false;
      // While the list says why it cannot be read, older deliveries that came meanwhile wait for it to come back.
      if (!listFailed) draw();
      remember();
    } catch (error) {
      if (signal.aborted || mine !== showing || listFailed) return;
      olderFailed = true;
      replace(pager, ...failureNotice(error, more, signal));
    } finally {
      loadingOlder = false;
    }
  }

  // The address names the endpoint shown last (a reload, Back, a new tab): shown again, as many pages.
  const named = list.webhooks.find((w) => w.id === query.get('webhook'));
  if (named) await show(named, pagesShown(query));
}
