import { api, isTransient, listCategories, refusedWrite } from '../api.js';
import { announce, append, errorMessage, h, money, replace } from '../dom.js';
import { failureNotice } from '../failure.js';
import { addressQuery } from '../paging.js';
import { categoryCell, knownAccount, merchantCell } from './transactions.js';

/** Below this confidence a category is worth a person's look. */
const LOW_CONFIDENCE = 0.6;
/** How many of the account's transactions the queue reads (newest first), at most: MAX_PAGES of PAGE_SIZE. */
const MAX_PAGES = 5;
const PAGE_SIZE = 1000;
const KEYS = 'abcdefghijklmnopq';
const POLL_MS = 1000;

/** Magnitude of a decimal string in minor units, for ordering without floats. */
function magnitude(amount) {
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  return BigInt(whole + fraction.padEnd(3, '0'));
}

function needsReview(t) {
  if (t.removed_at || t.category_locked || !t.amount.startsWith('-')) return false;
  return t.category === 'UNCATEGORIZED' || (t.status === 'completed' && (t.category_confidence ?? 0) < LOW_CONFIDENCE);
}

/** The account's transactions between the dates (newest first, at most MAX_PAGES pages of them), and whether it has more. */
async function readTransactions(accountId, range) {
  const all = [];
  let cursor = null;
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const page = await api('GET', '/api/accounts/{account_id}/transactions', { path: { account_id: accountId }, query: { ...range, limit: PAGE_SIZE, cursor } });
    all.push(...page.transactions);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return { all, more: Boolean(cursor) };
}

/**
 * The account's uncategorized and low-confidence spend, largest first. Arrow keys move between rows;
 * a letter key corrects the focused row (PATCH, §11); a re-enrichment then shows what was learned.
 */
export async function reviewPage(main, { params: [accountId], query, signal }) {
  if (!(await knownAccount(main, accountId))) return;
  const categories = await listCategories();
  const keyOf = new Map(categories.map((c, i) => [KEYS[i], c]));
  const queue = h('div');
  // One error at a time above the queue: a second refusal replaces the first.
  const failure = h('div');
  const learned = h('div', { 'aria-live': 'polite' });
  const reenrich = h('button', { type: 'button', id: 'reenrich' }, 'Re-enrich this account');
  const reenrichStatus = h('div', { role: 'status' });
  // The queue reads the newest transactions only: older ones are reached by choosing dates (kept in the address).
  const range = { start_date: query.get('from') || undefined, end_date: query.get('to') || undefined };
  const start = h('input', { id: 'review-start', type: 'date', value: range.start_date });
  const end = h('input', { id: 'review-end', type: 'date', value: range.end_date });
  const rangeForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Dates to review' },
    h('label', { for: 'review-start' }, 'From', start),
    h('label', { for: 'review-end' }, 'To', end),
    h('button', { type: 'submit' }, 'Apply'),
  );
  rangeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = addressQuery([['from', start.value], ['to', end.value]]);
    window.location.hash = `#/accounts/${encodeURIComponent(accountId)}/review${chosen ? `?${chosen}` : ''}`;
  });
  const truncated = h('div');
  append(
    main,
    h('h1', {}, `Review queue: ${accountId}`),
    h('p', {}, h('a', { href: `#/accounts/${encodeURIComponent(accountId)}` }, 'Back to the account')),
    h('p', { class: 'notice', id: 'review-help' }, `Uncategorized spend and spend categorized with less than ${LOW_CONFIDENCE * 100}% confidence, largest first. Focus a row, move with ↑ and ↓, and press a letter to correct its category, or use the row's menu.`),
    h('ul', { class: 'keys', 'aria-label': 'Category keys' }, categories.map((c, i) => h('li', {}, h('kbd', {}, KEYS[i]), ` ${c}`))),
    rangeForm,
    truncated,
    failure,
    queue,
    h('h2', {}, 'Learn from the corrections'),
    h('p', { class: 'notice' }, 'Enrich the account again: rows of the merchants you corrected get the learned category.'),
    h('div', { class: 'pager' }, reenrich),
    reenrichStatus,
    learned,
  );

  let items = [];
  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));
  // Each "Re-enrich this account" follows its own re-enrichment: an older one's retry is not.
  let following = 0;

  function focusRow(i) {
    const rows = queue.querySelectorAll('tbody tr');
    const target = rows[Math.max(0, Math.min(i, rows.length - 1))];
    for (const row of rows) {
      row.tabIndex = row === target ? 0 : -1;
      row.setAttribute('aria-selected', String(row === target));
    }
    target?.focus();
  }

  async function correct(i, category) {
    const t = items[i];
    try {
      const updated = await api('PATCH', '/api/accounts/{account_id}/transactions/{transaction_id}', {
        path: { account_id: accountId, transaction_id: t.transaction_id },
        body: { category },
      });
      replace(failure);
      items[i] = updated;
      announce(`${t.merchant_name ?? t.transaction_id} corrected to ${category}.`);
      draw();
      focusRow(i + 1);
    } catch (error) {
      const refused = refusedWrite(error, 'correcting a category');
      announce(`Correction failed: ${refused.message}`);
      replace(failure, errorMessage(refused));
    }
  }

  function draw() {
    if (items.length === 0) {
      replace(queue, h('p', { class: 'notice' }, 'Nothing to review.'));
      return;
    }
    const rows = items.map((t, i) => {
      const select = h('select', { 'aria-label': `Category for ${t.merchant_name ?? t.transaction_id} ${money(t.amount, t.currency)}`, tabindex: -1 }, categories.map((c) => h('option', { value: c, selected: c === t.category }, c)));
      select.value = t.category ?? 'UNCATEGORIZED';
      const save = h('button', { type: 'button', class: 'secondary', tabindex: -1, onclick: () => correct(i, select.value) }, 'Save');
      const row = h(
        'tr',
        { tabindex: i === 0 ? 0 : -1, 'aria-selected': String(i === 0), 'data-transaction-id': t.transaction_id, 'data-corrected': t.category_locked ? 'true' : null },
        h('td', { class: 'nowrap' }, t.date),
        h('td', { class: 'text wide' }, merchantCell(t)),
        h('td', { class: 'text hide-narrow' }, t.description ?? ''),
        h('td', { class: 'num' }, money(t.amount, t.currency)),
        h('td', {}, categoryCell(t)),
        h('td', { class: 'wide' }, select, ' ', save),
      );
      // Escape leaves the row's menu for the row, where the arrow and letter keys work again.
      const backToRow = (event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        select.tabIndex = -1;
        save.tabIndex = -1;
        focusRow(i);
      };
      select.addEventListener('keydown', backToRow);
      save.addEventListener('keydown', backToRow);
      row.addEventListener('keydown', (event) => {
        if (event.target !== row || event.altKey || event.ctrlKey || event.metaKey) return;
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          focusRow(i + (event.key === 'ArrowDown' ? 1 : -1));
        } else if (keyOf.has(event.key.toLowerCase())) {
          event.preventDefault();
          correct(i, keyOf.get(event.key.toLowerCase()));
        } else if (event.key === 'Enter') {
          event.preventDefault();
          select.tabIndex = 0;
          save.tabIndex = 0;
          select.focus();
        }
      });
      return row;
    });
    replace(
      queue,
      h(
        'div',
        { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Transactions to review' },
        h(
          'table',
          // At phone width each row is a card (date and amount, what, category, the correction), as in the account's list.
          { role: 'grid', class: 'stacked', 'aria-label': 'Transactions to review', 'aria-describedby': 'review-help' },
          h('thead', {}, h('tr', {}, ['Date', 'Merchant', 'Description', 'Amount', 'Category', 'Correct to'].map((label, c) => h('th', { scope: 'col', class: c === 2 ? 'hide-narrow' : c === 3 ? 'num' : null }, label)))),
          h('tbody', {}, rows),
        ),
      ),
    );
  }

  /** Reads the queue and draws it; returns the transactions read (for showLearned). */
  async function load() {
    const { all, more } = await readTransactions(accountId, range);
    // "Largest first" is of what was read: when that is not all, the page says so, and how to see the rest.
    replace(
      truncated,
      more
        ? h('p', { class: 'notice', role: 'status' }, `Only the newest ${(MAX_PAGES * PAGE_SIZE).toLocaleString('en')} transactions${range.start_date || range.end_date ? ' between these dates' : ''} are in this queue; the account has older ones. Choose dates (From, To) to review those.`)
        : null,
    );
    items = all.filter(needsReview).sort((a, b) => {
      const [ma, mb] = [magnitude(a.amount), magnitude(b.amount)];
      return ma === mb ? 0 : ma > mb ? -1 : 1;
    });
    draw();
    return all;
  }

  function showLearned(all) {
    // Corrections are the locked rows, whether made in this visit or before.
    const merchants = new Set(all.filter((t) => t.category_locked).map((t) => (t.merchant_name ?? '').toLowerCase()));
    const siblings = all.filter((t) => !t.category_locked && t.category_source?.startsWith('learned:'));
    replace(
      learned,
      siblings.length === 0
        ? h('p', { class: 'notice' }, 'No transaction got a learned category yet.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Learned categories' },
            h(
              'table',
              { id: 'learned' },
              h('caption', {}, 'Transactions categorized from your corrections'),
              h('thead', {}, h('tr', {}, ['Date', 'Merchant', 'Amount', 'Category', 'Merchant you corrected'].map((l) => h('th', { scope: 'col' }, l)))),
              h(
                'tbody',
                {},
                siblings.map((t) =>
                  h(
                    'tr',
                    { 'data-transaction-id': t.transaction_id },
                    h('td', { class: 'nowrap' }, t.date),
                    h('td', { class: 'text' }, t.merchant_name ?? ''),
                    h('td', { class: 'num' }, money(t.amount, t.currency)),
                    h('td', {}, categoryCell(t)),
                    h('td', {}, merchants.has((t.merchant_name ?? '').toLowerCase()) ? 'yes' : ''),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  /** After a re-enrichment: the queue as it is now, and what was learned. */
  async function showOutcome() {
    try {
      showLearned(await load());
    } catch (error) {
      if (!signal.aborted) replace(queue, ...failureNotice(error, showOutcome, signal));
    }
  }

  reenrich.addEventListener('click', async () => {
    reenrich.disabled = true;
    const mine = ++following;
    let started;
    try {
      started = await api('POST', '/api/accounts/{account_id}/reenrich', { path: { account_id: accountId }, body: {} });
    } catch (error) {
      reenrich.disabled = false;
      replace(reenrichStatus, errorMessage(refusedWrite(error, 're-enriching an account')));
      return;
    }
    reenrichStatus.textContent = `Re-enriching ${started.transactions} transactions…`;
    // Runs from a timer: every failure is caught here, and an outage is followed through, not given up on.
    const poll = async () => {
      let state;
      try {
        state = await api('GET', '/api/reenrichments/{reenrichment_id}', { path: { reenrichment_id: started.reenrichment_id } });
      } catch (error) {
        if (signal.aborted) return;
        // Said with Retry; an outage is followed through by itself, after the server's Retry-After
        // when it gave one, else at the polling's pace (failure.js). A refusal lets the user start anew.
        replace(reenrichStatus, ...failureNotice(error, () => mine === following && poll(), signal, POLL_MS));
        if (!isTransient(error)) reenrich.disabled = false;
        return;
      }
      if (signal.aborted) return;
      const done = state.counts.completed + state.counts.failed;
      reenrichStatus.textContent = `Re-enrichment ${state.status.replaceAll('_', ' ')}: ${done} of ${state.counts.total}.`;
      if (state.status === 'pending' || state.status === 'processing') {
        timer = setTimeout(poll, POLL_MS);
        return;
      }
      reenrich.disabled = false;
      await showOutcome();
    };
    await poll();
  });

  // A queue that cannot be read is the page failing to load: the console shows why, with Retry (app.js).
  await load();
}
