import { afterEach, describe, expect, it, vi } from 'vitest';
import { within } from './within';

afterEach(() => {
  vi.useRealTimers();
});

/** A promise the test settles. */
function pending<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

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
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('within (timer arithmetic, fake timers)', () => {
  it('gives the value that arrives 1 ms before the bound and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const work = pending<string>();
    const waiting = within(work.promise, { ms: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    work.resolve('a');
    await expect(waiting).resolves.toEqual({ value: 'a' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out exactly at ms, not 1 ms before', async () => {
    vi.useFakeTimers();
    const waiting = within(pending<string>().promise, { ms: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toEqual({ timedOut: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ms 0: times out on the next timer turn, but work already done wins', async () => {
    vi.useFakeTimers();
    const idle = within(pending<string>().promise, { ms: 0 });
    await vi.advanceTimersByTimeAsync(0);
    await expect(idle).resolves.toEqual({ timedOut: true });
    await expect(within(Promise.resolve('a'), { ms: 0 })).resolves.toEqual({ value: 'a' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ms undefined: sets no timer and waits for the work however long it takes', async () => {
    vi.useFakeTimers();
    const work = pending<string>();
    const waiting = within(work.promise, { ms: undefined });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(30 * 24 * 3600 * 1000);
    expect(await settled(waiting)).toBe(false);
    work.resolve('late');
    await expect(waiting).resolves.toEqual({ value: 'late' });
  });

  it('rejects as the work does when it rejects first, and clears the timer', async () => {
    vi.useFakeTimers();
    await expect(within(Promise.reject(new Error('reset')), { ms: 1000 })).rejects.toThrow('reset');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('abort before the start: rejects with the caller reason and sets no timer', async () => {
    vi.useFakeTimers();
    const reason = new Error('caller gave up');
    const waiting = within(pending<string>().promise, {
      ms: 1000,
      signal: AbortSignal.abort(reason),
    });
    await expect(waiting).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('abort during the wait: rejects with the caller reason, clears the timer and the listener', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const waiting = within(pending<string>().promise, { ms: 1000, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('abort after the value arrived: the value stands and the listener was removed', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const waiting = within(Promise.resolve('a'), { ms: 1000, signal: controller.signal });
    await expect(waiting).resolves.toEqual({ value: 'a' });
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
    controller.abort();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lag-free clock: times out one timer turn after ms when the loop runs freely', async () => {
    vi.useFakeTimers();
    const waiting = within(pending<string>().promise, { ms: 1000, clock: 'lag-free' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toEqual({ timedOut: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lag-free clock: an answer that arrived exactly at ms is read before the timeout', async () => {
    vi.useFakeTimers();
    const work = pending<string>();
    const waiting = within(work.promise, { ms: 1000, clock: 'lag-free' });
    await vi.advanceTimersByTimeAsync(1000);
    work.resolve('just in time');
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toEqual({ value: 'just in time' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('within (real time)', () => {
  it('work rejecting after the timeout is never unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const work = pending<string>();
      await expect(within(work.promise, { ms: 1 })).resolves.toEqual({ timedOut: true });
      work.reject(new Error('late failure'));
      await new Promise(resolve => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  /** Starts a 100 ms bound on work done at 150 ms, then blocks the event loop for 300 ms. */
  function afterBlockedLoop(clock: 'wall' | 'lag-free') {
    const work = new Promise<string>(resolve => setTimeout(() => resolve('answer'), 150));
    const waiting = within(work, { ms: 100, clock });
    const blockedUntil = Date.now() + 300;
    while (Date.now() < blockedUntil) {
      // the event loop is blocked: no timer can fire
    }
    return waiting;
  }

  it('lag-free clock with a blocked event loop: the blocked time does not count', async () => {
    await expect(afterBlockedLoop('lag-free')).resolves.toEqual({ value: 'answer' });
  });

  it('wall clock with a blocked event loop: the blocked time counts', async () => {
    await expect(afterBlockedLoop('wall')).resolves.toEqual({ timedOut: true });
  });
});
