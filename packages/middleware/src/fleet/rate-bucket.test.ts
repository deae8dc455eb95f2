import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from './memory-store';

const config = { burstMs: 1000, ttlMs: 5000, maxWaitMs: 10_000 };
const one = { requests: 1, tokens: 0 };

describe('rate buckets (memory store)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('admits without waiting while no rate is known, and counts what it admitted', async () => {
    const store = createMemoryStore();
    const result = await store.takeFromRateBucket('p', { requests: 1, tokens: 500 }, config);
    expect(result).toEqual({ granted: true, waitMs: 0, recentRequests: 1 });
  });

  it('reserves ahead: one second of the rate at once, then one wait per request, in order', async () => {
    const store = createMemoryStore();
    const paced = { ...config, limits: { rpm: 120 } };
    const waits = [];
    for (let i = 0; i < 5; i++)
      waits.push((await store.takeFromRateBucket('p', one, paced)).waitMs);
    expect(waits).toEqual([0, 0, 500, 1000, 1500]);
    vi.advanceTimersByTime(1000);
    expect(await store.takeFromRateBucket('p', one, paced)).toMatchObject({
      granted: true,
      waitMs: 1000,
      requests: -2,
      rpm: 120,
    });
  });

  it('after a minute idle at 120 rpm, a burst gets exactly the capacity (2), not a minute of refill', async () => {
    const store = createMemoryStore();
    // A full bucket holds one second: 2. Kept 10 minutes, so the idle bucket is refilled, not new.
    const paced = { ...config, ttlMs: 600_000, limits: { rpm: 120 } };
    const take = async () => (await store.takeFromRateBucket('p', one, paced)).waitMs;
    expect([await take(), await take()]).toEqual([0, 0]); // drained to exactly 0
    vi.advanceTimersByTime(60_000);
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(await take());
    expect(waits).toEqual([0, 0, 500, 1000, 1500]);
  });

  it('grants a take whose wait is exactly maxWaitMs, refuses it with a maxWaitMs one millisecond shorter', async () => {
    const paced = { ...config, burstMs: 0, limits: { rpm: 60 } };
    for (const [maxWaitMs, granted] of [
      [1000, true],
      [999, false],
    ] as const) {
      const store = createMemoryStore();
      await store.takeFromRateBucket('p', one, { ...paced, maxWaitMs });
      expect(await store.takeFromRateBucket('p', one, { ...paced, maxWaitMs })).toMatchObject({
        granted,
        waitMs: 1000,
      });
    }
  });

  it('refuses a take whose wait is beyond maxWaitMs, and takes nothing then', async () => {
    const store = createMemoryStore();
    const paced = { ...config, limits: { rpm: 60 }, maxWaitMs: 1500 };
    await store.takeFromRateBucket('p', one, paced);
    await store.takeFromRateBucket('p', one, paced);
    const refused = await store.takeFromRateBucket('p', one, paced);
    expect(refused).toMatchObject({ granted: false, waitMs: 2000, requests: -1 });
  });

  it('paces tokens: a call larger than the burst goes on a full bucket, the next pays its debt', async () => {
    const store = createMemoryStore();
    const paced = { ...config, limits: { tpm: 6000 } }; // 100 tokens per second, burst 100
    const big = { requests: 1, tokens: 300 };
    expect(await store.takeFromRateBucket('p', big, paced)).toMatchObject({
      waitMs: 0,
      tokens: -200,
    });
    expect((await store.takeFromRateBucket('p', big, paced)).waitMs).toBe(3000);
    // Usage came in lower than estimated: the difference is given back.
    const state = await store.adjustRateBucket('p', { tokens: 550 }, paced);
    expect(state).toMatchObject({ tokens: 50, tpm: 6000 });
  });

  it('records the rates for instances that have not learned them, and keeps them for ttlMs', async () => {
    const store = createMemoryStore();
    await store.adjustRateBucket('p', {}, { ...config, limits: { rpm: 60, tpm: 1000 } });
    vi.advanceTimersByTime(4000);
    expect(await store.takeFromRateBucket('p', one, config)).toMatchObject({ rpm: 60, tpm: 1000 });
    vi.advanceTimersByTime(5000);
    expect(await store.takeFromRateBucket('p', one, config)).toEqual({
      granted: true,
      waitMs: 0,
      recentRequests: 1,
    });
  });

  it('a debt is time owed: a rate 30 times lower does not hold the bucket 30 times longer', async () => {
    const store = createMemoryStore();
    const unpaced = { ...config, burstMs: 0 }; // a full bucket holds one token
    // 15,000 tokens owed at 30,000 per minute: 30 s until the window is clear.
    const big = { requests: 0, tokens: 15_001 };
    expect(
      await store.takeFromRateBucket('p', big, { ...unpaced, limits: { tpm: 30_000 } }),
    ).toMatchObject({ waitMs: 0, tokens: -15_000 });
    // The server now states 1,000 per minute: still 30 s owed (500 tokens), plus the one token to
    // pay, not 15 minutes.
    const one = { requests: 0, tokens: 1 };
    const next = await store.takeFromRateBucket('p', one, { ...unpaced, limits: { tpm: 1000 } });
    expect(next.waitMs).toBeCloseTo(30_060, 6);
  });

  it('lowers the counts to what the server says is left, never above capacity', async () => {
    const store = createMemoryStore();
    const paced = { ...config, limits: { rpm: 600, tpm: 60_000 } };
    expect(await store.adjustRateBucket('p', { requests: 100, tokens: 1e6 }, paced)).toMatchObject({
      requests: 10,
      tokens: 1000,
    });
    expect(
      await store.adjustRateBucket('p', { atMostRequests: 0, atMostTokens: 10 }, paced),
    ).toMatchObject({ requests: 0, tokens: 10 });
  });
});
