import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { AccountWriteTurns } from './account-write-turns.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('account write turns', () => {
  it('when two writes to one account come at once, then the second starts when the first ends; another account does not wait', async () => {
    const turns = new AccountWriteTurns(1_000);
    const log: string[] = [];
    const write = (name: string) => async () => {
      log.push(`${name} starts`);
      await sleep(50);
      log.push(`${name} ends`);
    };
    await Promise.all([turns.run(1, 'ACC-A', write('a1')), turns.run(1, 'ACC-A', write('a2')), turns.run(1, 'ACC-B', write('b1')), turns.run(2, 'ACC-A', write('other integration'))]);
    expect(log.indexOf('a2 starts')).toBeGreaterThan(log.indexOf('a1 ends'));
    expect(log.indexOf('b1 starts')).toBeLessThan(log.indexOf('a1 ends'));
    expect(log.indexOf('other integration starts')).toBeLessThan(log.indexOf('a1 ends'));
  });

  it('when a write waits for its turn longer than allowed, then it is refused as service_unavailable and never runs', async () => {
    const turns = new AccountWriteTurns(100);
    let ran = false;
    const first = turns.run(1, 'ACC-A', () => sleep(300));
    const second = turns.run(1, 'ACC-A', async () => void (ran = true));
    await expect(second).rejects.toMatchObject({ code: 'service_unavailable', message: expect.stringContaining('Other writes to account ACC-A') });
    await first;
    expect(ran).toBe(false);
  });

  it('when a write finds the database unreachable, then the writes queued behind it fail at once without trying, and the next one a second later tries', async () => {
    const turns = new AccountWriteTurns(5_000);
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
    let tried = 0;
    const attempt = () => turns.run(1, 'ACC-A', async () => {
      tried += 1;
      await sleep(100);
      throw unreachable;
    });
    const results = await Promise.allSettled([attempt(), attempt(), attempt()]);
    expect(tried).toBe(1);
    expect(results.map((r) => (r.status === 'rejected' && r.reason instanceof AppError ? r.reason.code : 'driver error'))).toEqual([
      'driver error',
      'service_unavailable',
      'service_unavailable',
    ]);
    await sleep(1_100);
    await expect(turns.run(1, 'ACC-A', async () => 'written')).resolves.toBe('written');
  });

  it('when a write finds no pooled connection free in time, then the writes queued behind it still try for themselves', async () => {
    const turns = new AccountWriteTurns(5_000);
    const poolBusy = new Error('timeout exceeded when trying to connect');
    const results = await Promise.allSettled([
      turns.run(1, 'ACC-A', async () => {
        throw poolBusy;
      }),
      turns.run(1, 'ACC-A', async () => 'written'),
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: poolBusy },
      { status: 'fulfilled', value: 'written' },
    ]);
  });
});
