import type { Config } from '../config.js';
import { ALIVE_WITHIN_SECONDS, collectStatus, formatAge, type StatusReport } from '../operations/status.service.js';
import { parseCommandLine } from './command-line.js';

/** Exit codes: 0 all well, 1 something needs attention, 2 the database is unreachable. */
export async function statusCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseCommandLine('status', args, { json: { type: 'boolean', default: false } });
  const report = await collectStatus(config);
  console.log(values.json ? JSON.stringify(report, null, 2) : renderStatus(report));
  if (!report.database.reachable) return 2;
  return report.ok ? 0 : 1;
}

const WIDTH = 14;
const line = (label: string, text: string) => `  ${label.padEnd(WIDTH)}${text}`;
const more = (text: string) => `  ${' '.repeat(WIDTH)}${text}`;

/** The operator's screen, plain text (no colour: it is as often piped as read). */
function renderStatus(report: StatusReport): string {
  const out: string[] = [`Lucro status at ${new Date().toISOString().slice(0, 19)}Z`, ''];
  const { database, redis, migrations, queue, transactions } = report;

  out.push(line('database', database.reachable ? `ok          ${database.url}` : `UNREACHABLE ${database.url}: ${database.error}`));
  if (redis.url === null) out.push(line('redis', 'not configured (REDIS_URL unset): the in-process queue of `npm start`, nothing to inspect from here'));
  else out.push(line('redis', redis.reachable ? `ok          ${redis.url}` : `UNREACHABLE ${redis.url}: ${redis.error}`));
  if (migrations) {
    out.push(line('migrations', migrations.pending.length === 0 ? `${migrations.applied} applied, none pending` : `${migrations.applied} applied, ${migrations.pending.length} PENDING: ${migrations.pending.join(', ')}`));
  }
  if (queue.depth !== null) {
    out.push(line('queue', `${queue.depth} job(s) waiting or running${queue.oldest_job_age_seconds === null ? '' : `, oldest waiting ${formatAge(queue.oldest_job_age_seconds)}`}`));
  }
  if (transactions) {
    const oldest = transactions.oldest_pending_age_seconds === null ? '' : `, oldest pending ${formatAge(transactions.oldest_pending_age_seconds)}`;
    const stale = transactions.stale_leases > 0 ? ` (${transactions.stale_leases} on a lease that ran out)` : '';
    out.push(line('transactions', `${transactions.pending} pending, ${transactions.processing} processing${stale}, ${transactions.failed} failed (${transactions.failed_last_hour} in the last hour)${oldest}`));
    const workers = report.workers.filter((w) => w.role === 'worker' || w.role === 'start');
    out.push(line('workers', `${workers.length} seen in the last ${ALIVE_WITHIN_SECONDS} s${report.workers.length > workers.length ? ` (and ${report.workers.length - workers.length} other process(es))` : ''}`));
    for (const w of report.workers) {
      out.push(more(`${w.role.padEnd(10)} ${`${w.hostname}:${w.pid}`.padEnd(28)} up since ${w.started_at}, seen ${formatAge(w.seen_seconds_ago)} ago${w.concurrency === null ? '' : `, concurrency ${w.concurrency}`}`));
    }
    if (report.failed_by_error.length > 0) {
      out.push(line('failures', 'failed transactions by error (most frequent first):'));
      for (const f of report.failed_by_error) out.push(more(`${String(f.count).padStart(7)}  ${f.error}  (last ${f.last_at})`));
    }
  }
  out.push('');
  if (report.ok) out.push('All well.');
  else out.push('Needs attention:', ...report.attention.map((a) => `  - ${a}`));
  return out.join('\n');
}
