import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LearnedRate } from './learn-rate';
import { createReservedWaits, rateCut, stretchWaits, waitReserved } from './respace-waits';

afterEach(() => {
  vi.useRealTimers();
});

const tokens = (tpm: number): LearnedRate => ({ tpm, reason: 'adaptive', holdUntil: 0 });

describe('reserved waits re-spaced on a cut (fake timers)', () => {
  it('a wait of 1 s whose rate is halved halfway ends at exactly 1.5 s, not 1 ms before', async () => {
    vi.useFakeTimers();
    const waits = createReservedWaits();
    let done = false;
    const wait = waitReserved(waits, 1_000, undefined).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(500);
    stretchWaits(waits, 0.5);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await wait;
    expect(done).toBe(true);
    expect(waits.waiting.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a wait that ended is not stretched, and an uncut wait ends on time', async () => {
    vi.useFakeTimers();
    const waits = createReservedWaits();
    const wait = waitReserved(waits, 300, undefined);
    await vi.advanceTimersByTimeAsync(300);
    await wait;
    stretchWaits(waits, 0.1); // nobody waits: nothing to stretch
    expect(waits.waiting.size).toBe(0);
  });

  it('aborted while stretched: rejects with the caller reason at once and leaves no waiter nor timer', async () => {
    vi.useFakeTimers();
    const waits = createReservedWaits();
    const caller = new AbortController();
    const wait = waitReserved(waits, 1_000, caller.signal).catch((error: unknown) => error);
    stretchWaits(waits, 0.5);
    await vi.advanceTimersByTimeAsync(100);
    caller.abort(new Error('caller gave up'));
    expect(await wait).toMatchObject({ message: 'caller gave up' });
    expect(waits.waiting.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('rateCut', () => {
  it('a token rate cut to 0.9 with 100,000 tokens waiting: factor 0.9, the bucket owes 10,000 tokens more', () => {
    const cut = rateCut(tokens(1_000_000), tokens(900_000), { requests: 5, tokens: 100_000 });
    expect(cut?.factor).toBeCloseTo(0.9, 12);
    expect(cut?.change.tokens).toBeCloseTo(-10_000, 6);
    expect(cut?.change.requests).toBe(-0);
  });

  it('a rate that rose, stayed, or is first learned is no cut', () => {
    const waiting = { requests: 1, tokens: 1 };
    expect(rateCut(tokens(900_000), tokens(1_000_000), waiting)).toBeUndefined();
    expect(rateCut(tokens(900_000), tokens(900_000), waiting)).toBeUndefined();
    expect(rateCut({ holdUntil: 0 }, tokens(900_000), waiting)).toBeUndefined();
  });

  it('both rates cut: the deeper cut stretches the waits, each dimension owes its own', () => {
    const before: LearnedRate = { rpm: 100, tpm: 1_000_000, holdUntil: 0 };
    const after: LearnedRate = { rpm: 50, tpm: 900_000, holdUntil: 0 };
    const cut = rateCut(before, after, { requests: 4, tokens: 100_000 });
    expect(cut?.factor).toBe(0.5);
    expect(cut?.change.requests).toBe(-2);
    expect(cut?.change.tokens).toBeCloseTo(-10_000, 6);
  });
});
