import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSlowStart, STALL_MS } from './slow-start';

afterEach(() => {
  vi.useRealTimers();
});

/** Whether `promise` has settled after the queued microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe('slow start hold (fake timers)', () => {
  it('goes without a slot exactly when its own bound ends, not 1 ms before', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    await start.enter(undefined, 2000);
    const held = start.enter(undefined, 2000);
    await vi.advanceTimersByTimeAsync(1999);
    expect(await settled(held)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(held).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a slot just as its caller gave up: it rejects with the caller reason, and the slot goes to the next in line at once', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    await start.enter(undefined, 2000);
    const caller = new AbortController();
    const first = start.enter(caller.signal, 2000).catch((error: unknown) => error);
    const second = start.enter(undefined, 2000);
    start.answered(false); // the slot is free: the first in line is given it...
    caller.abort(new Error('caller gave up')); // ...as its caller gives up
    expect(await first).toMatchObject({ message: 'caller gave up' });
    expect(await settled(second)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a slot in the tick its hold ended: it counts one slot, not two (the window still lets the next one in)', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    await start.enter(undefined, 2000);
    const held = start.enter(undefined, 2000);
    vi.advanceTimersByTime(2000); // the hold ends: its settling is queued...
    start.answered(true); // ...and, in the same tick, the first answers and hands it the slot
    await held;
    // One attempt in flight, a window of two: the next one goes at once.
    expect(await settled(start.enter(undefined, 2000))).toBe(true);
  });
});

/** Enters `n` attempts at once (each with `maxMs`); returns the times (fake ms) each was let through. */
function enterMany(start: ReturnType<typeof createSlowStart>, n: number, maxMs: number): number[] {
  const t0 = Date.now();
  const times: number[] = [];
  for (let i = 0; i < n; i++)
    void start.enter(undefined, maxMs).then(() => times.push(Date.now() - t0));
  return times;
}

describe('slow start window (fake timers)', () => {
  it('thirty callers behind a first answer that never comes: one at once, then the window doubles once per 2 s stall (2, 4, 8, 16, 32), never all at the first stall', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    const times = enterMany(start, 30, 60_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(STALL_MS - 1);
    expect(times).toHaveLength(1); // 1 ms before the stall: still the first alone
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toHaveLength(2);
    const counts: number[] = [];
    for (let stall = 2; stall <= 4; stall++) {
      await vi.advanceTimersByTimeAsync(STALL_MS);
      counts.push(times.length);
    }
    expect(counts).toEqual([4, 8, 16]);
    await vi.advanceTimersByTimeAsync(STALL_MS);
    expect(times).toHaveLength(30); // a window of 32
    expect(times.filter(t => t === STALL_MS)).toHaveLength(1);
  });

  it('answers every 1.5 s (each slower than nothing, none a stall): waiters wait their turn past 2 s, one more per success', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    const times = enterMany(start, 10, 60_000);
    await vi.advanceTimersByTimeAsync(1_500);
    start.answered(true); // window 2, nothing in flight: two go
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([0, 1_500, 1_500]);
    await vi.advanceTimersByTimeAsync(1_999); // 3.499 s: 1.999 s since the last answer, no stall
    expect(times).toHaveLength(3);
    start.answered(true); // window 3, one in flight: two more
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toHaveLength(5);
  });

  it('a 429 (an answer that is no success) frees its slot and counts as progress, the window stays', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    const times = enterMany(start, 3, 60_000);
    await vi.advanceTimersByTimeAsync(1_000);
    start.answered(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([0, 1_000]); // window 1: the next in line only
    await vi.advanceTimersByTimeAsync(STALL_MS - 1); // no stall yet: counted from the answer
    expect(times).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // a stall: the window of 1 doubles
    expect(times).toEqual([0, 1_000, 1_000 + STALL_MS]);
  });
});
