import { api, isTransient, listCategories, refusedWrite } from '../api.js';
import { append, dateTime, errorMessage, h, idClass, money, replace, replaceKeepingFocus, statusBadge } from '../dom.js';
import { failureNotice } from '../failure.js';
import { accountHref, categoryCell, transactionHref } from './transactions.js';

const POLL_MS = 1000;
/** How long the page follows enrichment after Unlock; it usually takes well under a second. */
const ENRICHMENT_WAIT_MS = 30_000;

/**
 * One transaction with every field the API gives it, where a person corrects its category (a lock,
 * §11) or unlocks it so that enrichment decides again.
 */
export async function transactionPage(main, { params: [accountId, transactionId], query, signal }) {
  // Opened from the account's transactions list, the address names that list as the user left it.
  const list = query.get('list') ?? '';
  const fields = h('div');
  const failure = h('div');
  const actions = h('div');
  // What Correct or Unlock did, read out; focus moves here when the control used is gone (Unlock).
  const outcome = h('p', { class: 'notice', role: 'status', tabindex: -1 });
  append(
    main,
    h('h1', {}, `Transaction ${transactionId}`),
    // The account id may be 64 characters with nowhere to break: it wraps rather than widen a phone's page.
    h('p', { class: 'text' }, h('a', { href: accountHref(accountId, list) }, `Back to account ${accountId}`)),
  );
  const path = { account_id: accountId, transaction_id: transactionId };
  const read = () => api('GET', '/api/accounts/{account_id}/transactions/{transaction_id}', { path });
  const [categories, transaction] = await Promise.all([listCategories(), read()]);
  // Only a transaction that was read has a Category to show: one that is not found says only that (app.js).
  append(main, fields, h('h2', {}, 'Category'), failure, actions, outcome);
  let timer;
  // Each Correct or Unlock starts anew: an older Unlock's reading, still in flight, is not shown.
  let sent = 0;
  signal.addEventListener('abort', () => clearTimeout(timer));

  async function send(category) {
    replace(failure);
    clearTimeout(timer);
    sent += 1;
    try {
      const updated = await api('PATCH', '/api/accounts/{account_id}/transactions/{transaction_id}', { path, body: { category } });
      draw(updated);
      return updated;
    } catch (error) {
      replace(failure, errorMessage(refusedWrite(error, category === null ? 'unlocking a category' : 'correcting a category')));
      // Removed through the API while the page was open: what it shows is stale. Read again, it
      // shows the removal in place of the form; the message above says why the correction failed.
      if (error.code === 'transaction_removed') {
        const t = await read().catch(() => null);
        if (t && !signal.aborted) draw(t);
      }
      return null;
    }
  }

  async function correct(category) {
    const updated = await send(category);
    if (updated) outcome.textContent = `Corrected to ${updated.category}; enrichment will not change it.`;
  }

  /** Unlocks, then reads the transaction again until enrichment has decided, and shows what it decided. */
  async function unlock() {
    if (!(await send(null))) return;
    const mine = sent;
    outcome.textContent = 'Unlocked; the transaction is being enriched again…';
    // The Unlock button is gone: focus goes to what happened instead of falling to the page.
    outcome.focus();
    const until = Date.now() + ENRICHMENT_WAIT_MS;
    const poll = async () => {
      try {
        const t = await read();
        if (signal.aborted || mine !== sent) return;
        replace(failure);
        const decided = t.status === 'completed' || t.status === 'failed';
        if (!decided && Date.now() < until) {
          timer = setTimeout(poll, POLL_MS);
          return;
        }
        draw(t);
        if (t.status === 'completed') outcome.textContent = `Enriched again: ${t.category ?? 'no category'} (${t.category_source}).`;
        else if (t.status === 'failed') outcome.textContent = `Enriching it again failed${t.error ? `: ${t.error}` : '.'}`;
        else outcome.textContent = 'Still being enriched: reload the page later to see its new category.';
      } catch (error) {
        if (signal.aborted || mine !== sent) return;
        // An outage is followed through, after the server's Retry-After when it gave one, else at the
        // polling's pace (failure.js): the next reading that comes back shows what enrichment decided.
        if (isTransient(error) && Date.now() < until) {
          replace(failure, ...failureNotice(error, () => mine === sent && poll(), signal, POLL_MS));
          return;
        }
        replace(failure, errorMessage(error));
        outcome.textContent = 'Still being enriched: reload the page later to see its new category.';
      }
    };
    timer = setTimeout(poll, POLL_MS);
  }

  function draw(t) {
    const other = (id) => (id ? h('a', { href: transactionHref(accountId, id, list), class: idClass(id) }, id) : '—');
    const whole = (text) => (text ? h('span', { class: 'nowrap' }, text) : null);
    const row = (label, value) => [h('dt', {}, label), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value)];
    replace(
      fields,
      h(
        'dl',
        { class: 'fields' },
        row('Date', whole(t.date)),
        row('Amount', whole(money(t.amount, t.currency))),
        row('Merchant', t.merchant_name),
        row('Description', t.description),
        row('Category', categoryCell(t)),
        row('Categorizer', t.categorizer_version),
        row('Enrichment', [statusBadge(t.status), ` ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}`]),
        t.error ? row('Error', t.error) : null,
        row('At the bank', t.pending ? 'pending' : 'posted'),
        t.pending_transaction_id ? row('Replaces', other(t.pending_transaction_id)) : null,
        t.replaced_by ? row('Replaced by', other(t.replaced_by)) : null,
        row('Removed', dateTime(t.removed_at)),
        row('Batch', t.batch_id ? h('a', { href: `#/batches/${t.batch_id}`, class: 'nowrap' }, t.batch_id) : null),
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
      correct(select.value);
    });
    // Redrawn after Correct: the control the user used keeps focus.
    replaceKeepingFocus(
      actions,
      h('p', { class: 'notice' }, t.category_locked ? 'A person set this category: enrichment and re-enrichment leave it alone.' : 'A correction locks the category and teaches this integration’s categorizer.'),
      form,
      t.category_locked
        ? h('button', { type: 'button', class: 'secondary', id: 'unlock', onclick: unlock }, 'Unlock and enrich again')
        : null,
    );
  }

  draw(transaction);
}
