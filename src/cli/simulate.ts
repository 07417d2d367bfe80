import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { ACCOUNT_ID_MAX_LENGTH, IDENTIFIER_CHARACTERS, isAccountId } from '../domain/identifiers.js';
import { generateBatch, randomInt } from './simulate.data.js';
import { createLucroClient, type AccountSummary, type BatchView, type IngestRequest, type LucroClient, type ResponseBody } from '../client/index.js';
import { parseCommandLine, UsageError } from './command-line.js';
import { Progress } from './progress.js';
import { keyAdminConfig } from './keys.js';
import { readSimulatorKey, SIMULATOR_KEY_EXPIRY_SECONDS, storeSimulatorKey } from './simulator-key.js';

/** Upper bound of --count: a simulation, not a load test (bench/ is for that). */
const MAX_COUNT = 1_000;
const POLL_INTERVAL_MS = 300;
const HEALTH_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 15_000;
const DESCRIPTION_WIDTH = 48;

interface Options {
  url: string;
  key: string | undefined;
  accountId: string;
  count: number;
  timeoutMs: number;
}

type TransactionView = ResponseBody<'/api/batches/{batch_id}/transactions', 'get'>['transactions'][number];

/** Nothing answers at the URL, or something that is not the Lucro API does. */
class Unreachable extends Error {
  constructor(
    readonly reason: string,
    /** Set when something answered /healthz, but not with 200. */
    readonly healthStatus?: number,
  ) {
    super(reason);
  }
}

class KeyCreationFailed extends Error {}

class KeyRejected extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The API answered, but not as the simulator expected. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/**
 * Plays a banking integration end to end (contract §1): posts 10–15 realistic transactions, prints
 * the batch id, shows enrichment progress and then the account summary. Exit 0 only when the batch
 * completed; 1 when it did not, or the key was rejected; 2 for bad usage or an unreachable API.
 */
export async function simulate(config: Config, args: string[]): Promise<number> {
  const options = parseOptions(config, args);
  try {
    return await run(config, options);
  } catch (error) {
    return explain(error, options.url);
  }
}

async function run(config: Config, options: Options): Promise<number> {
  // Say so before touching the database when there is no server to talk to.
  await checkReachable(options.url);
  const api = new ApiClient(options.url, options.key ?? (await simulatorKey(config, options.url)));
  const runId = randomBytes(4).toString('hex');
  const batch = generateBatch({ accountId: options.accountId, count: options.count, runId });

  console.error(`Posting ${options.count} transactions for account ${options.accountId} to ${options.url}`);
  const accepted = await api.ingest(batch, `simulate-${runId}`);
  console.log(`batch ${accepted.batch_id}`);

  const final = await waitForBatch(api, accepted.batch_id, options.timeoutMs);
  await printSummary(api, options.accountId);
  printTransactions(await listTransactions(api, accepted.batch_id));
  return verdict(final, options.timeoutMs);
}

function parseOptions(config: Config, args: string[]): Options {
  const { values } = parseCommandLine('simulate', args, {
    url: { type: 'string' },
    key: { type: 'string' },
    account: { type: 'string' },
    count: { type: 'string' },
    timeout: { type: 'string' },
  });
  const accountId = values.account ?? `SIM-${randomBytes(3).toString('hex').toUpperCase()}`;
  if (!isAccountId(accountId)) throw new UsageError(`--account must be 1–${ACCOUNT_ID_MAX_LENGTH} characters of ${IDENTIFIER_CHARACTERS}, got "${accountId}"`);
  if (values.key !== undefined && values.key.trim() === '') throw new UsageError('--key must not be empty');
  return {
    url: parseUrl(values.url ?? defaultUrl(config)),
    key: values.key,
    accountId,
    count: values.count === undefined ? randomInt(Math.random, 10, 15) : parseCount(values.count, Math.min(MAX_COUNT, config.maxBatchSize)),
    timeoutMs: parseTimeout(values.timeout ?? '120'),
  };
}

/** Where `npm start` listens with this configuration; a wildcard address is reached on loopback. */
function defaultUrl(config: Config): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:8000, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http(s) URL, got "${text}"`);
  return url.toString().replace(/\/+$/, '');
}

function parseCount(text: string, max: number): number {
  const count = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(count >= 1 && count <= max)) throw new UsageError(`--count must be a whole number from 1 to ${max}, got "${text}"`);
  return count;
}

function parseTimeout(text: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0 && seconds <= 86_400)) throw new UsageError(`--timeout must be a number of seconds above 0 and up to 86400, got "${text}"`);
  return seconds * 1000;
}

async function checkReachable(url: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
  } catch (error) {
    throw new Unreachable(networkReason(error, HEALTH_TIMEOUT_MS));
  }
  await response.body?.cancel();
  if (!response.ok) throw new Unreachable(`GET /healthz answered ${response.status}`, response.status);
}

/**
 * The key of a previous run (kept 0600 under LUCRO_DATA_DIR) while the API still accepts it;
 * otherwise a new expiring one, stored for the next run. Runs do not pile up permanent keys.
 */
async function simulatorKey(config: Config, url: string): Promise<string> {
  const stored = await readSimulatorKey(config.dataDir);
  if (stored && (await keyAccepted(url, stored))) return stored;
  const key = await createSimulatorKey(config);
  await storeSimulatorKey(config.dataDir, key).catch((error: unknown) => {
    console.error(`Could not keep the simulator's key in ${config.dataDir} (${(error as Error).message}); the next run makes another.`);
  });
  return key;
}

async function keyAccepted(url: string, key: string): Promise<boolean> {
  try {
    await new ApiClient(url, key).listCategories();
    return true;
  } catch (error) {
    if (error instanceof KeyRejected) return false;
    throw error;
  }
}

/** A key for integration `simulator`, created through the same configuration `lucro keys` uses. */
async function createSimulatorKey(config: Config): Promise<string> {
  const { createContainer } = await import('../container.js');
  try {
    const container = await createContainer(keyAdminConfig(config), { role: 'simulate', logTo: 'stderr' });
    try {
      const created = await container.auth.createKey('simulator', ['ingest', 'reports'], SIMULATOR_KEY_EXPIRY_SECONDS);
      console.error('Created an API key for integration "simulator" (scopes ingest, reports), kept for later runs until it expires.');
      return created.key;
    } finally {
      await container.close();
    }
  } catch (error) {
    // 42P01, undefined_table: a database nothing has migrated (an empty data directory, say).
    if ((error as { code?: unknown }).code === '42P01') throw new KeyCreationFailed('this database has no Lucro tables yet; run npm start (or npx lucro migrate) with the same configuration first.');
    throw new KeyCreationFailed(error instanceof Error ? error.message : String(error));
  }
}

/** The typed API client with the key; turns every failure into one of the errors above. */
class ApiClient {
  private readonly client: LucroClient;

  constructor(baseUrl: string, key: string) {
    // Every call gets the same bound on how long it may take.
    this.client = createLucroClient(baseUrl, key, { fetch: (request) => fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }) });
  }

  ingest(body: IngestRequest, idempotencyKey: string) {
    return this.call('POST /api/integrations/transactions', () =>
      this.client.POST('/api/integrations/transactions', { body, params: { header: { 'idempotency-key': idempotencyKey } } }),
    );
  }

  listCategories() {
    return this.call('GET /api/categories', () => this.client.GET('/api/categories'));
  }

  getBatch(batchId: string) {
    return this.call(`GET /api/batches/${batchId}`, () => this.client.GET('/api/batches/{batch_id}', { params: { path: { batch_id: batchId } } }));
  }

  listBatchTransactions(batchId: string, cursor: string | undefined) {
    return this.call(`GET /api/batches/${batchId}/transactions`, () =>
      this.client.GET('/api/batches/{batch_id}/transactions', { params: { path: { batch_id: batchId }, query: { limit: 1000, ...(cursor ? { cursor } : {}) } } }),
    );
  }

  getSummary(accountId: string) {
    return this.call(`GET summary of ${accountId}`, () =>
      this.client.GET('/api/reports/account/{account_id}/summary', { params: { path: { account_id: accountId } } }),
    );
  }

  private async call<T>(what: string, send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let outcome: { data?: T; error?: unknown; response: Response };
    try {
      outcome = await send();
    } catch (error) {
      throw new Unreachable(networkReason(error, REQUEST_TIMEOUT_MS));
    }
    if (outcome.response.ok && outcome.data !== undefined) return outcome.data;
    const problem = (outcome.error ?? {}) as { code?: string; detail?: string };
    const code = problem.code ?? 'unknown';
    const detail = problem.detail ?? outcome.response.statusText;
    if (outcome.response.status === 401 || outcome.response.status === 403) throw new KeyRejected(outcome.response.status, code, detail);
    throw new ApiError(outcome.response.status, code, `${what}: ${detail}`);
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Polls the batch until none of it is left to do or the time is up; shows progress meanwhile. */
async function waitForBatch(api: ApiClient, batchId: string, timeoutMs: number): Promise<BatchView | undefined> {
  const started = Date.now();
  const progress = new Progress(process.stderr);
  let last: BatchView | undefined;
  try {
    while (Date.now() - started < timeoutMs) {
      last = (await pollOnce(api, batchId)) ?? last;
      if (last) progress.show('batch', last, Date.now() - started);
      if (last && isFinished(last)) return last;
      await sleep(POLL_INTERVAL_MS);
    }
    return last;
  } finally {
    progress.end();
  }
}

/** One look at the batch; a server that is briefly unavailable is tried again on the next tick. */
async function pollOnce(api: ApiClient, batchId: string): Promise<BatchView | undefined> {
  try {
    return await api.getBatch(batchId);
  } catch (error) {
    if (error instanceof Unreachable || (error instanceof ApiError && error.status === 503)) return undefined;
    throw error;
  }
}

function isFinished(batch: BatchView): boolean {
  return batch.status === 'completed' || batch.status === 'completed_with_errors';
}

function verdict(batch: BatchView | undefined, timeoutMs: number): number {
  if (batch?.status === 'completed') {
    console.error(`Batch ${batch.batch_id} completed: all ${batch.counts.total} transactions enriched.`);
    return 0;
  }
  if (batch?.status === 'completed_with_errors') {
    console.error(`Batch ${batch.batch_id} completed with errors: ${batch.counts.failed} of ${batch.counts.total} transactions failed.`);
  } else {
    const state = batch ? `still ${batch.status}, ${batch.counts.completed + batch.counts.failed} of ${batch.counts.total} done` : 'never seen';
    console.error(`Timed out after ${timeoutMs / 1000} s waiting for the batch (${state}).`);
  }
  return 1;
}

async function printSummary(api: ApiClient, accountId: string): Promise<void> {
  let summary: AccountSummary;
  try {
    summary = await api.getSummary(accountId);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    console.error(`The account summary is unavailable: ${error.message}`);
    return;
  }
  console.log(formatSummary(summary));
}

/** The account summary (contract §6) as aligned text. */
function formatSummary(summary: AccountSummary): string {
  const status = summary.ingestion_status;
  const lines = [
    '',
    `Account ${summary.account_id} (${summary.currency})`,
    ...formatTable(
      [],
      [
        ['transactions', String(summary.total_transactions)],
        ['total spend', summary.total_spend],
        ['total income', summary.total_income],
        ['net', summary.net],
      ],
      ['left', 'right'],
    ).map((line) => `  ${line}`),
    `  ingestion     completed ${status.completed} · processing ${status.processing} · pending ${status.pending} · failed ${status.failed}`,
    '  top spend categories',
  ];
  const top = summary.top_spend_categories.map((c) => [c.category, c.total_spend, `${c.transaction_count} txn`]);
  lines.push(...(top.length === 0 ? ['    (none yet)'] : formatTable([], top, ['left', 'right', 'right']).map((line) => `    ${line}`)));
  return lines.join('\n');
}

async function listTransactions(api: ApiClient, batchId: string): Promise<TransactionView[]> {
  const all: TransactionView[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.listBatchTransactions(batchId, cursor ?? undefined);
    all.push(...page.transactions);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return all;
}

function printTransactions(transactions: TransactionView[]): void {
  const rows = transactions.map((t) => [
    t.date,
    t.amount,
    truncate(t.description ?? t.merchant_name ?? '', DESCRIPTION_WIDTH),
    t.category ?? `(${t.status})`,
    t.category_confidence === null ? '-' : t.category_confidence.toFixed(2),
  ]);
  console.log(`\nTransactions (${transactions.length})`);
  for (const line of formatTable(['date', 'amount', 'description', 'category', 'confidence'], rows, ['left', 'right', 'left', 'left', 'right'])) {
    console.log(`  ${line}`);
  }
}

/** Columns padded to their widest cell; a header, when given, is underlined. */
function formatTable(headers: string[], rows: string[][], align: Array<'left' | 'right'>): string[] {
  const all = headers.length > 0 ? [headers, ...rows] : rows;
  const widths = align.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = rows.map(render);
  if (headers.length === 0) return lines;
  return [render(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...lines];
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One clear line for each way a run can fail, and its exit code. */
function explain(error: unknown, url: string): number {
  if (error instanceof Unreachable && error.healthStatus !== undefined) {
    console.error(`Something at ${url} answered GET /healthz with ${error.healthStatus}: it is not a ready Lucro API. Is --url right?`);
    return 2;
  }
  if (error instanceof Unreachable) {
    console.error(`Cannot reach the Lucro API at ${url}: is it running? Start it with npm start (${error.reason})`);
    return 2;
  }
  if (error instanceof KeyRejected) {
    console.error(
      `The API key was rejected (${error.status} ${error.code}): ${error.detail} ` +
        'Pass a key with the ingest and reports scopes as --key, or leave --key out to have one created.',
    );
    return 1;
  }
  if (error instanceof KeyCreationFailed) {
    console.error(
      `Could not create an API key for the simulator: ${error.message} ` +
        'Create one with npx lucro keys create --integration simulator --scopes ingest,reports and pass it as --key.',
    );
    return 1;
  }
  if (error instanceof ApiError) {
    console.error(`The API refused the simulation (${error.message}).`);
    return 1;
  }
  throw error;
}
