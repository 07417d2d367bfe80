import { api } from '../api.js';
import { append, dateTime, h, replace, table } from '../dom.js';

export async function accountsPage(main) {
  const list = h('div');
  const pager = h('div', { class: 'pager' });
  append(main, h('h1', {}, 'Accounts'), list, pager);
  let shown = [];
  const load = async (cursor) => {
    const page = await api('GET', '/api/accounts', { query: { limit: 100, cursor } });
    shown = [...shown, ...page.accounts];
    replace(
      list,
      shown.length === 0
        ? h('p', { class: 'notice' }, 'No accounts yet: push a batch first.')
        : table({
            caption: 'Accounts',
            columns: [
              { label: 'Account', nowrap: true, cell: (a) => h('a', { href: `#/accounts/${encodeURIComponent(a.account_id)}` }, a.account_id) },
              { label: 'Name', cell: (a) => a.name ?? '' },
              { label: 'Institution', narrow: true, cell: (a) => a.institution ?? '' },
              { label: 'Currency', cell: (a) => a.currency },
              { label: 'Transactions', num: true, cell: (a) => a.transaction_count },
              { label: 'Created', narrow: true, cell: (a) => dateTime(a.created_at) },
            ],
            rows: shown,
          }),
    );
    replace(pager, page.next_cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page.next_cursor) }, 'Load more accounts') : null);
  };
  await load(null);
}
