import { api } from '../api.js';
import { announce, append, dateTime, errorMessage, h, replace, replaceKeepingFocus, table } from '../dom.js';

const POLL_MS = 2000;

/** Webhook endpoints (contract §13) and their deliveries, re-read while shown, with a retry for each. */
export async function webhooksPage(main, { signal }) {
  append(main, h('h1', {}, 'Webhooks'));
  let list;
  try {
    list = await api('GET', '/api/webhooks');
  } catch (error) {
    append(main, error.status === 404 ? h('p', { class: 'notice' }, 'This server has no webhooks yet.') : errorMessage(error));
    return;
  }
  if (list.webhooks.length === 0) {
    append(main, h('p', { class: 'notice' }, 'No webhook endpoints. Create one with POST /api/webhooks.'));
    return;
  }
  const deliveries = h('div');
  append(
    main,
    table({
      caption: 'Webhook endpoints',
      columns: [
        { label: 'URL', cell: (w) => w.url },
        { label: 'Events', cell: (w) => w.events.join(', ') },
        { label: 'Created', narrow: true, cell: (w) => dateTime(w.created_at) },
        { label: 'Deliveries', cell: (w) => h('button', { type: 'button', class: 'secondary', 'aria-label': `Show deliveries to ${w.url}`, onclick: () => show(w) }, 'Show') },
      ],
      rows: list.webhooks,
    }),
    deliveries,
  );

  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));

  async function retry(webhook, delivery) {
    try {
      await api('POST', '/api/webhooks/{id}/deliveries/{delivery_id}/retry', { path: { id: webhook.id, delivery_id: delivery.delivery_id } });
      announce(`Delivery of ${delivery.event_type} sent again.`);
    } catch (error) {
      announce(`Retry failed: ${error.message}`);
    }
    await show(webhook);
  }

  async function show(webhook) {
    clearTimeout(timer);
    try {
      const page = await api('GET', '/api/webhooks/{id}/deliveries', { path: { id: webhook.id }, query: { limit: 100 } });
      replaceKeepingFocus(
        deliveries,
        h('h2', {}, `Deliveries to ${webhook.url}`),
        page.deliveries.length === 0
          ? h('p', { class: 'notice' }, 'Nothing delivered yet.')
          : table({
              caption: `Deliveries to ${webhook.url}`,
              columns: [
                { label: 'Event', cell: (d) => d.event_type },
                { label: 'Status', cell: (d) => d.status },
                { label: 'Attempts', num: true, cell: (d) => d.attempts },
                { label: 'Last response', cell: (d) => d.last_response_status ?? d.last_error ?? '' },
                { label: 'Next attempt', narrow: true, cell: (d) => (d.next_attempt_at ? dateTime(d.next_attempt_at) : '') },
                { label: 'Created', narrow: true, cell: (d) => dateTime(d.created_at) },
                {
                  label: 'Retry',
                  cell: (d) => h('button', { type: 'button', class: 'secondary', 'aria-label': `Retry now: ${d.event_type} delivery ${d.delivery_id.slice(0, 8)}`, onclick: () => retry(webhook, d) }, 'Retry now'),
                },
              ],
              rows: page.deliveries,
              rowProps: (d) => ({ 'data-delivery-id': d.delivery_id, 'data-status': d.status }),
            }),
      );
    } catch (error) {
      replace(deliveries, errorMessage(error));
    }
    if (!signal.aborted) timer = setTimeout(() => show(webhook), POLL_MS);
  }
}
