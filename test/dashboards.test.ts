import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { batchBody, createTestContext, type TestContext } from './helpers/context.js';
import { freePort, startLucro, testRedisUrl, waitFor, type LucroProcess } from './helpers/processes.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; runbook_url?: string };
}
const rules: Rule[] = (parse(read('deploy/prometheus/alerts.yaml')) as { spec: { groups: Array<{ rules: Rule[] }> } }).spec.groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(read('deploy/grafana/lucro.json')) as { panels: Array<{ id: number; title: string; targets: Array<{ expr: string }> }> };
const expressions = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
// Every lucro_ name, and every other identifier used as a selector (followed by { or [), e.g. kube_… .
const named = new Set(expressions.flatMap((expr) => [...expr.matchAll(/\blucro_[a-z0-9_]+\b|\b[a-z_][a-z0-9_]*(?=\{|\[)/g)].map((m) => m[0])));
// Every series selected by exact label values, e.g. lucro_webhook_deliveries_total{outcome="failed"}: an alert
// on increase() of a series that appears only with its first sample never fires for that sample.
const selected = new Set(
  expressions.flatMap((expr) =>
    [...expr.matchAll(/\b(lucro_[a-z0-9_]+)\{([^}]*)\}/g)].flatMap(([, name, matchers]) =>
      [...(matchers ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map(([, label, value]) => `${name}{${label}="${value}"}`),
    ),
  ),
);

let ctx: TestContext;
let server: LucroProcess | undefined;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await ctx.close();
});

describe('dashboards and alerts as code', () => {
  it('when the alert rules are read, then each has a severity, a summary, a runbook link and a one-line runbook entry in docs/operations.md', () => {
    expect(rules.length).toBeGreaterThanOrEqual(5);
    const runbook = read('docs/operations.md').split('## Runbook')[1] ?? '';
    for (const rule of rules) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(page|ticket)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook_url, rule.alert).toBe('docs/operations.md#runbook');
      expect(runbook, rule.alert).toMatch(new RegExp(`^- \\*\\*${rule.alert}\\*\\* \\((page|ticket)[^)]*\\): .+$`, 'm'));
    }
    const alerts = rules.map((r) => r.alert);
    for (const wanted of [
      'LucroStuckBatches',
      'LucroEnrichmentFailureRatioRising',
      'LucroQueueAge',
      'LucroHigh5xxRatio',
      'LucroReadinessFlapping',
      // What to alert on for webhooks (issue #14): failing endpoints and the delivery backlog.
      'LucroWebhookDeliveriesFailing',
      'LucroWebhookBacklog',
    ]) {
      expect(alerts).toContain(wanted);
    }
  });

  it('when a running process is scraped after real work, then /metrics exposes every metric the dashboard and the alerts name', async () => {
    // Every name is ours: a metric from elsewhere (kube-state-metrics) could not be checked here.
    for (const name of named) expect(name, 'only lucro_ metrics').toMatch(/^lucro_/);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);

    const port = await freePort();
    server = startLucro(['start'], {
      DATABASE_URL: ctx.db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}`,
      PORT: String(port),
      ENRICHMENT_LATENCY_MS: '0',
      SCHEDULER_INTERVAL_MS: '200',
    });
    await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('API listening'));
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${await ctx.key(['ingest'])}`, 'content-type': 'application/json' };
    const posted = await fetch(`${base}/api/integrations/transactions/`, { method: 'POST', headers, body: JSON.stringify(batchBody(5, { accountId: 'ACC-DASH' })) });
    expect(posted.status).toBe(202);
    const { batch_id: batchId } = (await posted.json()) as { batch_id: string };
    await waitFor(async () => ((await (await fetch(`${base}/api/batches/${batchId}`, { headers })).json()) as { status: string }).status === 'completed', 20_000, 'the batch to complete');
    await waitFor(async () => (await fetch(`${base}/metrics`).then((r) => r.text())).includes('lucro_transactions{status="pending"}'), 10_000, 'a sweep');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const text = await (await fetch(`${base}/metrics`)).text();
    const exposed = new Set(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]));
    const missing = [...named].filter((name) => !exposed.has(name));
    expect(missing).toEqual([]);
    // A sample line per selected series, at 0 when nothing happened yet: `name{…label="value"…} n`.
    const samples = text.split('\n').filter((line) => line && !line.startsWith('#'));
    const absent = [...selected].filter((series) => {
      const [, name, pair] = /^([^{]+)\{(.*)\}$/.exec(series) ?? [];
      return !samples.some((line) => line.startsWith(`${name}{`) && line.slice(0, line.indexOf('}')).split(/[{,]/).includes(pair ?? ''));
    });
    expect(selected).toContain('lucro_webhook_deliveries_total{outcome="failed"}');
    expect(absent).toEqual([]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);
});
