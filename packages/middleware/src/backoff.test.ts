import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoffDelay } from './backoff';

const seed = { initialDelayMs: 1000, backoffFactor: 2, maxDelayMs: 30_000 };

describe('computeBackoffDelay', () => {
  it("follows the error guide's schedule without jitter: 1 s, 2 s, 4 s", () => {
    const settings = { ...seed, jitter: 'none' as const };
    expect([0, 1, 2].map(i => computeBackoffDelay(i, settings))).toEqual([1000, 2000, 4000]);
  });

  it('caps at maxDelayMs', () => {
    const settings = { ...seed, maxDelayMs: 5000, jitter: 'none' as const };
    expect(computeBackoffDelay(3, settings)).toBe(5000);
    expect(computeBackoffDelay(1000, settings)).toBe(5000);
  });

  it('full jitter stays within [0, capped backoff)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retryIndex, r) => {
          const delay = computeBackoffDelay(retryIndex, { ...seed, jitter: 'full' }, () => r);
          const ceiling = Math.min(30_000, 1000 * 2 ** retryIndex);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it('full jitter uses the random source', () => {
    expect(computeBackoffDelay(1, { ...seed, jitter: 'full' }, () => 0.5)).toBe(1000);
    expect(computeBackoffDelay(1, { ...seed, jitter: 'full' }, () => 0)).toBe(0);
  });
});
