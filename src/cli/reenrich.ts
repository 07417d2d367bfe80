import type { Config } from '../config.js';
import { isCalendarDate } from '../domain/calendar-date.js';
import { batchStatus } from '../ingestion/batch.service.js';
import { findIntegrationAccounts } from '../reenrichment/reenrichment.repository.js';
import type { ReenrichmentView } from '../reenrichment/reenrichment.schemas.js';
import { parseCommandLine, UsageError } from './command-line.js';
import { Progress } from './progress.js';

const POLL_MS = 500;

/**
 * The operator's re-enrichment (contract §11), e.g. after a categorizer upgrade: every account of
 * the integration (or one) from a date on, with a progress bar until all of it is done. With the
 * in-process queue this process does the work itself; with Redis the running workers do.
 */
export async function reenrich(config: Config, args: string[]): Promise<number> {
  const { values } = parseCommandLine('reenrich', args, { integration: { type: 'string' }, account: { type: 'string' }, since: { type: 'string' } });
  if (!values.integration) throw new UsageError('--integration NAME is required: the integration whose transactions to enrich again');
  if (values.since !== undefined && !isCalendarDate(values.since)) throw new UsageError(`--since must be a real calendar date YYYY-MM-DD, got "${values.since}"`);
  const { createContainer } = await import('../container.js');
  const { migrate } = await import('../infra/migrate.js');
  const { rederiveLessonsStep } = await import('../corrections/lessons.js');
  const container = await createContainer({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel }, { role: 'reenrich', logTo: 'stderr' });
  // Ctrl-C stops following, not the re-enrichment: it says where it goes on and exits as interrupted.
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
  };
  process.once('SIGINT', interrupt);
  try {
    if (container.databaseMode === 'embedded') await migrate(container.pool, undefined, { afterMigrations: rederiveLessonsStep });
    const accounts = await findIntegrationAccounts(container.pool, values.integration, values.account ?? null);
    if (accounts.length === 0) {
      console.error(`No ${values.account ? `account ${values.account} of ` : 'accounts of '}integration "${values.integration}".`);
      return 1;
    }
    const started = Date.now();
    const body = values.since === undefined ? {} : { start_date: values.since };
    const jobs = [];
    for (const { integrationId, accountId } of accounts) {
      const accepted = await container.reenrichments.start(integrationId, accountId, body);
      jobs.push({ integrationId, id: accepted.reenrichment_id });
      console.log(`${accountId}\t${accepted.reenrichment_id}\t${transactions(accepted.transactions)}`);
    }
    if (container.queue.kind === 'in-process') container.worker.start();

    const progress = new Progress(process.stderr);
    let total: ReenrichmentView;
    for (;;) {
      const views = await Promise.all(jobs.map((job) => container.reenrichments.get(job.integrationId, job.id)));
      total = combine(views);
      progress.show('re-enrichment', total, Date.now() - started);
      if (views.every((view) => view.status === 'completed' || view.status === 'completed_with_errors')) break;
      if (interrupted) {
        progress.end();
        console.error(
          container.queue.kind === 'in-process'
            ? 'Stopped. Its transactions wait, pending, for the next worker (npm start); follow each at /api/reenrichments/ID (ids above).'
            : 'Stopped following. The workers go on with it; follow each at /api/reenrichments/ID (ids above), or with lucro status.',
        );
        return 130;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    progress.end();
    console.error(`Re-enriched ${transactions(total.counts.completed)} (${total.counts.failed} failed) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    // As simulate's: 0 only when all of it completed, so a script can tell a partial run (1).
    return total.counts.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', interrupt);
    await container.worker.stop().catch(() => {});
    await container.close();
  }
}

/** Several accounts' re-enrichments as one: counts added, a status as §5 derives it from them. */
function combine(views: ReenrichmentView[]): ReenrichmentView {
  const counts = { total: 0, pending: 0, processing: 0, completed: 0, failed: 0 };
  for (const view of views) for (const name of Object.keys(counts) as Array<keyof typeof counts>) counts[name] += view.counts[name];
  return { reenrichment_id: views[0]?.reenrichment_id ?? '', status: batchStatus(counts), created_at: '', completed_at: null, counts };
}

function transactions(count: number): string {
  return `${count} ${count === 1 ? 'transaction' : 'transactions'}`;
}
