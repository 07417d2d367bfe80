import { api } from '../api.js';
import { append, dateTime, h, idClass, replace, replaceKeepingFocus, table } from '../dom.js';
import { failureNotice } from '../failure.js';
import { pagesShown, rememberInAddress } from '../paging.js';

export async function accountsPage(main, { query, signal }) {
  const list = h('div');
  const pager = h('div', { class: 'pager' });
  append(main, h('h1', {}, 'Accounts'), list, pager);
  let shown = [];
  // Pages read so far: "Load more accounts" adds one; the address keeps the count, and opens with as many.
  let pages = 0;
  const load = async (cursor) => {
    const page = await api('GET', '/api/accounts', { query: { limit: 100, cursor } });
    if (signal.aborted) return null;
    shown = [...shown, ...page.accounts];
    pages += 1;
    replace(
      list,
      shown.length === 0
        ? h('p', { class: 'notice' }, 'No accounts yet: push a batch first.')
        : table({
            caption: 'Accounts',
            columns: [
              { label: 'Account', cell: (a) => h('a', { href: `#/accounts/${encodeURIComponent(a.account_id)}`, class: idClass(a.account_id) }, a.account_id) },
              { label: 'Name', text: true, wide: true, cell: (a) => a.name ?? '' },
              { label: 'Institution', text: true, narrow: true, cell: (a) => a.institution ?? '' },
              { label: 'Currency', cell: (a) => a.currency },
              // At phone width the header is not beside the figure: the figure says what it counts.
              { label: 'Transactions', num: true, cell: (a) => [String(a.transaction_count), h('span', { class: 'only-narrow' }, a.transaction_count === 1 ? ' transaction' : ' transactions')] },
              { label: 'Created', narrow: true, cell: (a) => dateTime(a.created_at) },
            ],
            rows: shown,
            rowProps: (a) => ({ 'data-account-id': a.account_id }),
            stacked: true,
          }),
    );
    // Redrawn with the focus kept: a keyboard user who loaded more stays on the button.
    replaceKeepingFocus(pager, page.next_cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => more(page.next_cursor) }, 'Load more accounts') : null);
    rememberInAddress('#/accounts', [['pages', pages > 1 ? pages : '']], signal);
    return page.next_cursor;
  };
  // A failed "Load more accounts" says why where the button was, with Retry (failure.js); the page
  // as it opens fails as a whole instead (app.js).
  const more = (cursor) =>
    load(cursor).catch((error) => {
      if (!signal.aborted) replace(pager, ...failureNotice(error, () => more(cursor), signal));
    });
  const wanted = pagesShown(query);
  let cursor = await load(null);
  while (cursor && pages < wanted) cursor = await load(cursor);
}
