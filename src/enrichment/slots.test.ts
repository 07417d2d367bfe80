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
  it('when a minimum grant is set, then slots coming back one by one are handed out together once that many are free', async () => {
    const slots = new Slots(8);
    slots.minGrant = 4;
    expect(await slots.acquireUpTo(8)).toBe(8);
    let granted = 0;
    const wait = slots.acquireUpTo(8).then((n) => (granted = n));
    for (let i = 0; i < 3; i++) {
      slots.release(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(granted).toBe(0);
    slots.release(1);
    await wait;
    expect(granted).toBe(4);
    // A waiter asking for fewer is served as soon as that many are free.
    const small = slots.acquireUpTo(1);
    slots.release(1);
    expect(await small).toBe(1);
  });
});

describe('Batcher', () => {
  it('when items arrive in one burst, then one write takes them all, and items arriving while it runs are written together by the next', async () => {
    const writes: number[][] = [];
    let unblock: () => void = () => {};
    const gate = new Promise<void>((resolve) => (unblock = resolve));
    const batcher = new Batcher<number, number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await gate;
      return new Map(items.map((i) => [i, i * 10]));
    });
    const burst = [batcher.add(1), batcher.add(2)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[1, 2]]);
    const rest = [batcher.add(3), batcher.add(4), batcher.add(5)];
    unblock();
    expect(await Promise.all(burst)).toEqual([10, 20]);
    expect(await Promise.all(rest)).toEqual([30, 40, 50]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('when a write fails, then every item of that write is rejected', async () => {
    const batcher = new Batcher<number, number>(async () => {
      throw new Error('database down');
    });
    await expect(batcher.add(1)).rejects.toThrow('database down');
  });
});
