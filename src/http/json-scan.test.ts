import { describe, expect, it } from 'vitest';
import { scanJson } from './json-scan.js';

describe('scanJson', () => {
  it('when the top-level member holds a list, then its items are counted, whatever they hold', () => {
    expect(scanJson('{"account":{"a":[1,2,3]},"transactions":[{"x":[1,2]},"a,b]",3]}', 64, 'transactions')).toMatchObject({ tooDeep: false, items: 3 });
    expect(scanJson('{"transactions":[]}', 64, 'transactions').items).toBe(0);
    expect(scanJson('{"transactions":[ {} ]}', 64, 'transactions').items).toBe(1);
  });

  it('when the member name is written with escapes, then it is still recognised', () => {
    expect(scanJson('{"\\u0074ransactions":[1,1,1,1]}', 64, 'transactions').items).toBe(4);
  });

  it('when the name appears only as a value or nested deeper, then nothing is counted', () => {
    expect(scanJson('{"a":"transactions","b":{"transactions":[1,2]}}', 64, 'transactions').items).toBe(0);
    expect(scanJson('[{"transactions":[1,2]}]', 64, 'transactions').items).toBe(0);
  });

  it('when values are counted, then names, scalars and containers each count once, and separators inside strings do not', () => {
    expect(scanJson('1', 64).values).toBe(1);
    expect(scanJson('[1,2,3]', 64).values).toBe(4);
    expect(scanJson('{"a":1,"b":[true,null]}', 64).values).toBe(7);
    expect(scanJson('{"a":"x,y:z"}', 64).values).toBe(3);
  });

  it('when nesting passes the limit, then it says so', () => {
    expect(scanJson('['.repeat(65) + ']'.repeat(65), 64).tooDeep).toBe(true);
    expect(scanJson('['.repeat(64) + ']'.repeat(64), 64).tooDeep).toBe(false);
    expect(scanJson('{"a":"[[[[[[[[[["}', 3).tooDeep).toBe(false);
  });
});
