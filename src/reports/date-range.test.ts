import { describe, expect, it } from 'vitest';
import { splitRange } from './date-range.js';

describe('splitRange', () => {
  it('when the range ends in the last month of year 9999, then no month of year 10000 is read', () => {
    expect(splitRange('9999-12-02', '9999-12-31')).toEqual({ months: null, days: [['9999-12-02', '9999-12-31']] });
    expect(splitRange('9999-11-15', '9999-12-31')).toEqual({ months: ['9999-12-01', '9999-12-01'], days: [['9999-11-15', '9999-11-30']] });
  });

  it('when the range ends mid-January of year 1, then no month of year 0 is read', () => {
    expect(splitRange(null, '0001-01-15')).toEqual({ months: null, days: [['-infinity', '0001-01-15']] });
    expect(splitRange('0001-01-01', '0001-01-01')).toEqual({ months: null, days: [['0001-01-01', '0001-01-01']] });
    expect(splitRange(null, '0001-01-31')).toEqual({ months: ['-infinity', '0001-01-01'], days: [] });
  });

  it('when the range is open on both sides, then it is all months', () => {
    expect(splitRange(null, null)).toEqual({ months: ['-infinity', 'infinity'], days: [] });
  });

  it('when the range starts and ends mid-month, then whole months in between and days at both edges', () => {
    expect(splitRange('2025-11-27', '2026-11-26')).toEqual({
      months: ['2025-12-01', '2026-10-01'],
      days: [
        ['2025-11-27', '2025-11-30'],
        ['2026-11-01', '2026-11-26'],
      ],
    });
  });

  it('when the range is exactly whole months, then no days', () => {
    expect(splitRange('2026-01-01', '2026-03-31')).toEqual({ months: ['2026-01-01', '2026-03-01'], days: [] });
    expect(splitRange('2024-02-01', '2024-02-29')).toEqual({ months: ['2024-02-01', '2024-02-01'], days: [] });
  });

  it('when the range is inside one month, then it is all days', () => {
    expect(splitRange('2026-02-03', '2026-02-27')).toEqual({ months: null, days: [['2026-02-03', '2026-02-27']] });
    expect(splitRange('2026-02-01', '2026-02-27')).toEqual({ months: null, days: [['2026-02-01', '2026-02-27']] });
  });

  it('when one side is open, then the months run to infinity on that side', () => {
    expect(splitRange('2026-01-15', null)).toEqual({ months: ['2026-02-01', 'infinity'], days: [['2026-01-15', '2026-01-31']] });
    expect(splitRange(null, '2026-03-15')).toEqual({ months: ['-infinity', '2026-02-01'], days: [['2026-03-01', '2026-03-15']] });
  });

  it('when a range crosses a year end and a leap February, then edges are exact', () => {
    expect(splitRange('2023-12-31', '2024-02-28')).toEqual({
      months: ['2024-01-01', '2024-01-01'],
      days: [
        ['2023-12-31', '2023-12-31'],
        ['2024-02-01', '2024-02-28'],
      ],
    });
  });
});
