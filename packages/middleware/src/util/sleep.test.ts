import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the delay', async () => {
    let resolved = false;
    const promise = sleep(1000).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await promise;
    expect(resolved).toBe(true);
  });

  it('a wait longer than the 32-bit timer limit is not cut to 1 ms', async () => {
    const thirtyDays = 30 * 24 * 3600 * 1000;
    let resolved = false;
    const waiting = sleep(thirtyDays).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(thirtyDays);
    await waiting;
    expect(resolved).toBe(true);
  });

  it('rejects at once with the signal reason when aborted during the wait', async () => {
    const controller = new AbortController();
    const promise = sleep(60_000, controller.signal);
    const reason = new Error('user cancelled');
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await expect(promise).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with an AbortError when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(10, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
