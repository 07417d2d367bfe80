import { api, listCategories } from '../api.js';
import { announce, append, dateTime, errorMessage, h, money, replace, statusBadge } from '../dom.js';
import { categoryCell, transactionHref } from './transactions.js';

/**
 * One transaction with every field the API gives it, where a person corrects its category (a lock,
 * §11) or unlocks it so that enrichment decides again.
 */
export async function transactionPage(main, { params: [accountId, transactionId] }) {
  const fields = h('div');
  const failure = h('div');
  const actions = h('div');
  append(
    main,
    h('h1', {}, `Transaction ${transactionId}`),
    h('p', {}, h('a', { href: `#/accounts/${encodeURIComponent(accountId)}` }, `Back to account ${accountId}`)),
    fields,
    h('h2', {}, 'Category'),
    failure,
    actions,
  );
  const path = { account_id: accountId, transaction_id: transactionId };
  const [categories, transaction] = await Promise.all([listCategories(), api('GET', '/api/accounts/{account_id}/transactions/{transaction_id}', { path })]);

  async function send(category, done) {
    replace(failure);
    try {
      const updated = await api('PATCH', '/api/accounts/{account_id}/transactions/{transaction_id}', { path, body: { category } });
      draw(updated);
      announce(done(updated));
    } catch (error) {
      replace(failure, errorMessage(error));
    }
  }

  function draw(t) {
    const other = (id) => (id ? h('a', { href: transactionHref(accountId, id) }, id) : '—');
    const row = (label, value) => [h('dt', {}, label), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value)];
    replace(
      fields,
      h(
        'dl',
        { class: 'fields' },
        row('Date', t.date),
        row('Amount', money(t.amount, t.currency)),
        row('Merchant', t.merchant_name),
        row('Description', t.description),
        row('Category', categoryCell(t)),
        row('Categorizer', t.categorizer_version),
        row('Enrichment', [statusBadge(t.status), ` ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}`]),
        t.error ? row('Error', t.error) : null,
        row('At the bank', t.pending ? 'pending' : 'posted'),
        t.pending_transaction_id ? row('Replaces', other(t.pending_transaction_id)) : null,
        t.replaced_by ? row('Replaced by', other(t.replaced_by)) : null,
        row('Removed', t.removed_at ? dateTime(t.removed_at) : null),
        row('Batch', t.batch_id ? h('a', { href: `#/batches/${t.batch_id}` }, t.batch_id) : null),
      ),
    );
    if (t.removed_at) {
      replace(actions, h('p', { class: 'notice' }, 'A removed transaction counts nowhere and cannot be corrected.'));
      return;
    }
    const select = h('select', { id: 'correct-category' }, categories.map((c) => h('option', { value: c, selected: c === t.category }, c)));
    const form = h(
      'form',
      { class: 'filters', 'aria-label': 'Correct the category' },
      h('label', { for: 'correct-category' }, 'Category', select),
      h('button', { type: 'submit' }, 'Correct'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(select.value, (u) => `Corrected to ${u.category}; enrichment will not change it.`);
    });
    replace(
      actions,
      h('p', { class: 'notice' }, t.category_locked ? 'A person set this category: enrichment and re-enrichment leave it alone.' : 'A correction locks the category and teaches this integration’s categorizer.'),
      form,
      t.category_locked
        ? h('button', { type: 'button', class: 'secondary', id: 'unlock', onclick: () => send(null, () => 'Unlocked; the transaction is being enriched again.') }, 'Unlock and enrich again')
        : null,
    );
  }

  draw(transaction);
}
