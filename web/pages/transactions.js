import { api } from '../api.js';
import { append, h, idClass, money, statusBadge } from '../dom.js';

/** Whether the account exists; when it does not, the page says so and shows nothing to filter or change. */
export async function knownAccount(main, accountId) {
  try {
    await api('GET', '/api/accounts/{account_id}/transactions', { path: { account_id: accountId }, query: { limit: 1 } });
    return true;
  } catch (error) {
    if (error.status !== 404) throw error;
    append(main, h('h1', {}, `No account ${accountId}`));
    return false;
  }
}

/**
 * Where one transaction of an account is shown, corrected and unlocked. `list` is the query of the
 * account's transactions list it was opened from (filters and page, as that list's address keeps
 * them): its "Back to account" link returns there rather than to the list's first page.
 */
export function transactionHref(accountId, transactionId, list = '') {
  return `#/accounts/${encodeURIComponent(accountId)}/transactions/${encodeURIComponent(transactionId)}${list ? `?${new URLSearchParams([['list', list]])}` : ''}`;
}

/** The address of an account's page, showing its transactions list as `list` (see transactionHref) left it. */
export function accountHref(accountId, list = '') {
  // Read back through URLSearchParams: whatever the address said, it stays a query of this account's page.
  const query = new URLSearchParams(list).toString();
  return `#/accounts/${encodeURIComponent(accountId)}${query ? `?${query}` : ''}`;
}

/**
 * The columns of a transactions table, as §5 and §11 return transactions; with `accountId`, each id
 * opens its transaction, and with `list` too (the account's list), that transaction leads back to it.
 */
export function transactionColumns({ withBatch = false, accountId, list } = {}) {
  return [
    { label: 'Date', nowrap: true, cell: (t) => t.date },
    accountId
      ? { label: 'ID', cell: (t) => h('a', { href: transactionHref(accountId, t.transaction_id, list), class: idClass(t.transaction_id) }, t.transaction_id) }
      : { label: 'ID', cell: (t) => h('span', { class: idClass(t.transaction_id) }, t.transaction_id) },
    { label: 'Merchant', text: true, cell: merchantCell },
    { label: 'Description', text: true, narrow: true, cell: (t) => t.description ?? '' },
    { label: 'Amount', num: true, cell: (t) => money(t.amount, t.currency) },
    { label: 'Category', cell: (t) => categoryCell(t) },
    // Enrichment's status, then the bank's side: still pending there (§10), or removed.
    { label: 'Enrichment', cell: (t) => [statusBadge(t.status), t.pending ? h('br') : null, t.pending ? h('small', { class: 'notice' }, 'pending at the bank') : null, t.removed_at ? h('br') : null, t.removed_at ? h('small', { class: 'notice' }, t.replaced_by ? `replaced by ${t.replaced_by}` : 'removed') : null] },
    withBatch ? { label: 'Batch', narrow: true, nowrap: true, cell: (t) => (t.batch_id ? h('a', { href: `#/batches/${t.batch_id}` }, t.batch_id.slice(0, 8)) : '') } : null,
  ].filter(Boolean);
}

/** The merchant; at phone width, where the description column is hidden, the description when there is no merchant. */
export function merchantCell(t) {
  return t.merchant_name ?? h('span', { class: 'only-narrow' }, t.description ?? '');
}

export function categoryCell(t) {
  if (!t.category) return h('span', { class: 'notice' }, '—');
  const confidence = t.category_confidence === null || t.category_confidence === undefined ? '' : ` ${Math.round(t.category_confidence * 100)}%`;
  return [categoryName(t.category), h('br'), h('small', { class: 'notice' }, `${t.category_source ?? ''}${confidence}${t.category_locked ? ' · locked' : ''}`)];
}

/**
 * A category as the taxonomy spells it, which may break after an underscore ("RENT_AND_" over
 * "UTILITIES"): beside a phone-wide row card's longest amounts it has less room than its one word needs.
 */
function categoryName(category) {
  return category.split('_').map((part, i, parts) => (i < parts.length - 1 ? [part, '_', h('wbr')] : part));
}
