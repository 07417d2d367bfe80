import { api, listCategories } from '../api.js';
import { incomeSpendChart, stackedSpendChart } from '../charts.js';
import { append, errorMessage, figure, h, money, replace, replaceKeepingFocus, table } from '../dom.js';
import { failureNotice } from '../failure.js';
import { addressQuery, cursorTrail, rememberInAddress, trailParams } from '../paging.js';
import { knownAccount, transactionColumns } from './transactions.js';

const PAGE_SIZE = 50;
/** How long typing pauses before the search asks the server. */
const SEARCH_PAUSE_MS = 250;
const TX_STATUSES = ['pending', 'processing', 'completed', 'failed'];

/** A summary card: `shown` is how the page writes `value` (a count as it is), `unit` its currency. */
function card(label, field, value, shown, unit) {
  return h(
    'section',
    { class: 'card', 'aria-label': label },
    h('h2', {}, label),
    h('p', { class: 'value', 'data-field': field, 'data-value': value }, shown ?? h('span', { class: 'nowrap' }, value), unit ? [' ', h('span', { class: 'unit' }, unit)] : null),
  );
}

/** An account: summary cards and monthly charts for a date range, then its transactions. */
export async function accountPage(main, { params: [accountId], query, signal }) {
  if (!(await knownAccount(main, accountId))) return;
  const categories = await listCategories().catch(() => []);
  const start = h('input', { id: 'range-start', type: 'date', value: query.get('from') });
  const end = h('input', { id: 'range-end', type: 'date', value: query.get('to') });
  const bankPending = h('input', { id: 'range-pending', type: 'checkbox', checked: query.get('pending') !== '0' });
  const rangeForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Date range' },
    h('label', { for: 'range-start' }, 'From', start),
    h('label', { for: 'range-end' }, 'To', end),
    h('label', { for: 'range-pending', class: 'inline' }, bankPending, 'Count what is still pending at the bank'),
    h('button', { type: 'submit' }, 'Apply'),
  );
  const summary = h('div', { 'aria-live': 'polite' });
  const charts = h('div', { class: 'charts' });
  const transactions = h('div');
  append(
    main,
    h('h1', {}, `Account ${accountId}`),
    h('p', {}, h('a', { href: `#/accounts/${encodeURIComponent(accountId)}/review` }, 'Open the review queue')),
    rangeForm,
    h('h2', { class: 'visually-hidden' }, 'Summary'),
    summary,
    h('h2', {}, 'Months'),
    charts,
    h('h2', {}, 'Transactions'),
    transactions,
  );

  let destroyCharts = [];
  signal.addEventListener('abort', () => destroyCharts.forEach((destroy) => destroy()));
  const range = () => ({ start_date: start.value || undefined, end_date: end.value || undefined });
  // Summaries count bank-pending transactions unless told not to (§10).
  const figuresOf = () => ({ ...range(), include_pending: bankPending.checked ? undefined : 'false' });

  let latestSummary = 0;
  async function loadSummary() {
    // A range applied while an earlier one is read: only the latest range's figures are shown.
    const request = ++latestSummary;
    try {
      const [s, monthly] = await Promise.all([api('GET', '/api/reports/account/{account_id}/summary', { path: { account_id: accountId }, query: figuresOf() }), api('GET', '/api/reports/account/{account_id}/monthly', { path: { account_id: accountId }, query: figuresOf() })]);
      if (request !== latestSummary || signal.aborted) return;
      replace(
        summary,
        h(
          'div',
          { class: 'cards' },
          card('Total spend', 'total_spend', s.total_spend, figure(money(s.total_spend)), s.currency),
          card('Total income', 'total_income', s.total_income, figure(money(s.total_income)), s.currency),
          card('Net', 'net', s.net, figure(money(s.net)), s.currency),
          card('Transactions', 'total_transactions', String(s.total_transactions)),
          card('Enriched', 'completed', String(s.ingestion_status.completed), h('span', { class: 'nowrap' }, `${s.ingestion_status.completed} of ${s.total_transactions}`)),
        ),
        s.top_spend_categories.length === 0
          ? h('p', { class: 'notice' }, 'No categorized spend in this range.')
          : h(
              'p',
              {},
              'Top spend: ',
              s.top_spend_categories.map((c, i) => [i > 0 ? ', ' : '', h('span', { 'data-category': c.category, 'data-value': c.total_spend }, `${c.category} ${money(c.total_spend, s.currency)}`)]),
            ),
      );
      drawCharts(monthly);
    } catch (error) {
      if (request !== latestSummary || signal.aborted) return;
      // Said in the summary's place, with Retry; an outage is read again by itself (failure.js). The
      // charts of the range before go too: they would read as this range's.
      replace(summary, ...failureNotice(error, () => request === latestSummary && loadSummary(), signal));
      clearCharts();
    }
  }

  function clearCharts() {
    destroyCharts.forEach((destroy) => destroy());
    destroyCharts = [];
    replace(charts);
  }

  function drawCharts(monthly) {
    clearCharts();
    if (monthly.months.length === 0) {
      replace(charts, h('p', { class: 'notice' }, 'No transactions in this range.'));
      return;
    }
    const stacked = h('div', { class: 'chart', id: 'chart-spend-by-category', role: 'img', 'aria-label': 'Monthly spend stacked by category; the table below has the figures' });
    const incomeSpend = h('div', { class: 'chart', id: 'chart-income-spend', role: 'img', 'aria-label': 'Monthly income and spend side by side; the table below has the figures' });
    replace(
      charts,
      h('figure', {}, h('figcaption', {}, 'Spend by category'), stacked, dataTable('Spend by category per month', monthly, (m) => m.categories.map((c) => `${c.category} ${money(c.total_spend, monthly.currency)}`).join(', '))),
      h('figure', {}, h('figcaption', {}, 'Income and spend'), incomeSpend, dataTable('Income and spend per month', monthly, null)),
    );
    destroyCharts = [stackedSpendChart(stacked, monthly), incomeSpendChart(incomeSpend, monthly)];
  }

  function dataTable(caption, monthly, detail) {
    return h(
      'details',
      {},
      h('summary', {}, 'Figures'),
      table({
        caption,
        columns: [
          { label: 'Month', nowrap: true, cell: (m) => m.month },
          { label: 'Spend', num: true, cell: (m) => money(m.total_spend, monthly.currency) },
          { label: 'Income', num: true, cell: (m) => money(m.total_income, monthly.currency) },
          detail ? { label: 'By category', cell: detail } : { label: 'Net', num: true, cell: (m) => money(m.net, monthly.currency) },
        ],
        rows: monthly.months,
      }),
    );
  }

  // Transactions: date range from above; category, status and the search text filter on the server, across pages.
  // Filters start as the address left them (Back from a transaction), see `remember`.
  const category = h('select', { id: 'tx-category' }, h('option', { value: '' }, 'Any'), categories.map((c) => h('option', { value: c, selected: c === query.get('category') }, c)));
  const status = h('select', { id: 'tx-status' }, h('option', { value: '' }, 'Any'), TX_STATUSES.map((s) => h('option', { value: s, selected: s === query.get('status') }, s)));
  const search = h('input', { id: 'tx-search', type: 'search', placeholder: 'merchant, description, id', value: query.get('q') });
  const removed = h('input', { id: 'tx-removed', type: 'checkbox', checked: query.get('removed') === '1' });
  const rows = h('div');
  const pager = h('div', { class: 'pager' });
  append(
    transactions,
    h(
      'div',
      { class: 'filters', role: 'search', 'aria-label': 'Filter transactions' },
      h('label', { for: 'tx-category' }, 'Category', category),
      h('label', { for: 'tx-status' }, 'Enrichment', status),
      h('label', { for: 'tx-search' }, 'Search', search),
      // Removed (and replaced) transactions count nowhere, but support needs to see them.
      h('label', { for: 'tx-removed', class: 'inline' }, removed, 'Show removed'),
    ),
    rows,
    pager,
  );

  // The page the address names, reached through the cursors it keeps (Back, a reload, a new tab).
  let cursors = cursorTrail(query);
  let page = { transactions: [], next_cursor: null };
  let index = 0;

  /** The filters, page and the cursors that reach it, as the address keeps them (see paging.js). */
  const listParams = () => [
    ['from', start.value],
    ['to', end.value],
    ['pending', bankPending.checked ? '' : '0'],
    ['category', category.value],
    ['status', status.value],
    ['q', search.value.trim()],
    ['removed', removed.checked ? '1' : ''],
    ...trailParams(cursors, index),
  ];
  const remember = () => rememberInAddress(`#/accounts/${encodeURIComponent(accountId)}`, listParams(), signal);

  function drawTransactions() {
    const matching = page.transactions;
    replace(
      rows,
      matching.length === 0
        ? h('p', { class: 'notice' }, 'No transactions match.')
        : table({ caption: `Transactions of ${accountId}, newest first`, columns: transactionColumns({ accountId, list: addressQuery(listParams()) }), rows: matching, rowProps: (t) => ({ 'data-transaction-id': t.transaction_id }), stacked: true }),
    );
    replaceKeepingFocus(
      pager,
      h('button', { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => loadTransactions(index - 1) }, 'Previous page'),
      h('span', {}, `Page ${index + 1}`),
      h('button', { type: 'button', class: 'secondary', disabled: !page.next_cursor, onclick: () => loadTransactions(index + 1) }, 'Next page'),
    );
  }

  let latest = 0;
  async function loadTransactions(at) {
    // Filters may change faster than answers come back: only the latest request's answer is shown.
    const request = ++latest;
    try {
      const answer = await api('GET', '/api/accounts/{account_id}/transactions', {
        path: { account_id: accountId },
        query: { ...range(), category: category.value, status: status.value, q: search.value.trim(), include_removed: removed.checked ? 'true' : undefined, limit: PAGE_SIZE, cursor: cursors[at] },
      });
      if (request !== latest || signal.aborted) return;
      page = answer;
      index = at;
      cursors = cursors.slice(0, at + 1);
      if (page.next_cursor) cursors.push(page.next_cursor);
      drawTransactions();
      remember();
    } catch (error) {
      if (request !== latest || signal.aborted) return;
      // Said in the list's place, with Retry; an outage is read again by itself, unless the user has
      // asked for another page or other filters since (failure.js).
      replace(rows, ...failureNotice(error, () => request === latest && loadTransactions(at), signal));
      replace(pager);
    }
  }

  const reloadTransactions = () => {
    cursors = [null];
    return loadTransactions(0);
  };
  category.addEventListener('change', reloadTransactions);
  status.addEventListener('change', reloadTransactions);
  removed.addEventListener('change', reloadTransactions);
  // Typing asks the server once the user pauses, not at every key.
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(reloadTransactions, SEARCH_PAUSE_MS);
  });
  rangeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (start.value && end.value && start.value > end.value) {
      // Nothing of the previous range stays on screen beside the error, nor comes back late over it.
      latestSummary += 1;
      latest += 1;
      replace(summary, errorMessage(new Error('The start date is after the end date.')));
      clearCharts();
      replace(rows);
      replace(pager);
      return;
    }
    loadSummary();
    reloadTransactions();
  });

  await Promise.all([loadSummary(), loadTransactions(cursors.length - 1)]);
}
