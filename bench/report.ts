/** Turns the measurements into the one table: figure, measured, limit, ratio, target, PASS/MISS. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CategorizationBench } from './categorizer-accuracy.js';
import type { DesignLatencyResult, LatencyZeroResult } from './enrich.js';
import type { BodyBombResult } from './bodies.js';
import type { FairnessResult, IntegrationFairnessResult } from './fairness.js';
import type { FeedResult } from './feed.js';
import type { IngestResult } from './ingest.js';
import { pipelineRows, type PipelineMeasurements } from './report-pipeline.js';
import type { SummaryResult } from './summary.js';

export interface Row {
  figure: string;
  measured: string;
  limit: string;
  ratio: string;
  target: string;
  result: 'PASS' | 'MISS' | 'info';
}

export interface Measurements extends PipelineMeasurements {
  ingest?: IngestResult;
  enrichZero?: LatencyZeroResult;
  design?: DesignLatencyResult;
  fairness?: FairnessResult;
  integrations?: IntegrationFairnessResult;
  summary?: SummaryResult;
  feed?: FeedResult;
  categorize?: CategorizationBench;
  bodies?: BodyBombResult;
}

const n = (value: number) => Math.round(value).toLocaleString('en');
const x = (value: number) => `${value.toFixed(2)}×`;
const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

export function tableRows(m: Measurements): Row[] {
  const rows: Row[] = [];
  if (m.ingest) {
    const { api1000, api100, copy } = m.ingest.rowsPerSecond;
    const k = `${m.ingest.rows / 1000}k rows, ${m.ingest.clients} clients`;
    rows.push({ figure: `ingest rows/s, batches of 1,000 (${k})`, measured: n(api1000), limit: `COPY ${n(copy)}`, ratio: x(api1000 / copy), target: '≥ 0.60×', result: verdict(api1000 / copy >= 0.6) });
    rows.push({ figure: `ingest rows/s, batches of 100 (${k})`, measured: n(api100), limit: `COPY ${n(copy)}`, ratio: x(api100 / copy), target: '—', result: 'info' });
    const bare = m.ingest.rowsPerSecond.copyWithoutTriggers;
    if (bare !== undefined) {
      rows.push({ figure: 'ingest: COPY with the rollup triggers vs without', measured: n(copy), limit: `COPY, triggers off ${n(bare)}`, ratio: x(copy / bare), target: '—', result: 'info' });
      // Issue 10: the rollup's cost on ingestion, measured against COPY without it.
      rows.push({ figure: `ingest rows/s, batches of 1,000, against COPY with triggers off`, measured: n(api1000), limit: `COPY, triggers off ${n(bare)}`, ratio: x(api1000 / bare), target: '≥ 0.60×', result: verdict(api1000 / bare >= 0.6) });
    }
  }
  if (m.enrichZero) {
    const bare = m.enrichZero.bareSqlLoop;
    for (const [concurrency, rate] of Object.entries(m.enrichZero.byConcurrency)) {
      const headline = concurrency === '32' ? ', default: headline' : '';
      const perClaim = m.enrichZero.rowsPerClaim[concurrency];
      rows.push({
        figure: `enrich rows/s, latency 0, ${m.enrichZero.workers} workers × concurrency ${concurrency} (${perClaim ?? '?'} rows/claim${headline})`,
        measured: n(rate),
        limit: `bare SQL loop ${n(bare)}`,
        ratio: x(rate / bare),
        target: '≥ 0.50×',
        result: concurrency === '32' ? verdict(rate / bare >= 0.5) : 'info',
      });
    }
    const off = m.enrichZero.bareSqlLoopWithoutTriggers;
    if (off !== undefined) {
      // Issue 10: the rollup's cost on the claim loop, and the workers against the loop without it.
      rows.push({ figure: 'enrich: bare SQL loop with the rollup triggers vs without', measured: n(bare), limit: `triggers off ${n(off)}`, ratio: x(bare / off), target: '≥ 0.80×', result: verdict(bare / off >= 0.8) });
      const headline = m.enrichZero.byConcurrency['32'];
      if (headline !== undefined) {
        rows.push({
          figure: `enrich rows/s, latency 0, ${m.enrichZero.workers} workers × concurrency 32, against the bare SQL loop with triggers off`,
          measured: n(headline),
          limit: `triggers off ${n(off)}`,
          ratio: x(headline / off),
          target: '≥ 0.50×',
          result: verdict(headline / off >= 0.5),
        });
      }
    }
  }
  if (m.design) {
    for (const [concurrency, figure] of Object.entries(m.design.byConcurrency)) {
      const headline = concurrency === '512';
      rows.push({
        figure: `enrich rows/s, latency ${m.design.latencyMs} ms, 1 worker × concurrency ${concurrency}`,
        measured: n(figure.rowsPerSecond),
        limit: `${concurrency} ÷ 0.75 s = ${n(figure.limit)}`,
        ratio: x(figure.rowsPerSecond / figure.limit),
        target: headline ? '≥ 500 rows/s' : '—',
        result: headline ? verdict(figure.rowsPerSecond >= 500) : 'info',
      });
    }
  }
  if (m.fairness) {
    const ratio = m.fairness.behindSeconds / m.fairness.idleSeconds;
    rows.push({
      figure: `small batch (15) behind big (10,000), ${m.fairness.workers} workers × 32, latency ${m.fairness.latencyMs} ms`,
      measured: `${m.fairness.behindSeconds.toFixed(2)} s`,
      limit: `idle ${m.fairness.idleSeconds.toFixed(2)} s`,
      ratio: x(ratio),
      target: '≤ 3×',
      result: verdict(ratio <= 3),
    });
  }
  if (m.integrations) {
    const f = m.integrations;
    const ratio = f.behindSeconds / f.idleSeconds;
    rows.push({
      figure: `integration B's batch (15) behind A's ${f.busyBatches} × ${n(f.busyRows)}, ${f.workers} workers × ${f.concurrency}, latency ${f.latencyMs} ms`,
      measured: `${f.behindSeconds.toFixed(2)} s`,
      limit: `idle ${f.idleSeconds.toFixed(2)} s`,
      ratio: x(ratio),
      target: '≤ 3×',
      result: verdict(ratio <= 3),
    });
  }
  if (m.summary) {
    for (const f of m.summary.figures) {
      const targetMs = f.account === 'SUM-SMALL' ? 5 : 15;
      const scored = f.range === '12 months';
      rows.push({
        figure: `summary p50/p95, ${n(f.rows)}-row account, ${f.range} (${n(f.rowsInRange)} rows; ${(m.summary.totalRows / 1e6).toFixed(1)}M in table)`,
        measured: `${f.http.p50.toFixed(1)} / ${f.http.p95.toFixed(1)} ms`,
        limit: `bare SQL ${f.sql.p50.toFixed(1)} / ${f.sql.p95.toFixed(1)} ms`,
        ratio: x(f.http.p95 / f.sql.p95),
        target: scored ? `p95 ≤ ${targetMs} ms` : '—',
        result: scored ? verdict(f.http.p95 <= targetMs) : 'info',
      });
    }
  }
  if (m.summary) {
    const big = m.summary.figures.find((f) => f.account === 'SUM-BIG');
    for (const page of m.summary.accountPages ?? []) {
      rows.push({
        figure: `account transactions, 100 a page, ${n(big?.rows ?? 0)}-row account: ${page.name}`,
        measured: `${page.p50.toFixed(1)} / ${page.p95.toFixed(1)} ms`,
        limit: `HTTP floor ${m.summary.httpFloor.p95.toFixed(1)} ms`,
        ratio: '—',
        target: 'p95 ≤ 50 ms',
        result: verdict(page.p95 <= 50),
      });
    }
  }
  if (m.feed) {
    const f = m.feed;
    rows.push({ figure: `change feed read, 1,000-change pages, one consumer (${n(f.changes)} changes)`, measured: `${n(f.readChangesPerSecond)} changes/s`, limit: '—', ratio: '—', target: '≥ 20,000/s', result: verdict(f.readChangesPerSecond >= 20_000) });
    rows.push({ figure: `change feed lag p50/p95 while ingesting ${n(f.ingestRowsPerSecond)} rows/s (its 202 → seen by a 50 ms poller)`, measured: `${f.lagMs.p50} / ${f.lagMs.p95} ms`, limit: '—', ratio: '—', target: 'p95 < 1,000 ms', result: verdict(f.lagMs.p95 < 1_000) });
  }
  rows.push(...pipelineRows(m));
  if (m.categorize) rows.push(...categorizationRows(m.categorize));
  if (m.ingest) {
    rows.push({ figure: 'API memory: peak RSS while ingesting', measured: `${m.ingest.apiPeakRssMiB.toFixed(0)} MiB`, limit: '—', ratio: '—', target: '—', result: 'info' });
  }
  if (m.bodies) {
    const b = m.bodies;
    rows.push({
      figure: `API heap while receiving ${b.bombs} body bombs of 10 MiB ({} and 1 items, ± Idempotency-Key; 256 MB heap)`,
      measured: `peak ${b.peakHeapMiB.toFixed(0)} MiB (RSS ${b.peakRssMiB.toFixed(0)} MiB)`,
      limit: `idle ${b.idleHeapMiB.toFixed(0)} MiB`,
      ratio: x(b.peakHeapMiB / b.idleHeapMiB),
      target: 'every one 413, API alive',
      result: verdict(b.allRefused),
    });
    rows.push({
      figure: `API RSS while ${n(b.documentRequests)} pipelined requests for each OpenAPI document (/openapi.json, /docs/json) wait unread`,
      measured: `peak ${b.documentsPeakRssMiB.toFixed(0)} MiB`,
      limit: `at rest ${b.idleRssMiB.toFixed(0)} MiB`,
      ratio: x(b.documentsPeakRssMiB / b.idleRssMiB),
      target: '≤ 1.5× at rest, API alive',
      result: verdict(b.aliveAfterDocuments && b.documentsPeakRssMiB <= 1.5 * b.idleRssMiB),
    });
  }
  return rows;
}

const pct = (value: number) => (Number.isNaN(value) ? '—' : `${(100 * value).toFixed(1)}%`);

function categorizationRows(c: CategorizationBench): Row[] {
  const rows: Row[] = [];
  for (const s of c.sets) {
    rows.push({ figure: `categorize ${s.name} (${s.rows} rows): accuracy, cold start`, measured: pct(s.accuracy), limit: `coverage ${pct(s.coverage)}`, ratio: `F1 ${s.macroF1.toFixed(2)}`, target: `≥ ${pct(s.target)}`, result: verdict(s.accuracy >= s.target) });
    rows.push({ figure: `categorize ${s.name}: right among answers at confidence ≥ 0.9`, measured: pct(s.precisionAt90), limit: `${s.answersAt90} answers`, ratio: '—', target: '≥ 95.0%', result: verdict(!(s.precisionAt90 < 0.95)) });
  }
  rows.push({ figure: `categorize: local layers, rows/s per core (CPU time)`, measured: n(c.rowsPerCoreSecond), limit: '—', ratio: '—', target: '≥ 20,000', result: verdict(c.rowsPerCoreSecond >= 20_000) });
  rows.push({
    figure: `categorize: brand index start-up (${n(c.startup.brands)} names)`,
    measured: `${c.startup.seconds.toFixed(2)} s, ${c.startup.rssMiB.toFixed(0)} MiB`,
    limit: '—',
    ratio: '—',
    target: '≤ 2 s, ≤ 150 MiB',
    result: verdict(c.startup.seconds <= 2 && c.startup.rssMiB <= 150),
  });
  return rows;
}

export function renderTable(rows: Row[]): string {
  const header: Row = { figure: 'figure', measured: 'measured', limit: 'limit (same run)', ratio: 'ratio', target: 'target', result: 'PASS' };
  const cells = (row: Row, isHeader = false) => [row.figure, row.measured, row.limit, row.ratio, row.target, isHeader ? 'result' : row.result];
  const all = [cells(header, true), ...rows.map((row) => cells(row))];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((line) => [...(line[i] ?? '')].length))) ?? [];
  const line = (values: string[]) => `| ${values.map((v, i) => v + ' '.repeat((widths[i] ?? 0) - [...v].length)).join(' | ')} |`;
  return [line(all[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...all.slice(1).map(line)].join('\n');
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** Replaces the results section of bench/README.md (between the markers) with this run's table. */
export function updateReadme(path: string, section: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return false;
  writeFileSync(path, `${text.slice(0, from + START.length)}\n${section}\n${text.slice(to)}`);
  return true;
}
