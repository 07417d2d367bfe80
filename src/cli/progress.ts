import type { BatchView } from '../ingestion/batch.schemas.js';

const BAR_WIDTH = 30;

/** Work counted by status, as a batch (§5) or a re-enrichment (§11) reports it. */
export interface ProgressState {
  status: string;
  counts: BatchView['counts'];
}

/**
 * A progress bar of rows by status. On a terminal one line is redrawn in place; in a log (CI) a
 * line is written only when the counts change, so the log stays readable.
 */
export class Progress {
  private lastKey = '';
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  show(label: string, state: ProgressState, elapsedMs: number): void {
    const key = `${state.status} ${JSON.stringify(state.counts)}`;
    const line = `${progressBar(state.counts)} · ${label} ${state.status} · ${(elapsedMs / 1000).toFixed(1)} s`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else if (key !== this.lastKey) {
      this.stream.write(`${line}\n`);
    }
    this.lastKey = key;
  }

  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

/** `[#########~~~......] 9/15 done (completed 9, processing 3, pending 3, failed 0)`. */
function progressBar(counts: BatchView['counts']): string {
  const total = Math.max(counts.total, 1);
  const cells = (n: number) => Math.round((n / total) * BAR_WIDTH);
  const completed = cells(counts.completed);
  const failed = cells(counts.completed + counts.failed) - completed;
  const processing = cells(counts.completed + counts.failed + counts.processing) - completed - failed;
  const bar = '#'.repeat(completed) + 'x'.repeat(failed) + '~'.repeat(processing);
  const done = counts.completed + counts.failed;
  return (
    `[${bar.padEnd(BAR_WIDTH, '.')}] ${done}/${counts.total} done (completed ${counts.completed}, ` +
    `processing ${counts.processing}, pending ${counts.pending}, failed ${counts.failed})`
  );
}
