import { describe, expect, it } from 'vitest';
import { coldStart429s, goodputOver, insideRetryAfter, recoveryMs } from './pacing-shapes-figures';

const ok = (time: number) => ({ status: 200, time });
const refused = (time: number, retryAfterMs: number) => ({ status: 429, time, retryAfterMs });

describe('pacing-shapes figures', () => {
  it('cold-start 429s are those of the first window only', () => {
    expect(
      coldStart429s([refused(0, 1000), refused(9_999, 1000), refused(10_000, 1000)], 0, 10_000),
    ).toBe(2);
  });

  it('goodput: successes in [from, to) over the limit per window', () => {
    const served = [
      ok(9_999),
      ...Array.from({ length: 12 }, (_, i) => ok(10_000 + i * 1000)),
      ok(30_000),
    ];
    expect(goodputOver(served, { from: 10_000, to: 30_000 }, 6, 10_000)).toBe(1);
  });

  it('inside a Retry-After: any request after the in-flight margin and before the wait ends', () => {
    const served = [refused(0, 1000), ok(50), ok(100), ok(999), ok(1000)];
    expect(insideRetryAfter(served)).toBe(2);
  });

  it('recovery: the first success from which a trailing bin holds 95 % of the new limit', () => {
    const change = { at: 0, limit: 60 }; // 6 per 1 s bin of a 10 s window
    const served = [
      ...Array.from({ length: 3 }, (_, i) => ok(i * 300)),
      ...Array.from({ length: 20 }, (_, i) => ok(2_000 + i * 160)),
    ];
    expect(recoveryMs(served, change, 10_000, 1_000)).toBe(2_800);
    expect(recoveryMs(served.slice(0, 3), change, 10_000, 1_000)).toBeUndefined();
  });
});
