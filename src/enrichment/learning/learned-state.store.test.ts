import { describe, expect, it } from 'vitest';
import { createPool } from '../../infra/db.js';
import { createLogger } from '../../infra/logger.js';
import { LearnedStateStore } from './learned-state.store.js';

describe('LearnedStateStore while the database is away', () => {
  it('when every row of a batch finds the database unreachable, then they all go on without learned state and one warning is logged, not one per row', async () => {
    const warnings: string[] = [];
    const logger = createLogger('debug', 'test', 'json');
    logger.warn = ((_: unknown, msg: string) => warnings.push(msg)) as never;
    logger.debug = (() => {}) as never;
    // Nothing listens on port 1: every connection is refused at once, as while PostgreSQL is down.
    const pool = createPool('postgres://postgres@127.0.0.1:1/lucro');
    try {
      const store = new LearnedStateStore(pool, logger, 0);
      const states = [];
      for (let row = 0; row < 20; row++) states.push(await store.stateFor(7, 1));
      expect(states.every((state) => state === undefined)).toBe(true);
      expect(warnings).toEqual(['could not refresh the learned state of integration 7']);
    } finally {
      await pool.end();
    }
  });
});
