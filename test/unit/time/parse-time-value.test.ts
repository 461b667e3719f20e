import { describe, expect, it } from 'vitest';
import { parseTimeValue } from '../../../src/core/time/parse-time-value.js';

describe('parseTimeValue', () => {
  it('reads the engines time units into milliseconds', () => {
    expect(['1s', '500ms', '1.5m', '30s', '2h', '1d', '250000micros', '5000000nanos', ' 5s '].map(parseTimeValue)).toEqual([
      1_000, 500, 90_000, 30_000, 7_200_000, 86_400_000, 250, 5, 5_000,
    ]);
  });

  it('reads -1 (refresh disabled) as no bound and 0 as zero', () => {
    expect(parseTimeValue('-1')).toBe(Number.POSITIVE_INFINITY);
    expect(parseTimeValue('0')).toBe(0);
  });

  it('refuses what is not a time value instead of guessing', () => {
    expect(['', '5', '1sec', 's', '-5s', '1 fortnight'].map(parseTimeValue)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
