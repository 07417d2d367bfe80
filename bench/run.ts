/**
 * `npm run bench [-- --quick] [-- --only=ingest,enrich,design,fairness,integrations,summary,feed,webhooks,tracing,categorize,bodies] [-- --cpu-prof]`
 *
 * Measures the pipeline against PostgreSQL's own limits, measured in the same run on the same
 * database: a fresh database created on DATABASE_URL (the admin URL) and dropped at the end, its
 * own API and worker processes, and a unique Redis key prefix. Prints one table; a MISS is
 * information, not a failure: the exit code is non-zero only when the benchmark itself broke.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { ensureAccounts } from './data.js';
import { benchBodyBombs } from './bodies.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { benchDesignLatency, benchLatencyZero } from './enrich.js';
import { benchFairness, benchIntegrationFairness } from './fairness.js';
import { benchFeed } from './feed.js';
import { benchOutbox } from './outbox.js';
import { benchTracing } from './tracing.js';
import { benchWebhookDelivery, benchWebhookIngest } from './webhooks.js';
import { BenchEnv, RESULTS_DIR } from './harness.js';
import { benchIngest } from './ingest.js';
import { renderTable, tableRows, updateReadme, type Measurements } from './report.js';
import { round, since } from './stats.js';
import { benchSummary } from './summary.js';
import { benchCategorization, renderCategorization } from './categorizer-accuracy.js';

const PHASES = ['ingest', 'enrich', 'design', 'fairness', 'integrations', 'summary', 'feed', 'webhooks', 'tracing', 'categorize', 'bodies'] as const;
type Phase = (typeof PHASES)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    // Every child traces (OpenTelemetry SDK, all spans sampled) and exports OTLP to a receiver the bench runs.
    tracing: { type: 'boolean', default: false },
  },
});
const quick = args.quick === true;
const phases = new Set<Phase>(
  args.only ? (args.only.split(',').map((p) => p.trim()).filter((p): p is Phase => (PHASES as readonly string[]).includes(p))) : PHASES,
);

const settings = quick
  ? {
      ingest: { rows: 20_000, rounds: 2 },
      enrich: { rows: 10_000, rounds: 1, bareRounds: 1, concurrencies: [32, 512], workers: 2, capSeconds: 8 },
      design: { concurrencies: [32, 512], warmupSeconds: 2.5, windowSeconds: 2.5, windows: 2 },
      fairness: { rounds: 2, workers: 2, latencyMs: '500-1000' },
      integrations: { rounds: 1, workers: 2, latencyMs: '500-1000', busyBatches: 50, busyRows: 1_000 },
      summary: { totalRows: 300_000, bigRows: 100_000, smallRows: 5_000, requests: 30, rollupProbe: true },
      feed: { rows: 20_000 },
      outbox: { rows: 20_000, rounds: 2 },
      webhooks: { deliveries: 5_000, endpoints: 10, ingestRows: 20_000, ingestRounds: 2, ingestEndpoints: 3, settleSeconds: 10 },
      tracing: { ingestRows: 20_000, ingestRounds: 2, enrichRows: 10_000, enrichRounds: 1, workers: 2, capSeconds: 8 },
      bodies: { rounds: 1 },
    }
  : {
      ingest: { rows: 100_000, rounds: 5 },
      enrich: { rows: 50_000, rounds: 3, bareRounds: 5, concurrencies: [32, 512], workers: 2, capSeconds: 60 },
      design: { concurrencies: [32, 512], warmupSeconds: 4, windowSeconds: 5, windows: 5 },
      fairness: { rounds: 5, workers: 2, latencyMs: '500-1000' },
      integrations: { rounds: 3, workers: 2, latencyMs: '500-1000', busyBatches: 50, busyRows: 1_000 },
      summary: { totalRows: 5_000_000, bigRows: 500_000, smallRows: 5_000, requests: 200, rollupProbe: true },
      feed: { rows: 100_000 },
      outbox: { rows: 100_000, rounds: 5 },
      webhooks: { deliveries: 20_000, endpoints: 10, ingestRows: 60_000, ingestRounds: 4, ingestEndpoints: 3, settleSeconds: 20 },
      tracing: { ingestRows: 100_000, ingestRounds: 5, enrichRows: 20_000, enrichRounds: 3, workers: 2, capSeconds: 45 },
      bodies: { rounds: 3 },
    };

const runStarted = performance.now();
const log = (message: string) => console.log(`[bench ${(since(runStarted) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const receiver = args.tracing ? await startOtlpReceiver() : undefined;
const env = new BenchEnv({
  adminUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  childNodeArgs: args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}`] : [],
  childEnv: receiver ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'always_on' } : {},
  log,
});

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping children and dropping ${env.dbName}`);
    void env.cleanUp().finally(() => process.exit(130));
  });
}
process.once('exit', () => env.killChildrenNow());

/**
 * What code the run measures: the committed trees of src/, migrations/ and bin/ plus any uncommitted change there. Child
 * processes load the sources when they start, so a change during the run mixes versions.
 */
function codeFingerprint(): string {
  try {
    const git = (...argv: string[]) => execFileSync('git', argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // The trees of what runs, not the commit: a commit that touches only bench/ or docs changes nothing measured.
    const head = createHash('sha256').update(git('rev-parse', 'HEAD:src', 'HEAD:migrations', 'HEAD:bin')).digest('hex').slice(0, 8);
    const changes = git('diff', 'HEAD', '--', 'src', 'migrations', 'bin') + git('ls-files', '--others', '--exclude-standard', '--', 'src', 'migrations');
    return changes ? `${head}+${createHash('sha256').update(changes).digest('hex').slice(0, 8)}` : head;
  } catch {
    return 'unknown';
  }
}
const fingerprintAtStart = codeFingerprint();

async function main(): Promise<number> {
  log(`${quick ? 'quick' : 'full'} run${receiver ? ' with tracing on (OTLP to the bench)' : ''}; database ${env.dbName}; phases ${[...phases].join(', ')}`);
  const loadBefore = os.loadavg();
  await env.setUp();
  const measurements: Measurements = {};
  const machine = await machineFacts();
  const phaseSeconds: Record<string, number> = {};

  const admin = await createContainer(loadConfig({ DATABASE_URL: env.benchUrl, LOG_LEVEL: 'silent' }), { role: 'bench' });
  const { key } = await admin.auth.createKey('bench', ['ingest', 'reports']);
  await admin.close();
  const { rows } = await env.pool.query<{ id: number }>(`SELECT id FROM integrations WHERE name = 'bench'`);
  const integrationId = Number(rows[0]?.id);

  const timed = async <T>(phase: Phase, work: () => Promise<T>): Promise<T | undefined> => {
    if (!phases.has(phase) || interrupted) return undefined;
    const started = performance.now();
    log(`phase ${phase}`);
    const result = await work();
    phaseSeconds[phase] = round(since(started) / 1000, 1);
    return result;
  };

  const api = phases.has('ingest') || phases.has('summary') || phases.has('feed') ? await env.startRole('api', { QUEUE_PREFIX: env.queuePrefix('api') }) : undefined;
  const target = { apiPort: api?.port ?? 0, apiPid: api?.pid ?? 0, key, integrationId };

  measurements.ingest = await timed('ingest', () => benchIngest(env, target, settings.ingest));
  const enrichAccounts = [...(await ensureAccounts(env.pool, integrationId, Array.from({ length: 10 }, (_, i) => `ENRICH-${i}`))).values()];
  const setup = { integrationId, accountIds: enrichAccounts };
  measurements.enrichZero = await timed('enrich', () => benchLatencyZero(env, setup, settings.enrich));
  measurements.design = await timed('design', () => benchDesignLatency(env, setup, settings.design));
  measurements.fairness = await timed('fairness', () => benchFairness(env, key, settings.fairness));
  measurements.integrations = await timed('integrations', () => benchIntegrationFairness(env, settings.integrations));
  measurements.summary = await timed('summary', () => benchSummary(env, target, settings.summary));
  const feed = await timed('feed', async () => ({ feed: await benchFeed(env, target, settings.feed), outbox: await benchOutbox(env, target, settings.outbox) }));
  measurements.feed = feed?.feed;
  measurements.outbox = feed?.outbox;
  const webhooks = await timed('webhooks', async () => ({
    delivery: await benchWebhookDelivery(env, settings.webhooks),
    ingest: await benchWebhookIngest(env, target, { rows: settings.webhooks.ingestRows, rounds: settings.webhooks.ingestRounds, endpoints: settings.webhooks.ingestEndpoints, settleSeconds: settings.webhooks.settleSeconds }),
  }));
  measurements.webhookDelivery = webhooks?.delivery;
  measurements.webhookIngest = webhooks?.ingest;
  measurements.tracing = await timed('tracing', () => benchTracing(env, target, setup, settings.tracing));
  measurements.categorize = await timed('categorize', async () => {
    const result = benchCategorization({ quick });
    console.log(renderCategorization(result));
    return result;
  });
  measurements.bodies = await timed('bodies', () => benchBodyBombs(env, key, settings.bodies));
  const apiWarnings = api ? Object.fromEntries(api.warnings) : {};
  await api?.stop();

  const fingerprintAtEnd = codeFingerprint();
  const codeChanged = fingerprintAtEnd !== fingerprintAtStart;
  if (codeChanged) log(`WARNING: src/ or migrations/ changed during the run (${fingerprintAtStart} → ${fingerprintAtEnd}); figures may mix code versions`);
  const rowsOut = tableRows(measurements);
  const table = renderTable(rowsOut);
  const totalSeconds = round(since(runStarted) / 1000, 0);
  const headerLine = `${quick ? 'Quick' : 'Full'} run of ${machine.date} on code ${fingerprintAtStart}: ${machine.nproc} cores, ${machine.postgres.split(' on ')[0]}, Node ${machine.node}; took ${Math.floor(totalSeconds / 60)} min ${Math.round(totalSeconds % 60)} s.`;
  console.log(`\n${headerLine}\n\n${table}\n`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const output = {
    mode: quick ? 'quick' : 'full',
    machine: { ...machine, loadAverageBefore: loadBefore.map((v) => round(v, 2)), loadAverageAfter: os.loadavg().map((v) => round(v, 2)) },
    settings,
    code: { atStart: fingerprintAtStart, atEnd: fingerprintAtEnd, changedDuringRun: codeChanged },
    durationSeconds: totalSeconds,
    phaseSeconds,
    table: rowsOut,
    measurements,
    apiWarnings,
  };
  // Only a full run replaces the committed results; a quick one is written beside them (not committed).
  if (receiver) log(`tracing: the receiver took ${receiver.received().requests} OTLP exports, ${Math.round(receiver.received().bytes / 1024)} KiB`);
  // A full run of some phases (--only) goes beside latest.json, never over it: the committed table is the whole run's.
  const resultsFile = quick || receiver ? 'quick.json' : phases.size === PHASES.length ? 'latest.json' : `only-${[...phases].join('-')}.json`;
  writeFileSync(`${RESULTS_DIR}${resultsFile}`, `${JSON.stringify(output, null, 2)}\n`);
  log(`wrote ${fileURLToPath(new URL(`./results/${resultsFile}`, import.meta.url))}`);
  if (!quick && !receiver && phases.size === PHASES.length && !codeChanged) {
    const readme = fileURLToPath(new URL('./README.md', import.meta.url));
    if (updateReadme(readme, `${headerLine}\n\n${table}`)) log(`updated the results table in ${readme}`);
  }
  return 0;
}

async function machineFacts() {
  const { rows } = await env.pool.query<{ version: string; shared_buffers: string; synchronous_commit: string; autovacuum: string; max_wal_size: string }>(
    `SELECT version(), current_setting('shared_buffers') AS shared_buffers, current_setting('synchronous_commit') AS synchronous_commit,
            current_setting('autovacuum') AS autovacuum, current_setting('max_wal_size') AS max_wal_size`,
  );
  const row = rows[0];
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: row?.version ?? 'unknown',
    postgresSettings: { shared_buffers: row?.shared_buffers, synchronous_commit: row?.synchronous_commit, autovacuum: row?.autovacuum, max_wal_size: row?.max_wal_size },
  };
}

let code: number;
try {
  code = await main();
} catch (error) {
  // After Ctrl-C the cleanup pulls the database from under the running phase: not a failure to report.
  if (!interrupted) console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  code = 1;
} finally {
  log('cleaning up');
  await env.cleanUp();
}
process.exit(interrupted ? 130 : code);
