import { describe, expect, it } from 'vitest';
import {
  coldStart429s,
  goodputOver,
  insideRetryAfter,
  recoveryMs,
  withClientTimes,
} from './pacing-shapes-figures';

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

  it('inside a Retry-After, without client times: arrivals after the in-flight margin and before the wait ends were sent knowing it', () => {
    const served = [refused(0, 1000), ok(50), ok(100), ok(999), ok(1000)];
    expect(insideRetryAfter(served)).toEqual({ sent: 2, inFlight: 1 });
  });

  it('inside a Retry-After, with client times: sent at or after the 429 was read counts, sent before is in flight however late it arrives', () => {
    const served = [
      { ...refused(0, 1000), sentAt: -5, answeredAt: 30 },
      { ...ok(400), sentAt: 29 }, // sent 1 ms before the 429 was read: arrived 400 ms later
      { ...ok(401), sentAt: 30 }, // sent as it was read
      { ...ok(999), sentAt: 998 },
      { ...ok(1000), sentAt: 999 }, // arrived as the Retry-After ended
    ];
    expect(insideRetryAfter(served)).toEqual({ sent: 2, inFlight: 1 });
  });

  it("client times: the server's nth request of a call is the call's nth attempt", () => {
    const served = [
      { status: 429, time: 1_010, retryAfterMs: 1000, call: 'a' },
      { status: 200, time: 1_020, call: 'b' },
      { status: 200, time: 2_030, call: 'a' },
      { status: 200, time: 2_040 }, // untagged: left as the server saw it
    ];
    const attempts = [
      { call: 'b', attempt: 0, sentAt: 15, doneAt: 25 },
      { call: 'a', attempt: 1, sentAt: 1_025, doneAt: 1_035 },
      { call: 'a', attempt: 0, sentAt: 5, doneAt: 12 },
    ];
    expect(withClientTimes(served, attempts, 1_000)).toEqual([
      { status: 429, time: 1_010, retryAfterMs: 1000, sentAt: 1_005, answeredAt: 1_012 },
      { status: 200, time: 1_020, sentAt: 1_015, answeredAt: 1_025 },
      { status: 200, time: 2_030, sentAt: 2_025, answeredAt: 2_035 },
      { status: 200, time: 2_040 },
    ]);
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
