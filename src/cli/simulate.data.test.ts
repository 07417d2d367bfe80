import { describe, expect, it } from 'vitest';
import { formatCents, generateBatch, HISTORY_DAYS, type GenerateOptions } from './simulate.data.js';

const NOW = new Date('2026-11-27T23:30:00Z');

/** A seeded generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(options: Partial<GenerateOptions> = {}) {
  return generateBatch({ accountId: 'SIM-TEST', count: 15, runId: 'run1', now: NOW, random: seeded(42), ...options });
}

const PROCESSOR_PREFIX = /^(?:POS PURCHASE |SQ \*|TST\* |PAYPAL \*|CHECKCARD \d{4} )/;

describe('generateBatch', () => {
  it('when asked for N transactions, then it returns exactly N for every N from 1 to 60', () => {
    for (let count = 1; count <= 60; count += 1) expect(generate({ count }).transactions).toHaveLength(count);
  });

  it('when it generates, then transaction ids are unique within the run and carry the run id', () => {
    const ids = generate({ count: 200 }).transactions.map((t) => t.transaction_id);
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^SIM-run1-\d{3}$/);
  });

  it('when two runs use the same account, then their ids never collide', () => {
    const first = generate({ runId: 'aaaa' }).transactions.map((t) => t.transaction_id);
    const second = generate({ runId: 'bbbb' }).transactions.map((t) => t.transaction_id);
    expect(first.filter((id) => second.includes(id))).toEqual([]);
  });

  it('when it generates, then every date is a UTC calendar date within the last 30 days, in order', () => {
    const oldest = new Date(Date.UTC(2026, 10, 27 - (HISTORY_DAYS - 1))).toISOString().slice(0, 10);
    for (let seed = 1; seed <= 20; seed += 1) {
      const dates = generate({ random: seeded(seed), count: 40 }).transactions.map((t) => t.date);
      for (const date of dates) {
        expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(date >= oldest && date <= '2026-11-27').toBe(true);
      }
      expect([...dates].sort()).toEqual(dates);
    }
  });

  it('when it generates, then amounts are decimal strings with exactly two decimals', () => {
    for (const t of generate({ count: 100 }).transactions) {
      expect(typeof t.amount).toBe('string');
      expect(t.amount).toMatch(/^-?\d+\.\d{2}$/);
      expect(t.currency).toBe('USD');
    }
  });

  it('when it generates, then there is one positive salary credit and the rest is money out', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const transactions = generate({ random: seeded(seed) }).transactions;
      const credits = transactions.filter((t) => !t.amount.startsWith('-'));
      expect(credits).toHaveLength(1);
      expect(credits[0]).toMatchObject({ merchant_name: 'Acme Corp', description: expect.stringContaining('ACME CORP PAYROLL') });
      expect(Number(credits[0]?.amount)).toBeGreaterThan(0);
    }
  });

  it('when even one transaction is asked for, then it is the salary credit', () => {
    expect(generate({ count: 1 }).transactions[0]?.description).toMatch(/^ACME CORP PAYROLL/);
  });

  it('when a realistic batch is generated, then descriptions carry card-processor prefixes', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const descriptions = generate({ random: seeded(seed), count: 12 }).transactions.map((t) => t.description);
      expect(descriptions.filter((d) => PROCESSOR_PREFIX.test(d)).length).toBeGreaterThanOrEqual(2);
    }
    const all = generate({ count: 60 }).transactions.map((t) => t.description);
    for (const prefix of ['POS PURCHASE ', 'SQ *', 'TST* ', 'PAYPAL *', 'CHECKCARD 1102 ']) expect(all.some((d) => d.startsWith(prefix))).toBe(true);
    for (const kind of ['UBER *TRIP', 'NETFLIX.COM', 'SPOTIFY', 'MONTHLY MAINTENANCE FEE', 'RENT']) expect(all.some((d) => d.includes(kind))).toBe(true);
  });

  it('when it generates, then the account is the one asked for, in USD', () => {
    expect(generate({ accountId: 'ACC-9' }).account).toMatchObject({ account_id: 'ACC-9', currency: 'USD' });
  });
});

describe('formatCents', () => {
  it('when given integer cents, then it writes an exact two-decimal string', () => {
    expect(formatCents(-1250)).toBe('-12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-7)).toBe('-0.07');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(420_000)).toBe('4200.00');
    expect(formatCents(999_999_999_999_99)).toBe('999999999999.99');
  });

  it('when given a fraction of a cent, then it refuses', () => {
    expect(() => formatCents(12.5)).toThrow(RangeError);
  });
});
