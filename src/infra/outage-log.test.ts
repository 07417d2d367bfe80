import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { OutageLog } from './outage-log.js';

/** A logger whose lines are kept as [level, msg, failures]. */
function capture() {
  const lines: Array<[string, string, unknown]> = [];
  const logger = createLogger('debug', 'test', 'json');
  for (const level of ['warn', 'debug', 'info'] as const) {
    logger[level] = ((object: { failures?: unknown }, msg: string) => lines.push([level, msg, object.failures])) as never;
  }
  return { logger, lines };
}

const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('OutageLog', () => {
  it('when a task fails again and again because the database is away, then one warning, debug lines after it, and one line when it works again', () => {
    const { logger, lines } = capture();
    const log = new OutageLog(logger);
    log.succeeded();
    for (let i = 0; i < 3; i++) log.failed(unreachable(), 'sweep failed');
    log.succeeded();
    log.succeeded();
    log.failed(unreachable(), 'sweep failed');
    expect(lines).toEqual([
      ['warn', 'sweep failed', undefined],
      ['debug', 'sweep failed', 2],
      ['debug', 'sweep failed', 3],
      ['info', 'working again after the database or the queue was away', 3],
      ['warn', 'sweep failed', undefined],
    ]);
  });

  it('when a task fails again and again because the database lacks migrations, then one warning and debug lines after it', () => {
    const { logger, lines } = capture();
    const log = new OutageLog(logger);
    for (let i = 0; i < 3; i++) log.failed(Object.assign(new Error('relation "webhook_deliveries" does not exist'), { code: '42P01' }), 'poll failed');
    expect(lines.map(([level]) => level)).toEqual(['warn', 'debug', 'debug']);
  });

  it('when a task fails for another reason, then each failure is a warning', () => {
    const { logger, lines } = capture();
    const log = new OutageLog(logger);
    log.failed(new Error('column "x" does not exist'), 'sweep failed');
    log.failed(new Error('column "x" does not exist'), 'sweep failed');
    expect(lines.map(([level]) => level)).toEqual(['warn', 'warn']);
  });
});
