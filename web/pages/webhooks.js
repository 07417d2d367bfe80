import { api } from '../api.js';
import { dateTime, errorMessage, h, table } from '../dom.js';

/** Webhook endpoints (contract §13) and their deliveries, with a retry for each. */
export async function webhooksPage(main) {
  main.append(h('h1', {}, 'Webhooks'));
  let list;
  try {
    list = await api('/api/webhooks');
  } catch (error) {
    main.append(error.status === 404 ? h('p', { class: 'notice' }, 'This server has no webhooks yet.') : errorMessage(error));
    return;
  }
  if (list.webhooks.length === 0) {
    main.append(h('p', { class: 'notice' }, 'No webhook endpoints. Create one with POST /api/webhooks.'));
    return;
  }
  const deliveries = h('div');
  main.append(
    table({
      caption: 'Webhook endpoints',
      columns: [
        { label: 'URL', cell: (w) => w.url },
        { label: 'Events', cell: (w) => w.events.join(', ') },
        { label: 'Created', narrow: true, cell: (w) => dateTime(w.created_at) },
        { label: 'Deliveries', cell: (w) => h('button', { type: 'button', class: 'secondary', onclick: () => showDeliveries(w) }, 'Show') },
      ],
      rows: list.webhooks,
    }),
    deliveries,
  );

  async function showDeliveries(webhook) {
    try {
      const page = await api(`/api/webhooks/${webhook.id}/deliveries`, { query: { limit: 100 } });
      deliveries.replaceChildren(
        h('h2', {}, `Deliveries to ${webhook.url}`),
        table({
          caption: 'Deliveries, newest first',
          columns: [
            { label: 'Event', cell: (d) => d.event_type },
            { label: 'Status', cell: (d) => d.status },
            { label: 'Attempts', num: true, cell: (d) => d.attempts },
            { label: 'Last response', narrow: true, cell: (d) => d.last_response_status ?? d.last_error ?? '' },
            { label: 'Next attempt', narrow: true, cell: (d) => dateTime(d.next_attempt_at) },
            {
              label: 'Retry',
              cell: (d) =>
                h('button', { type: 'button', class: 'secondary', onclick: async () => {
                  await api(`/api/webhooks/${webhook.id}/deliveries/${d.delivery_id}/retry`, { method: 'POST' }).catch(() => {});
                  showDeliveries(webhook);
                } }, 'Retry now'),
            },
          ],
          rows: page.deliveries,
        }),
      );
    } catch (error) {
      deliveries.replaceChildren(errorMessage(error));
    }
  }
}
