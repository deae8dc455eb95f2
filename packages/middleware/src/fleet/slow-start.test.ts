import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSlowStart } from './slow-start';

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
  it('goes without a slot exactly when the hold ends, not 1 ms before', async () => {
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
