import { expect } from 'vitest';

/** Ingests one batch over HTTP, as an integration would before a person opens the console; returns its id. */
export async function pushBatch(base: string, key: string, body: unknown): Promise<string> {
  const response = await fetch(`${base}/api/integrations/transactions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { batch_id: string }).batch_id;
}

/** Waits until none of the key's batches is pending or processing: what the console shows is then final. */
export async function untilBatchesEnriched(base: string, key: string): Promise<void> {
  const notDone = async () => {
    const response = await fetch(`${base}/api/batches?limit=1000`, { headers: { authorization: `Bearer ${key}` } });
    const { batches } = (await response.json()) as { batches: Array<{ status: string }> };
    return batches.filter((b) => b.status === 'pending' || b.status === 'processing').length;
  };
  for (const started = Date.now(); (await notDone()) > 0; ) {
    if (Date.now() - started > 60_000) throw new Error('the batches were not enriched within a minute');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Registers a webhook endpoint for batch.completed over HTTP; returns its id. */
export async function registerWebhook(base: string, key: string, url: string): Promise<string> {
  const response = await fetch(`${base}/api/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['batch.completed'] }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}
