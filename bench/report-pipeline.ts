/**
 * Table rows of the outbox (feed phase), webhooks and tracing phases: each a variant's ratio to COPY
 * (or to the bare SQL loop) against the same ratio without the variant, measured in the same rounds.
 */
import type { OutboxResult } from './outbox.js';
import type { Row } from './report.js';
import type { TracingResult } from './tracing.js';
import type { WebhookDeliveryResult, WebhookIngestResult } from './webhooks.js';

export interface PipelineMeasurements {
  outbox?: OutboxResult;
  webhookDelivery?: WebhookDeliveryResult;
  webhookIngest?: WebhookIngestResult;
  tracing?: TracingResult;
}

const n = (value: number) => Math.round(value).toLocaleString('en');
const x = (value: number) => `${value.toFixed(2)}×`;
const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

/**
 * One row: `with` and `without` are rates of the same work measured in alternating rounds against
 * the same limit (COPY or the bare loop), so the ratio of their ratios is `with ÷ without`.
 */
function relative(figure: string, withRate: number, withoutRate: number, limit: number, limitName: string, withoutName: string): Row {
  const ratio = withRate / withoutRate;
  return {
    figure,
    measured: `${n(withRate)} (${x(withRate / limit)} ${limitName})`,
    limit: `${withoutName} ${n(withoutRate)} (${x(withoutRate / limit)})`,
    ratio: x(ratio),
    target: '≥ 0.90×',
    result: verdict(ratio >= 0.9),
  };
}

export function pipelineRows(m: PipelineMeasurements): Row[] {
  const rows: Row[] = [];
  if (m.outbox) {
    const r = m.outbox.rowsPerSecond;
    rows.push(
      relative(
        `ingest rows/s with the change-feed outbox, batches of 1,000 (${m.outbox.rows / 1000}k rows, 4 clients)`,
        r.api1000 ?? Number.NaN,
        r.api1000_without_outbox ?? Number.NaN,
        r.copy ?? Number.NaN,
        'COPY',
        'outbox off',
      ),
    );
  }
  if (m.webhookDelivery) {
    const w = m.webhookDelivery;
    rows.push({
      figure: `webhook deliveries/s, one worker, local receiver (${n(w.deliveries)} to ${w.endpoints} endpoints)`,
      measured: n(w.perSecond),
      limit: `${n(w.perCpuSecond)} per CPU-second`,
      ratio: '—',
      target: '≥ 1,000/s',
      result: verdict(w.perSecond >= 1_000),
    });
  }
  if (m.webhookIngest) {
    const r = m.webhookIngest.rowsPerSecond;
    rows.push(
      relative(
        `ingest rows/s with ${m.webhookIngest.endpoints} webhook endpoints subscribed to all events, a worker enriching (${m.webhookIngest.rows / 1000}k rows)`,
        r.api1000_webhooks ?? Number.NaN,
        r.api1000 ?? Number.NaN,
        r.copy ?? Number.NaN,
        'COPY',
        'no endpoints',
      ),
    );
  }
  if (m.tracing) {
    const i = m.tracing.ingest.rowsPerSecond;
    rows.push(
      relative(
        `ingest rows/s with tracing on (OTLP, all sampled), batches of 1,000 (${m.tracing.ingest.rows / 1000}k rows)`,
        i.api1000_traced ?? Number.NaN,
        i.api1000_untraced ?? Number.NaN,
        i.copy ?? Number.NaN,
        'COPY',
        'tracing off',
      ),
    );
    const e = m.tracing.enrich;
    rows.push(
      relative(
        `enrich rows/s with tracing on, latency 0, ${e.workers} workers × concurrency ${e.concurrency} (${e.rows / 1000}k rows)`,
        e.rowsPerSecond.traced ?? Number.NaN,
        e.rowsPerSecond.untraced ?? Number.NaN,
        e.rowsPerSecond.bare_sql_loop ?? Number.NaN,
        'bare loop',
        'tracing off',
      ),
    );
  }
  return rows;
}
