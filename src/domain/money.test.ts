import { describe, expect, it } from 'vitest';
import { amountSign, formatAmount, isExactAsDouble, parseAmount, plainNumberText } from './money.js';

describe('parseAmount', () => {
  it('when a string has fewer decimals than the currency, then it is padded to the minor unit', () => {
    expect(parseAmount('-12.5', 2)).toEqual({ ok: true, amount: '-12.50' });
    expect(parseAmount('7', 3)).toEqual({ ok: true, amount: '7.000' });
    expect(parseAmount('1500', 0)).toEqual({ ok: true, amount: '1500' });
  });

  it('when a string carries more decimals than the minor unit, then it is rejected even if they are zeros', () => {
    expect(parseAmount('12.500', 2).ok).toBe(false);
    expect(parseAmount('10.5', 0).ok).toBe(false);
    expect(parseAmount('1.2345', 3).ok).toBe(false);
  });

  it('when a JSON number is given, then trailing zeros do not count and the value is exact', () => {
    expect(parseAmount(12.5, 2)).toEqual({ ok: true, amount: '12.50' });
    expect(parseAmount(-0.1, 2)).toEqual({ ok: true, amount: '-0.10' });
    expect(parseAmount(1e3, 0)).toEqual({ ok: true, amount: '1000' });
    expect(parseAmount(0.123, 2).ok).toBe(false);
  });

  it('when the magnitude reaches 10^13, then it is rejected; just below is accepted', () => {
    expect(parseAmount('10000000000000', 2).ok).toBe(false);
    expect(parseAmount('-9999999999999.99', 2)).toEqual({ ok: true, amount: '-9999999999999.99' });
    expect(parseAmount(1e13, 2).ok).toBe(false);
  });

  it('when the text is not a plain decimal, then it is rejected', () => {
    for (const bad of ['', ' 1', '1,000.00', '+5', '1e3', '.5', '5.', 'NaN', '--1', '0x10']) {
      expect(parseAmount(bad, 2).ok, bad).toBe(false);
    }
    expect(parseAmount(null, 2).ok).toBe(false);
    expect(parseAmount(true, 2).ok).toBe(false);
  });

  it('when the amount is zero or negative zero, then it is a plain zero', () => {
    expect(parseAmount('-0.00', 2)).toEqual({ ok: true, amount: '0.00' });
    expect(parseAmount(-0, 2)).toEqual({ ok: true, amount: '0.00' });
    expect(amountSign('0.00')).toBe(0);
    expect(amountSign('-0.00')).toBe(0);
    expect(amountSign('-0.01')).toBe(-1);
    expect(amountSign('0.01')).toBe(1);
  });

  it('when leading zeros are sent, then they are dropped', () => {
    expect(parseAmount('007.10', 2)).toEqual({ ok: true, amount: '7.10' });
  });
});

describe('isExactAsDouble', () => {
  it('when a literal has more digits than a double holds, then it is not exact', () => {
    expect(isExactAsDouble('12345678901234.567')).toBe(false);
    expect(isExactAsDouble('0.1000000000000000001')).toBe(false);
  });

  it('when a literal round-trips, then it is exact whatever its notation', () => {
    expect(isExactAsDouble('12.50')).toBe(true);
    expect(isExactAsDouble('1e3')).toBe(true);
    expect(isExactAsDouble('-1234567890123.45')).toBe(true);
    expect(isExactAsDouble('0.00120e1')).toBe(true);
    expect(isExactAsDouble('-0')).toBe(true);
  });

  it('when a literal is below or beyond what a double holds, then it is not exact, however many zeros its exponent stands for', () => {
    expect(isExactAsDouble('1e-300000')).toBe(false);
    expect(isExactAsDouble('1e-999999999')).toBe(false);
    expect(isExactAsDouble('1.5e400')).toBe(false);
    expect(isExactAsDouble(`0.${'0'.repeat(200_000)}1`)).toBe(false);
    expect(isExactAsDouble('0e-999999999')).toBe(true);
  });
});

describe('plainNumberText', () => {
  it('when a literal a double cannot hold has trailing zeros or an exponent, then it is written as a plain decimal without them', () => {
    expect(plainNumberText('1234567890123.45670')).toBe('1234567890123.4567');
    expect(plainNumberText('12345678901234567e-4')).toBe('1234567890123.4567');
    expect(plainNumberText('-0.12345678901234567890E+2')).toBe('-12.34567890123456789');
    expect(plainNumberText('123456789012345678901234567890')).toBe('123456789012345678901234567890');
  });

  it('when its exponent is beyond what an amount can have by far, then it is kept as sent', () => {
    expect(plainNumberText('1e-999999999')).toBe('1e-999999999');
    expect(plainNumberText('1.5e400')).toBe('1.5e400');
  });
});

describe('formatAmount', () => {
  it('when a sum has fewer decimals than the currency, then it is padded; zero and negatives are exact', () => {
    expect(formatAmount('1543.2', 2)).toBe('1543.20');
    expect(formatAmount('0', 2)).toBe('0.00');
    expect(formatAmount('0', 0)).toBe('0');
    expect(formatAmount('-12.5', 3)).toBe('-12.500');
    expect(formatAmount('-0.00', 2)).toBe('0.00');
    expect(formatAmount('99999999999999999.99', 2)).toBe('99999999999999999.99');
  });

  it('when a value carries more decimals than the currency, then it refuses rather than rounding money', () => {
    expect(formatAmount('1.230', 2)).toBe('1.23');
    expect(() => formatAmount('1.234', 2)).toThrow();
  });
});
