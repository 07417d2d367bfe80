/**
 * Exact decimal amounts. Money never becomes a JS float: amounts travel as decimal strings and
 * are summed by PostgreSQL `numeric`. This module is the one place that parses and formats them.
 */

/** Amounts must stay strictly below 10^13 in magnitude (contract §4). */
const MAX_INTEGER_DIGITS = 13;

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;
const NUMBER_TEXT = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export type AmountResult = { ok: true; amount: string } | { ok: false; message: string };

/**
 * Parses an amount sent as a decimal string or a JSON number into its canonical text with exactly
 * the currency's minor-unit decimals ("-12.5" with 2 → "-12.50"). Strings keep their literal
 * precision: "12.500" is rejected for a 2-decimal currency.
 */
export function parseAmount(value: unknown, decimals: number): AmountResult {
  let parts: { negative: boolean; integer: string; fraction: string } | undefined;
  if (typeof value === 'string') {
    const match = DECIMAL_TEXT.exec(value);
    if (!match) return { ok: false, message: 'must be a decimal number such as "-12.50" (digits, an optional leading minus and decimal point)' };
    parts = { negative: match[1] === '-', integer: match[2] ?? '0', fraction: match[3] ?? '' };
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, message: 'must be a finite number' };
    parts = splitNumberText(String(value));
    // A JSON number's trailing zeros carry no meaning (12.50 and 12.5 are the same number).
    parts.fraction = parts.fraction.replace(/0+$/, '');
  } else {
    return { ok: false, message: 'must be a decimal string or a number' };
  }
  const integer = parts.integer.replace(/^0+(?=\d)/, '');
  if (parts.fraction.length > decimals) {
    return { ok: false, message: `has more than ${decimals} decimal place${decimals === 1 ? '' : 's'}, the currency's minor unit` };
  }
  if (integer.length > MAX_INTEGER_DIGITS) return { ok: false, message: 'must be less than 10^13 in magnitude' };
  const fraction = parts.fraction.padEnd(decimals, '0');
  const isZero = /^0*$/.test(integer + fraction);
  const sign = parts.negative && !isZero ? '-' : '';
  return { ok: true, amount: `${sign}${integer}${decimals > 0 ? `.${fraction}` : ''}` };
}

/** Splits a JS number's text (which may use exponent notation) into exact decimal parts. */
function splitNumberText(text: string): { negative: boolean; integer: string; fraction: string } {
  const match = NUMBER_TEXT.exec(text);
  if (!match) throw new Error(`not a number literal: ${text}`);
  const digits = (match[2] ?? '') + (match[3] ?? '');
  const point = (match[2] ?? '').length + Number(match[4] ?? 0);
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  return { negative: match[1] === '-', integer: padded.slice(0, at) || '0', fraction: padded.slice(at) };
}

/** A number literal's exponent beyond this is left written as it was sent (it is no amount: 10^13 > |amount| ≥ 10^-4). */
const MAX_EXPANDED_EXPONENT = 32;

/**
 * The plain decimal text of a JSON number literal a double cannot hold (isExactAsDouble), as the
 * body keeps it: `1234567890123.45670` and `12345678901234567e-4` both give `1234567890123.4567`,
 * so that an amount sent as such a number is read as a number, whose trailing zeros and exponent
 * carry no meaning. A literal with an exponent beyond ±MAX_EXPANDED_EXPONENT is returned as sent
 * (written out, `1e-999999999` would be a billion zeros).
 */
export function plainNumberText(literal: string): string {
  const match = NUMBER_TEXT.exec(literal);
  if (!match || Math.abs(Number(match[4] ?? 0)) > MAX_EXPANDED_EXPONENT) return literal;
  const parts = splitNumberText(literal);
  const integer = parts.integer.replace(/^0+(?=\d)/, '');
  const fraction = parts.fraction.replace(/0+$/, '');
  return `${parts.negative ? '-' : ''}${integer}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * True when a JSON number literal survives the trip through a JS double exactly, so that reading
 * it as a `number` loses nothing. `12345678901234.567` does not, and must be kept as text.
 */
export function isExactAsDouble(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  const sent = significandOf(literal);
  return sent !== undefined && sent === significandOf(String(value));
}

/**
 * A number literal's value as its sign, significant digits and the power of ten after its first
 * digit (`-0.0120` and `-1.2e-2` both give `-12e-1`), read in one pass over the literal: its
 * exponent is never written out (`1e-300000` would be 300,000 zeros), so a client's number costs
 * its length, not its magnitude.
 */
function significandOf(literal: string): string | undefined {
  const match = NUMBER_TEXT.exec(literal);
  if (!match) return undefined;
  const integer = match[2] ?? '';
  const digits = integer + (match[3] ?? '');
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === ZERO) first += 1;
  if (first === digits.length) return '0';
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === ZERO) end -= 1;
  const point = integer.length - first + Number(match[4] ?? 0);
  return `${match[1] === '-' ? '-' : ''}${digits.slice(first, end)}e${point}`;
}

const ZERO = 0x30;

/**
 * Formats an exact decimal (PostgreSQL numeric text, e.g. a sum) with exactly the currency's
 * decimals: "1543.2" → "1543.20", "0" → "0.00". Amounts are stored at the minor unit, so their sums
 * never carry more decimals; one that does is a broken invariant, not something to round away.
 */
export function formatAmount(numeric: string, decimals: number): string {
  const match = DECIMAL_TEXT.exec(numeric);
  if (!match) throw new Error(`not a decimal: ${numeric}`);
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) throw new Error(`${numeric} has more than ${decimals} decimals`);
  const integer = (match[2] ?? '0').replace(/^0+(?=\d)/, '');
  const padded = fraction.padEnd(decimals, '0');
  const zero = /^0*$/.test(integer + padded);
  return `${match[1] === '-' && !zero ? '-' : ''}${integer}${decimals > 0 ? `.${padded}` : ''}`;
}

/** Sign of an amount: -1 money out, 1 money in, 0 neither (zero, negative zero, or no digit but 0). */
export function amountSign(amount: string): -1 | 0 | 1 {
  if (!/[1-9]/.test(amount)) return 0;
  return amount.startsWith('-') ? -1 : 1;
}
