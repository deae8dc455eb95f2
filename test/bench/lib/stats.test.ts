import { describe, expect, it } from 'vitest';
import { percentile, spread, trimmedMean } from './stats';

describe('stats', () => {
  it('interpolates percentiles and spreads, NaN / n = 0 when empty', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([5, 1, 3], 100)).toBe(5);
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, n: 3 });
    expect(spread([]).n).toBe(0);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('trims the extremes before averaging', () => {
    const values = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1000];
    expect(trimmedMean(values)).toBe(1);
  });
});
