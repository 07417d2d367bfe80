/**
 * The benchmark's own infrastructure: a throw-away database, child processes of `lucro`, a
 * keep-alive HTTP client, and a cleanup that runs on success, failure and Ctrl-C alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { rederiveLessonsStep } from '../src/corrections/lessons.js';
import { migrate } from '../src/infra/migrate.js';
import { freePort, onJsonLines } from '../test/helpers/processes.js';
import { sleep } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/lucro.js', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export interface BenchOptions {
  adminUrl: string;
  redisUrl: string;
  /** Extra node flags for every child, e.g. --cpu-prof. */
  childNodeArgs: string[];
  /** Extra environment for every child, e.g. the OTEL_* variables of a traced run. */
  childEnv?: Record<string, string>;
  log: (message: string) => void;
}

/** A `lucro <role>` child process. */
export interface LucroChild {
  readonly role: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Log lines at warn level or above, counted by message. */
  readonly warnings: Map<string, number>;
  stderrTail(): string;
  /** SIGTERM (the contract's drain), SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export class BenchEnv {
  readonly dbName = `lucro_bench_${randomBytes(4).toString('hex')}`;
  readonly benchUrl: string;
  readonly queuePrefixBase = `lucro_bench_${randomBytes(3).toString('hex')}`;
  /** A pool on the bench database without statement timeout, for loading and bare-SQL limits. */
  pool!: pg.Pool;
  private readonly admin: pg.Pool;
  private readonly children = new Set<LucroChild>();
  private readonly tempFiles = new Set<string>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private created = false;
  private cleaned: Promise<void> | undefined;

  constructor(readonly options: BenchOptions) {
    const url = new URL(options.adminUrl);
    url.pathname = `/${this.dbName}`;
    this.benchUrl = url.toString();
    this.admin = new pg.Pool({ connectionString: options.adminUrl, max: 1 });
    this.admin.on('error', () => {});
  }

  /** Creates and migrates the bench database. */
  async setUp(): Promise<void> {
    await this.admin.query(`CREATE DATABASE ${this.dbName}`);
    this.created = true;
    this.pool = new pg.Pool({ connectionString: this.benchUrl, max: 6, application_name: 'lucro-bench' });
    this.pool.on('error', () => {});
    await migrate(this.pool, undefined, { afterMigrations: rederiveLessonsStep });
  }

  queuePrefix(phase: string): string {
    return `${this.queuePrefixBase}_${phase}`;
  }

  registerTempFile(path: string): void {
    this.tempFiles.add(path);
  }

  /** Starts `lucro <role>` with the bench database and Redis; resolves once it answers /healthz. */
  async startRole(role: 'api' | 'worker' | 'scheduler', env: Record<string, string>): Promise<LucroChild & { port: number }> {
    const port = await freePort();
    const portEnv = role === 'api' ? { PORT: String(port) } : { METRICS_PORT: String(port) };
    const child = spawn(process.execPath, [...this.options.childNodeArgs, BIN, role], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: this.benchUrl,
        REDIS_URL: this.options.redisUrl,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // The bench measures capacity; the per-integration rate limit is a policy and would cap it.
        RATE_LIMIT_PER_SECOND: '0',
        ...this.options.childEnv,
        ...portEnv,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const warnings = new Map<string, number>();
    let stderr = '';
    if (child.stdout) {
      onJsonLines(child.stdout, (line) => {
        const msg = typeof line.msg === 'string' ? line.msg : '?';
        warnings.set(msg, (warnings.get(msg) ?? 0) + 1);
      });
    }
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const handle: LucroChild & { port: number } = {
      role,
      pid: child.pid ?? -1,
      port,
      child,
      warnings,
      stderrTail: () => stderr,
      stop: async (graceMs = 30_000) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        this.children.delete(handle);
      },
    };
    this.children.add(handle);
    if (this.options.childNodeArgs.length > 0) this.options.log(`  started ${role} pid ${handle.pid} with ${JSON.stringify(env)}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`lucro ${role} exited during start-up: ${stderr}`);
      }
      const ok = await this.request('GET', port, '/healthz').then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`lucro ${role} did not answer /healthz within 60 s: ${stderr}`);
      await sleep(100);
    }
    return handle;
  }

  /** One HTTP request on a keep-alive connection to 127.0.0.1. */
  request(
    method: 'GET' | 'POST' | 'PATCH',
    port: number,
    path: string,
    options: { body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...(options.body ? { 'content-type': 'application/json', 'content-length': String(options.body.length) } : {}),
            ...options.headers,
          },
          timeout: 120_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
      request.on('error', reject);
      request.end(options.body);
    });
  }

  /**
   * Empties every table but integrations, keys and accounts: transactions, batches and whatever the
   * schema keeps beside them (a rollup, idempotency keys), which TRUNCATE would otherwise leave stale.
   */
  async truncate(): Promise<void> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT quote_ident(tablename) AS name FROM pg_tables
        WHERE schemaname = 'public' AND tablename NOT IN ('integrations', 'api_keys', 'accounts', 'schema_migrations', 'change_sequencer')
          AND tablename NOT LIKE 'bench\\_%'`,
    );
    // Workers still busy with an earlier round (one stopped at its time cap) may take the tables' locks in
    // another order: a deadlock aborts the TRUNCATE, not them, so it is simply tried again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(`TRUNCATE ${rows.map((row) => row.name).join(', ')}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 50) throw error;
        await sleep(100 * Math.min(attempt, 10));
      }
    }
  }

  /** Whether transactions carries triggers of the schema's own (e.g. a rollup kept by triggers). */
  async hasUserTriggers(): Promise<boolean> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'transactions'::regclass AND NOT tgisinternal`,
    );
    return (rows[0]?.n ?? 0) > 0;
  }

  /**
   * Runs `work` with the schema's own triggers on transactions switched off, to show what they
   * cost. Whatever they maintain is stale afterwards, so the tables are emptied again.
   */
  async withoutUserTriggers<T>(work: () => Promise<T>): Promise<T> {
    await this.pool.query('ALTER TABLE transactions DISABLE TRIGGER USER');
    try {
      return await work();
    } finally {
      await this.pool.query('ALTER TABLE transactions ENABLE TRIGGER USER');
      await this.truncate();
    }
  }

  /** Sums a counter or histogram count over the /metrics of the given processes. */
  async scrapeMetric(ports: number[], metric: string): Promise<number> {
    let total = 0;
    for (const port of ports) {
      const response = await this.request('GET', port, '/metrics');
      for (const line of response.body.split('\n')) {
        if (line.startsWith(`${metric} `) || line.startsWith(`${metric}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Stops every child, deletes the run's Redis keys and temp files, drops the database. Idempotent. */
  cleanUp(): Promise<void> {
    this.cleaned ??= (async () => {
      await Promise.all([...this.children].map((child) => child.stop(15_000).catch(() => {})));
      this.agent.destroy();
      for (const file of this.tempFiles) rmSync(file, { force: true });
      await this.deleteRedisKeys().catch((error: unknown) => this.options.log(`could not delete Redis keys: ${String(error)}`));
      await this.pool?.end().catch(() => {});
      if (this.created) {
        await this.admin
          .query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`)
          .catch((error: unknown) => this.options.log(`could not drop ${this.dbName}: ${String(error)}`));
      }
      await this.admin.end().catch(() => {});
    })();
    return this.cleaned;
  }

  /** Last resort on process exit: no awaiting possible, so children are killed outright. */
  killChildrenNow(): void {
    for (const child of this.children) child.child.kill('SIGKILL');
  }

  private async deleteRedisKeys(): Promise<void> {
    const redis = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    redis.on('error', () => {});
    try {
      await redis.connect();
      let cursor = '0';
      let rounds = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.queuePrefixBase}_*`, 'COUNT', 1_000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
        rounds += 1;
      } while (cursor !== '0' && rounds < 100_000);
    } finally {
      redis.disconnect();
    }
  }
}

export interface ActivityProfile {
  samples: number;
  /** Share of samples in which a backend of the bench database was doing this, busiest first. */
  top: Array<{ what: string; share: number }>;
  /** Database-wide counters over the sampled span (pg_stat_database). */
  commits: number;
  rowsInserted: number;
  rowsUpdated: number;
}

/**
 * A sampling profiler for the database side (pg_stat_statements is not loaded on every server):
 * every `intervalMs` it records what each active backend of the bench database is running and
 * waiting on. Time spent is proportional to how often a statement shows up.
 */
export class ActivitySampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private busy = false;
  private before: { commits: number; inserted: number; updated: number } | undefined;

  constructor(
    private readonly env: BenchEnv,
    private readonly intervalMs = 50,
  ) {}

  async start(): Promise<void> {
    this.before = await this.counters();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  async stop(): Promise<ActivityProfile> {
    clearInterval(this.timer);
    const after = await this.counters();
    const before = this.before ?? after;
    const top = [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([what, count]) => ({ what, share: Math.round((count / Math.max(1, this.samples)) * 100) / 100 }));
    return {
      samples: this.samples,
      top,
      commits: after.commits - before.commits,
      rowsInserted: after.inserted - before.inserted,
      rowsUpdated: after.updated - before.updated,
    };
  }

  private async counters(): Promise<{ commits: number; inserted: number; updated: number }> {
    const { rows } = await this.env.pool.query<{ commits: string; inserted: string; updated: string }>(
      `SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    return { commits: Number(row?.commits ?? 0), inserted: Number(row?.inserted ?? 0), updated: Number(row?.updated ?? 0) };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.env.pool.query<{ what: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' | ' ||
                left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS what
           FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
            AND application_name <> 'lucro-bench'`,
      );
      this.samples += 1;
      for (const row of rows) this.counts.set(row.what, (this.counts.get(row.what) ?? 0) + 1);
    } catch {
      // a missed sample is harmless
    } finally {
      this.busy = false;
    }
  }
}

/** User + system CPU seconds a process has used, from /proc (Linux); undefined once it has exited. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds from the text of a `/proc/<pid>/stat` (clock ticks of 1/100 s). */
function cpuSecondsOfStat(stat: string): number {
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by every PostgreSQL server process of this machine (the bench's server
 * runs here, see COPY). A backend that exits between two readings takes its share with it: read
 * around work done on connections that stay open.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += cpuSecondsOfStat(stat);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process in MiB, from /proc. */
export function memoryOf(pid: number): { peakMiB: number; rssMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}
