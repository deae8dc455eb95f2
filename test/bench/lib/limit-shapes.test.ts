import { describe, expect, it } from 'vitest';
import { createLimiter, wholeSeconds } from './limit-shapes';

const W = 10_000;

describe('limit shapes', () => {
  it('sliding window: admits exactly the limit in any window, then says when the oldest leaves', () => {
    const l = createLimiter({ kind: 'sliding', limit: 3, windowMs: W });
    expect([0, 1_000, 2_000].map(t => l.admit(t).ok)).toEqual([true, true, true]);
    expect(l.admit(2_500)).toEqual({ ok: false, retryAfterS: 8 });
    expect(l.admit(9_999).ok).toBe(false);
    expect(l.admit(10_000).ok).toBe(true);
    expect(l.admit(10_001)).toEqual({ ok: false, retryAfterS: 1 });
  });

  it('fixed window aligned to the clock: the count resets at each boundary, Retry-After runs to it', () => {
    const l = createLimiter({ kind: 'fixed', limit: 2, windowMs: W });
    expect(l.admit(19_000).ok).toBe(true);
    expect(l.admit(19_500).ok).toBe(true);
    expect(l.admit(19_600)).toEqual({ ok: false, retryAfterS: 1 });
    expect([20_000, 20_001].map(t => l.admit(t).ok)).toEqual([true, true]);
    expect(l.admit(20_002)).toEqual({ ok: false, retryAfterS: 10 });
  });

  it('token bucket of capacity 5: a burst of 5, then one per limit interval, after a long idle 5 again', () => {
    const l = createLimiter({ kind: 'bucket', limit: 60, windowMs: W }); // one per 1/6 s
    expect(Array.from({ length: 6 }, () => l.admit(0).ok)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(l.admit(100)).toEqual({ ok: false, retryAfterS: 1 });
    expect(l.admit(167).ok).toBe(true);
    const later = 1_000_000;
    expect(Array.from({ length: 6 }, () => l.admit(later).ok).filter(Boolean)).toHaveLength(5);
  });

  it('a limit change applies from then on (an upgrade admits more in the same window)', () => {
    const l = createLimiter({ kind: 'sliding', limit: 1, windowMs: W });
    expect(l.admit(0).ok).toBe(true);
    expect(l.admit(1).ok).toBe(false);
    l.setLimit(2, 2);
    expect(l.admit(3).ok).toBe(true);
    const b = createLimiter({ kind: 'bucket', limit: 6, windowMs: W, capacity: 1 });
    expect(b.admit(0).ok).toBe(true);
    b.setLimit(60, 0);
    expect(b.admit(167).ok).toBe(true);
  });

  it('Retry-After is whole seconds, at least 1', () => {
    expect([0, 1, 999, 1_000, 1_001].map(wholeSeconds)).toEqual([1, 1, 1, 1, 2]);
  });
});
