import { describe, expect, it } from 'vitest';
import { medianInterval, percentile, spread, trimmedMean } from './stats';

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

  it('gives the median with its order-statistic 95 % interval: ranks n/2 ∓ 0.98·√n, whole range when tiny', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    // n = 100: ranks floor(50 − 9.8) = 40 and ceil(50 + 9.8) − 1 = 59 of 0..99, i.e. the values 41 and 60.
    expect(medianInterval(hundred)).toEqual({ low: 41, median: 50.5, high: 60, n: 100 });
    expect(medianInterval([3, 1, 2])).toEqual({ low: 1, median: 2, high: 3, n: 3 });
    expect(medianInterval([]).n).toBe(0);
  });
});
