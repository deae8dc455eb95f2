import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_HEAVY } from './learn-token-rate';
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

/** Enters attempts of the given token sizes at once; returns the indices let through, in order. */
function enterSized(start: ReturnType<typeof createSlowStart>, sizes: number[]): number[] {
  const through: number[] = [];
  sizes.forEach((tokens, i) => {
    void start.enter(undefined, 60_000, tokens).then(() => through.push(i));
  });
  return through;
}

describe('slow start window in tokens for token-heavy attempts (issue 29, fake timers)', () => {
  const BATCH = 20_000;

  it('batches of 20,000 tokens: one in flight, two after its success, then about one batch more per round of answers (windows of 2, 2.5, 2.9, 3.2, 3.6, 3.8 batches), not doubling', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    const through = enterSized(start, Array(12).fill(BATCH));
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toHaveLength(1);
    // Each answer comes back before the next: the number in flight after each success.
    const inFlight: number[] = [];
    let answered = 0;
    for (let round = 0; round < 6; round++) {
      start.answered(true, BATCH);
      answered++;
      await vi.advanceTimersByTimeAsync(0);
      inFlight.push(through.length - answered);
    }
    // Windows of 40,000 / 50,000 / 58,000 / 64,897 / 71,060 / 76,690 tokens: 2, 2, 2, 3, 3, 3
    // batches in flight (the request window alone: 2, 3, 4, 5, 6, 7).
    expect(inFlight).toEqual([2, 2, 2, 3, 3, 3]);
  });

  it('a batch exactly at the token window goes; one token more waits', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    await start.enter(undefined, 60_000, BATCH);
    start.answered(true, BATCH); // a token window of exactly 40,000
    await start.enter(undefined, 60_000, BATCH);
    const exact = enterSized(start, [BATCH]);
    await vi.advanceTimersByTimeAsync(0);
    expect(exact).toEqual([0]); // 20,000 + 20,000 = 40,000: it fits
    start.leave(BATCH);
    start.leave(BATCH); // none in flight
    await start.enter(undefined, 60_000, BATCH);
    const over = enterSized(start, [BATCH + 1]); // 40,001 tokens: one more than the window
    await vi.advanceTimersByTimeAsync(0);
    expect(over).toEqual([]);
  });

  it('a chat-sized call passes batches waiting for the token window (request window permitting); a heavy one gives its tokens back when it leaves', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    await start.enter(undefined, 60_000, 40); // a chat call
    start.answered(true, 40); // window 2 requests; no token window yet
    await start.enter(undefined, 60_000, BATCH); // one batch in flight
    const through = enterSized(start, [BATCH, 40]);
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toEqual([1]); // the chat call goes, the batch waits for the token window
    start.answered(true, 40); // the chat call answers: 3 requests, but the batch still waits
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toEqual([1]);
    start.leave(BATCH); // the batch in flight is abandoned: its tokens are free
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toEqual([1, 0]);
  });

  it('calls of exactly TOKEN_HEAVY tokens (500) ramp up by the request window alone, as chat calls: 1, then 3 after one success, then 5', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    const through = enterSized(start, Array(10).fill(TOKEN_HEAVY));
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toHaveLength(1);
    start.answered(true, TOKEN_HEAVY);
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toHaveLength(3);
    start.answered(true, TOKEN_HEAVY);
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toHaveLength(5);
  });

  it('the token window doubles with the request window at a stall (no answer for 2 s)', async () => {
    vi.useFakeTimers();
    const start = createSlowStart();
    await start.enter(undefined, 60_000, BATCH);
    start.answered(true, BATCH); // 40,000 tokens, 2 requests
    const through = enterSized(start, Array(5).fill(BATCH));
    await vi.advanceTimersByTimeAsync(0);
    expect(through).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(STALL_MS); // 80,000 tokens, 4 requests
    expect(through).toHaveLength(4);
  });
});
