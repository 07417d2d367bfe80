import { api, ApiError } from '../api.js';
import { append, dateTime, h, replace, replaceKeepingFocus, statusBadge, table } from '../dom.js';
import { failureNotice } from '../failure.js';
import { cursorTrail, rememberInAddress, trailParams } from '../paging.js';
import { progress } from './batches.js';
import { transactionColumns } from './transactions.js';

const POLL_MS = 2000;

/** One batch: its status (live until it is done) and its transactions, a page at a time. */
export async function batchPage(main, { params: [batchId], query, signal }) {
  const head = h('div');
  const rows = h('div');
  const pager = h('div', { class: 'pager' });
  append(main, h('h1', {}, `Batch ${batchId.slice(0, 8)}`), head, h('h2', {}, 'Transactions'), rows, pager);

  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));
  // The page the address names, reached through the cursors it keeps (see paging.js).
  const cursors = cursorTrail(query);
  let index = cursors.length - 1;
  let accountId;

  /** Reads the batch, then page `at` of its transactions (when the batch cannot be read, they cannot be either: one error says why). */
  const read = async (at) => (await loadBatch()) && loadPage(at);

  /** Reads the batch again in a while, and the page being read with it (not the last one known: that would walk on by itself). */
  const poll = () => {
    clearTimeout(timer);
    if (!signal.aborted) timer = setTimeout(() => read(index), POLL_MS);
  };

  /**
   * Said in the place of what failed, with Retry. Polling waits for it: an outage is read again by
   * itself, after the server's Retry-After when it gave one, else at the polling's pace (failure.js),
   * and an answer that shows the batch live polls on from there.
   */
  const failed = (part, error, retry) => {
    clearTimeout(timer);
    replace(part, ...failureNotice(error, retry, signal, POLL_MS));
  };

  /** Shows the batch; whether it could be read. */
  async function loadBatch() {
    let batch;
    try {
      batch = await api('GET', '/api/batches/{batch_id}', { path: { batch_id: batchId } });
    } catch (error) {
      if (signal.aborted) return false;
      failed(head, error.status === 403 ? new ApiError(403, { detail: 'Reading batches needs a key with the ingest scope.' }) : error, () => read(index));
      return false;
    }
    accountId = batch.account_id;
    replace(
      head,
      h(
        'dl',
        { class: 'cards' },
        h('div', { class: 'card' }, h('dt', {}, 'Status'), h('dd', { class: 'value', 'data-field': 'status' }, statusBadge(batch.status))),
        h('div', { class: 'card' }, h('dt', {}, 'Progress'), h('dd', { class: 'value' }, progress(batch.counts))),
        h('div', { class: 'card' }, h('dt', {}, 'Account'), h('dd', { class: 'value id' }, h('a', { href: `#/accounts/${encodeURIComponent(batch.account_id)}` }, batch.account_id))),
        h('div', { class: 'card' }, h('dt', {}, 'Created'), h('dd', {}, dateTime(batch.created_at))),
        h('div', { class: 'card' }, h('dt', {}, 'Completed'), h('dd', {}, batch.completed_at ? dateTime(batch.completed_at) : '—')),
      ),
    );
    if (batch.status === 'pending' || batch.status === 'processing') poll();
    return true;
  }

  let latest = 0;
  async function loadPage(at) {
    // A poll and a click may both be waiting: only the latest request's answer is shown.
    const request = ++latest;
    try {
      const page = await api('GET', '/api/batches/{batch_id}/transactions', { path: { batch_id: batchId }, query: { limit: 100, cursor: cursors[at] } });
      if (request !== latest || signal.aborted) return;
      index = at;
      cursors.length = index + 1;
      if (page.next_cursor) cursors.push(page.next_cursor);
      replace(rows, table({ caption: 'Transactions of the batch', columns: transactionColumns({ accountId }), rows: page.transactions, stacked: true }));
      replaceKeepingFocus(
        pager,
        h('button', { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => loadPage(index - 1) }, 'Previous page'),
        h('span', {}, `Page ${index + 1}`),
        h('button', { type: 'button', class: 'secondary', disabled: !page.next_cursor, onclick: () => loadPage(index + 1) }, 'Next page'),
      );
      rememberInAddress(`#/batches/${batchId}`, trailParams(cursors, index), signal);
    } catch (error) {
      if (request !== latest || signal.aborted) return;
      // Retry reads the batch too: a live one polls on once its transactions come. Not once the user
      // has asked for another page since.
      failed(rows, error, () => request === latest && read(at));
      replace(pager);
    }
  }

  await read(index);
}
