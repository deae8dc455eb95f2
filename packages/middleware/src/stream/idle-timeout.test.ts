import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDLE, readWithin } from './idle-timeout';

afterEach(() => {
  vi.useRealTimers();
});

/** A stream whose parts are pushed by the test. */
function pushed() {
  let push: (value: string) => void = () => {};
  const stream = new ReadableStream<string>({
    start(controller) {
      push = value => controller.enqueue(value);
    },
  });
  return { reader: stream.getReader(), push: (value: string) => push(value) };
}

describe('readWithin (timer arithmetic, fake timers)', () => {
  it('gives the part that arrives in time and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const { reader, push } = pushed();
    const read = readWithin(reader, 1000);
    await vi.advanceTimersByTimeAsync(999);
    push('a');
    await expect(read).resolves.toEqual({ done: false, value: 'a' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives IDLE after the timeout; cancelling then settles the pending read', async () => {
    vi.useFakeTimers();
    const { reader } = pushed();
    const read = readWithin(reader, 1000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(read).resolves.toBe(IDLE);
    expect(vi.getTimerCount()).toBe(0);
    await reader.cancel();
  });

  it('clears the timer when the read fails', async () => {
    vi.useFakeTimers();
    const stream = new ReadableStream<string>({
      pull(controller) {
        controller.error(new Error('reset'));
      },
    });
    await expect(readWithin(stream.getReader(), 1000)).rejects.toThrow('reset');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sets no timer without a timeout', async () => {
    vi.useFakeTimers();
    const { reader, push } = pushed();
    const read = readWithin(reader, undefined);
    expect(vi.getTimerCount()).toBe(0);
    push('a');
    await expect(read).resolves.toEqual({ done: false, value: 'a' });
  });
});
