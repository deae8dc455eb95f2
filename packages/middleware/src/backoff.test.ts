import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { computeBackoffDelay, sleep } from './backoff';

const seed = { initialDelayMs: 1000, backoffFactor: 2, maxDelayMs: 30_000 };

describe('computeBackoffDelay', () => {
  it('follows the seed without jitter: 1 s, 2 s, 4 s', () => {
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

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the delay', async () => {
    let resolved = false;
    const promise = sleep(1000).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await promise;
    expect(resolved).toBe(true);
  });

  it('a wait longer than the 32-bit timer limit is not cut to 1 ms', async () => {
    const thirtyDays = 30 * 24 * 3600 * 1000;
    let resolved = false;
    const waiting = sleep(thirtyDays).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(thirtyDays);
    await waiting;
    expect(resolved).toBe(true);
  });

  it('rejects at once with the signal reason when aborted during the wait', async () => {
    const controller = new AbortController();
    const promise = sleep(60_000, controller.signal);
    const reason = new Error('user cancelled');
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await expect(promise).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with an AbortError when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(10, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
