import { afterEach, describe, expect, it, vi } from 'vitest';
import { idleWatch } from './idle-timeout';

afterEach(() => {
  vi.useRealTimers();
});

/** A stream whose parts are pushed by the test; it errors with the reason of `signal` when aborted. */
function pushed(signal?: AbortSignal) {
  let controller!: ReadableStreamDefaultController<string>;
  const cancelled: unknown[] = [];
  const stream = new ReadableStream<string>({
    start(c) {
      controller = c;
      signal?.addEventListener('abort', () => c.error(signal.reason), { once: true });
    },
    cancel(reason) {
      cancelled.push(reason);
    },
  });
  return {
    reader: stream.getReader(),
    push: (value: string) => controller.enqueue(value),
    end: () => controller.close(),
    cancelled,
  };
}

const reasonOnce = () => vi.fn(() => new Error('idle'));

describe('idleWatch (timer arithmetic, fake timers)', () => {
  it('gives the part that arrives at ms − 1, and after the end leaves no timer behind', async () => {
    vi.useFakeTimers();
    const { reader, push, end } = pushed();
    const watch = idleWatch(reader, 1000, reasonOnce());
    const read = watch.read();
    await vi.advanceTimersByTimeAsync(999);
    push('a');
    await expect(read).resolves.toEqual({ done: false, value: 'a' });
    end();
    await expect(watch.read()).resolves.toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idles exactly at ms, not before: cancels the reader with the reason built once, gives it, stops the timer', async () => {
    vi.useFakeTimers();
    const { reader, cancelled } = pushed();
    const reason = reasonOnce();
    const watch = idleWatch(reader, 1000, reason);
    let settled: unknown;
    void watch.read().then(next => {
      settled = next;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    expect(cancelled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reason).toHaveBeenCalledTimes(1);
    const error = reason.mock.results[0]!.value;
    expect(cancelled).toEqual([error]);
    expect(settled).toEqual({ idle: error });
    expect(vi.getTimerCount()).toBe(0);
    // A read after the idle gives the same idle, nothing new is built.
    await expect(watch.read()).resolves.toEqual({ idle: error });
    expect(reason).toHaveBeenCalledTimes(1);
  });

  it('a drip of parts each ms − 1 apart never idles, on one timer for the whole stream', async () => {
    vi.useFakeTimers();
    const { reader, push, cancelled } = pushed();
    const reason = reasonOnce();
    const watch = idleWatch(reader, 1000, reason);
    for (let i = 0; i < 20; i++) {
      const read = watch.read();
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(999);
      push(`p${i}`);
      await expect(read).resolves.toEqual({ done: false, value: `p${i}` });
    }
    expect(reason).not.toHaveBeenCalled();
    expect(cancelled).toEqual([]);
    watch.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the clock runs only while a read waits: a consumer that reads again after a long pause gets ms from then', async () => {
    vi.useFakeTimers();
    const { reader, push } = pushed();
    const reason = reasonOnce();
    const watch = idleWatch(reader, 1000, reason);
    const first = watch.read();
    push('a');
    await expect(first).resolves.toEqual({ done: false, value: 'a' });
    // No read for 5 ms-lengths (the consumer is slow): the timer runs out and is not re-armed.
    await vi.advanceTimersByTimeAsync(5000);
    expect(vi.getTimerCount()).toBe(0);
    let settled: unknown;
    void watch.read().then(next => {
      settled = next;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual({ idle: reason.mock.results[0]!.value });
  });

  it('a read started late in the timer’s run still gets its full ms (the timer re-arms for what is left)', async () => {
    vi.useFakeTimers();
    const { reader, push } = pushed();
    const reason = reasonOnce();
    const watch = idleWatch(reader, 1000, reason);
    const first = watch.read();
    await vi.advanceTimersByTimeAsync(600);
    push('a');
    await first;
    let settled: unknown;
    void watch.read().then(next => {
      settled = next;
    });
    // The timer armed by the first read fires at 1000; the second read began at 600.
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    expect(reason).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual({ idle: reason.mock.results[0]!.value });
  });

  it('the caller’s abort rejects the read with its reason (no idle) and stops the timer', async () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const { reader } = pushed(caller.signal);
    const reason = reasonOnce();
    const read = idleWatch(reader, 1000, reason).read();
    await vi.advanceTimersByTimeAsync(500);
    const abort = new DOMException('caller', 'AbortError');
    caller.abort(abort);
    await expect(read).rejects.toBe(abort);
    expect(vi.getTimerCount()).toBe(0);
    expect(reason).not.toHaveBeenCalled();
  });

  it('stop (the consumer cancelled) removes the timer; cancelling the reader settles the pending read', async () => {
    vi.useFakeTimers();
    const { reader } = pushed();
    const reason = reasonOnce();
    const watch = idleWatch(reader, 1000, reason);
    const read = watch.read();
    await vi.advanceTimersByTimeAsync(500);
    watch.stop();
    expect(vi.getTimerCount()).toBe(0);
    await reader.cancel('gone');
    await expect(read).resolves.toEqual({ done: true, value: undefined });
    await vi.advanceTimersByTimeAsync(5000);
    expect(reason).not.toHaveBeenCalled();
  });

  it('clears the timer when the read fails', async () => {
    vi.useFakeTimers();
    const stream = new ReadableStream<string>({
      pull(controller) {
        controller.error(new Error('reset'));
      },
    });
    await expect(idleWatch(stream.getReader(), 1000, reasonOnce()).read()).rejects.toThrow('reset');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sets no timer without a timeout', async () => {
    vi.useFakeTimers();
    const { reader, push } = pushed();
    const read = idleWatch(reader, undefined, reasonOnce()).read();
    expect(vi.getTimerCount()).toBe(0);
    push('a');
    await expect(read).resolves.toEqual({ done: false, value: 'a' });
  });
});
