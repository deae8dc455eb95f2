import { describe, expect, it } from 'vitest';
import { createRecentSamples, nearestRank } from './recent-samples';

const HOUR = 3_600_000;

describe('createRecentSamples', () => {
  it('keeps every sample up to exactly the window size, ascending', () => {
    const samples = createRecentSamples(5, HOUR);
    for (const value of [50, 10, 40, 20, 30]) samples.add(value, 0);
    expect(samples.sorted(0)).toEqual([10, 20, 30, 40, 50]);
  });

  it('one past the window size drops the oldest sample, not the largest', () => {
    const samples = createRecentSamples(5, HOUR);
    for (const value of [50, 10, 40, 20, 30, 5]) samples.add(value, 0);
    expect(samples.sorted(0)).toEqual([5, 10, 20, 30, 40]);
  });

  it('after many windows holds only the last `size` samples (memory stays bounded)', () => {
    const samples = createRecentSamples(3, HOUR);
    for (let i = 0; i < 10_000; i++) samples.add(i, 0);
    expect(samples.sorted(0)).toEqual([9997, 9998, 9999]);
  });

  it('live: each sample with the time it was taken, gone exactly at its age like the sorted ones', () => {
    const samples = createRecentSamples(2, 1000);
    samples.add(7, 0);
    samples.add(9, 500);
    samples.add(3, 600); // past the window size: the oldest (7) goes
    expect(samples.live(999)).toEqual([
      { value: 3, takenAt: 600 },
      { value: 9, takenAt: 500 },
    ]);
    expect(samples.live(1500)).toEqual([{ value: 3, takenAt: 600 }]);
  });

  it('a sample lives maxAgeMs: live 1 ms before, gone exactly at its age', () => {
    const samples = createRecentSamples(5, 1000);
    samples.add(7, 0);
    samples.add(9, 500);
    expect(samples.sorted(999)).toEqual([7, 9]);
    expect(samples.sorted(1000)).toEqual([9]);
    expect(samples.sorted(1500)).toEqual([]);
  });

  it('after a long idle holds nothing, then learns again from new samples', () => {
    const samples = createRecentSamples(5, 600_000);
    for (const value of [100, 200, 300]) samples.add(value, 0);
    expect(samples.sorted(24 * HOUR)).toEqual([]);
    samples.add(900, 24 * HOUR);
    expect(samples.sorted(24 * HOUR)).toEqual([900]);
  });

  it.each([Number.NaN, -1, -0.001, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses the sample %s and keeps what it had',
    value => {
      const samples = createRecentSamples(2, HOUR);
      samples.add(10, 0);
      samples.add(20, 0);
      expect(samples.add(value, 0)).toBe(false);
      expect(samples.sorted(0)).toEqual([10, 20]);
    },
  );

  it('refuses a sample taken at a time that is not finite', () => {
    const samples = createRecentSamples(2, HOUR);
    expect(samples.add(10, Number.NaN)).toBe(false);
    expect(samples.sorted(0)).toEqual([]);
  });

  it('accepts 0 (an answer within the clock tick)', () => {
    const samples = createRecentSamples(2, HOUR);
    expect(samples.add(0, 0)).toBe(true);
    expect(samples.sorted(0)).toEqual([0]);
  });
});

describe('nearestRank', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('the 98th percentile of 1..100 is 98; the median is 50; q = 1 is the largest', () => {
    expect(nearestRank(hundred, 0.98)).toBe(98);
    expect(nearestRank(hundred, 0.5)).toBe(50);
    expect(nearestRank(hundred, 1)).toBe(100);
  });

  it('rounds the rank up: the 98th percentile of 20 samples is the 20th', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRank(twenty, 0.98)).toBe(20);
    expect(nearestRank(twenty, 0.95)).toBe(19);
  });

  it('a tiny q is the smallest sample; none is undefined', () => {
    expect(nearestRank(hundred, 0.000001)).toBe(1);
    expect(nearestRank([42], 0.98)).toBe(42);
    expect(nearestRank([], 0.98)).toBeUndefined();
  });
});
