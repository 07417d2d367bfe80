import { api } from '../api.js';
import { announce, append, dateTime, h, idClass, replace, replaceKeepingFocus, statusBadge, table } from '../dom.js';
import { failureNotice } from '../failure.js';
import { pagesShown, rememberInAddress } from '../paging.js';

const POLL_MS = 2000;
const PAGE_SIZE = 50;
/** The most batches one request may read (the API's limit): the live list re-reads all it shows at once. */
const MAX_LIMIT = 1000;
const STATUSES = ['pending', 'processing', 'completed', 'completed_with_errors'];

export function progress(counts) {
  const done = counts.completed + counts.failed;
  return h(
    'span',
    { class: 'progress' },
    h('progress', { max: Math.max(counts.total, 1), value: counts.total === 0 ? 1 : done, 'aria-label': `${done} of ${counts.total} transactions done` }),
    ` ${done}/${counts.total}`,
  );
}

export function batchColumns() {
  return [
    { label: 'Batch', nowrap: true, cell: (b) => h('a', { href: `#/batches/${b.batch_id}` }, b.batch_id.slice(0, 8)) },
    { label: 'Account', wide: true, cell: (b) => h('a', { href: `#/accounts/${encodeURIComponent(b.account_id)}`, class: idClass(b.account_id) }, b.account_id) },
    { label: 'Status', cell: (b) => statusBadge(b.status) },
    { label: 'Progress', cell: (b) => progress(b.counts) },
    { label: 'Pending', num: true, narrow: true, cell: (b) => b.counts.pending },
    { label: 'Processing', num: true, narrow: true, cell: (b) => b.counts.processing },
    { label: 'Completed', num: true, narrow: true, cell: (b) => b.counts.completed },
    { label: 'Failed', num: true, narrow: true, cell: (b) => b.counts.failed },
    { label: 'Created', narrow: true, cell: (b) => dateTime(b.created_at) },
  ];
}

/** Newest batches first, re-read every two seconds so new batches and their progress show live. */
export async function batchesPage(main, { query, signal }) {
  const status = h('select', { id: 'batch-status' }, h('option', { value: '' }, 'Any'), STATUSES.map((s) => h('option', { value: s, selected: s === query.get('status') }, s.replaceAll('_', ' '))));
  const list = h('div', { 'aria-live': 'off' });
  const pager = h('div', { class: 'pager' });
  append(
    main,
    h('h1', {}, 'Batches'),
    h('div', { class: 'filters' }, h('label', { for: 'batch-status' }, 'Status', status)),
    list,
    pager,
  );

  let shown = [];
  let cursor = null;
  let timer;
  // Pages of PAGE_SIZE shown: "Load older batches" adds one; the address keeps the count and the filter.
  let pages = pagesShown(query);
  const remember = () => rememberInAddress('#/batches', [['status', status.value], ['pages', pages > 1 ? pages : '']], signal);

  let drawn = '';
  let olderFailed = false;
  const draw = () => {
    // Redrawn only when something changed, keeping the focused link, so polling never moves a keyboard user.
    const fingerprint = JSON.stringify([shown, cursor]);
    if (fingerprint === drawn) return;
    drawn = fingerprint;
    replaceKeepingFocus(
      list,
      shown.length === 0
        ? h('p', { class: 'notice' }, 'No batches yet.')
        : table({ caption: 'Batches, newest first', columns: batchColumns(), rows: shown, rowProps: (b) => ({ 'data-batch-id': b.batch_id, 'data-status': b.status }), stacked: true }),
    );
    // A failed "Load older batches" keeps its error and Retry until it succeeds: polling does not wipe them.
    if (!olderFailed) replaceKeepingFocus(pager, cursor ? h('button', { type: 'button', class: 'secondary', onclick: more }, 'Load older batches') : null);
  };

  // A new filter reads the list at once: only the latest read's answer is shown, and polls on.
  let reads = 0;
  let listFailed = false;
  // Pages of older batches loaded so far: a read asked before the last of them would drop it.
  let olderLoaded = 0;
  async function refresh() {
    clearTimeout(timer);
    const mine = ++reads;
    const older = olderLoaded;
    try {
      // As many of the newest batches as are shown are read again, so progress and new batches both appear.
      const page = await api('GET', '/api/batches', { query: { status: status.value, limit: Math.min(Math.max(shown.length, PAGE_SIZE * pages), MAX_LIMIT) } });
      if (signal.aborted || mine !== reads) return;
      // Older batches came while it was out: its answer holds too few, so it is asked again with them counted.
      if (older !== olderLoaded) return refresh();
      for (const batch of page.batches) {
        const before = shown.find((b) => b.batch_id === batch.batch_id);
        if (before && before.status !== batch.status && (batch.status === 'completed' || batch.status === 'completed_with_errors')) {
          announce(`Batch ${batch.batch_id.slice(0, 8)} ${batch.status.replaceAll('_', ' ')}.`);
        }
      }
      shown = page.batches;
      cursor = page.next_cursor;
      listFailed = false;
      draw();
      remember();
    } catch (error) {
      if (signal.aborted || mine !== reads) return;
      listFailed = true;
      // Said in the list's place, with Retry (one error for the list: a failed "Load older batches" goes
      // with it). Polling waits for it: an outage is read again by itself, after the server's
      // Retry-After when it gave one, else at the polling's pace (failure.js), and polls on from there.
      replace(list, ...failureNotice(error, () => mine === reads && refresh(), signal, POLL_MS));
      olderFailed = false;
      replace(pager);
      // The error replaced the list: the next answer draws it again, even one the same as before.
      drawn = '';
      return;
    }
    timer = setTimeout(refresh, POLL_MS);
  }

  async function more() {
    try {
      const page = await api('GET', '/api/batches', { query: { status: status.value, limit: PAGE_SIZE, cursor } });
      if (signal.aborted) return;
      shown = [...shown, ...page.batches];
      cursor = page.next_cursor;
      pages += 1;
      olderLoaded += 1;
      olderFailed = false;
      drawn = '';
      // While the list says why it cannot be read, older batches that came meanwhile wait for it to come back.
      if (!listFailed) draw();
      remember();
    } catch (error) {
      if (signal.aborted || listFailed) return;
      olderFailed = true;
      replace(pager, ...failureNotice(error, more, signal));
    }
  }

  status.addEventListener('change', () => {
    drawn = '';
    shown = [];
    cursor = null;
    pages = 1;
    olderFailed = false;
    replace(pager);
    refresh();
  });
  signal.addEventListener('abort', () => clearTimeout(timer));
  await refresh();
}
