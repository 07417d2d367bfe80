import { describe, expect, it } from 'vitest';
import { Batcher, Slots } from './slots.js';

describe('Slots', () => {
  it('when slots are free, then a request takes as many as it may at once', async () => {
    const slots = new Slots(10);
    expect(await slots.acquireUpTo(4)).toBe(4);
    expect(await slots.acquireUpTo(20)).toBe(6);
    expect(slots.available).toBe(0);
  });

  it('when several batches wait, then they take turns, so a late small batch is not served after every waiter of a big one', async () => {
    const slots = new Slots(1);
    await slots.acquireUpTo(1);
    const order: string[] = [];
    const waits = [
      slots.acquireUpTo(1, 'big').then(() => order.push('big')),
      slots.acquireUpTo(1, 'big').then(() => order.push('big')),
      slots.acquireUpTo(1, 'big').then(() => order.push('big')),
      slots.acquireUpTo(1, 'small').then(() => order.push('small')),
    ];
    for (let i = 0; i < 4; i++) {
      slots.release(1);
      await Promise.resolve();
    }
    await Promise.all(waits);
    expect(order).toEqual(['big', 'small', 'big', 'big']);
  });

  it('when one integration waits with many batches and another with one, then the integrations take turns first', async () => {
    const slots = new Slots(1);
    await slots.acquireUpTo(1);
    const order: string[] = [];
    const waits = [
      ...['a1', 'a2', 'a3', 'a1'].map((batch) => slots.acquireUpTo(1, batch, 'A').then(() => order.push(batch))),
      slots.acquireUpTo(1, 'b1', 'B').then(() => order.push('b1')),
      slots.acquireUpTo(1, 'b1', 'B').then(() => order.push('b1')),
    ];
    slots.release(waits.length);
    await Promise.all(waits);
    expect(order).toEqual(['a1', 'b1', 'a2', 'b1', 'a3', 'a1']);
  });

  it('when resized, then more slots are handed out at once, and a shrink waits for taken slots to return', async () => {
    const slots = new Slots(2);
    expect(await slots.acquireUpTo(5)).toBe(2);
    slots.resize(6);
    expect(await slots.acquireUpTo(10)).toBe(4);
    slots.resize(3);
    slots.release(4);
    expect(slots.available).toBe(1);
  });

  it('when slots are exhausted, then waiters are served first come first served as slots return', async () => {
    const slots = new Slots(2);
    await slots.acquireUpTo(2);
    const order: string[] = [];
    const big = slots.acquireUpTo(100).then((n) => order.push(`big:${n}`));
    const small = slots.acquireUpTo(1).then((n) => order.push(`small:${n}`));
    slots.release(1);
    await big;
    slots.release(1);
    await small;
    expect(order).toEqual(['big:1', 'small:1']);
  });
});

describe('Batcher', () => {
  it('when items arrive while a write runs, then they are written together by the next write', async () => {
    const writes: number[][] = [];
    let unblock: () => void = () => {};
    const gate = new Promise<void>((resolve) => (unblock = resolve));
    const batcher = new Batcher<number, number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await gate;
      return new Map(items.map((i) => [i, i * 10]));
    });
    const first = batcher.add(1);
    const rest = [batcher.add(2), batcher.add(3), batcher.add(4)];
    unblock();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('when a write fails, then every item of that write is rejected', async () => {
    const batcher = new Batcher<number, number>(async () => {
      throw new Error('database down');
    });
    await expect(batcher.add(1)).rejects.toThrow('database down');
  });
});
