import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './on-abort';
import { sleep } from './sleep';
import { within } from './within';

describe('onAbort: one listener per signal, however many wait on it', () => {
  it('50 sleeps and 50 bounded waits on one signal add one abort listener, and none is left after them', async () => {
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const sleeps = Array.from({ length: 50 }, () => sleep(5, controller.signal));
      const waits = Array.from({ length: 50 }, () =>
        within(new Promise(resolve => setTimeout(resolve, 5)), {
          ms: 1_000,
          signal: controller.signal,
        }),
      );
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      await Promise.all([...sleeps, ...waits]);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await new Promise(resolve => setImmediate(resolve)); // a warning is emitted on the next tick
      expect(warnings.filter(w => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('an abort reaches every waiter once, with the signal reason, and the next wait on the signal adds a listener of its own', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const sleeps = Array.from({ length: 12 }, () =>
      sleep(60_000, controller.signal).catch((error: unknown) => error),
    );
    const runs: number[] = [];
    const stop = onAbort(controller.signal, () => runs.push(1));
    controller.abort(reason);
    expect(await Promise.all(sleeps)).toEqual(Array.from({ length: 12 }, () => reason));
    expect(runs).toEqual([1]);
    stop(); // after the abort: nothing to undo
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(sleep(1, controller.signal)).rejects.toBe(reason);
  });

  it('a waiter that stops before the abort is not run; the others are', () => {
    const controller = new AbortController();
    const runs: string[] = [];
    const stopA = onAbort(controller.signal, () => runs.push('a'));
    onAbort(controller.signal, () => runs.push('b'));
    stopA();
    stopA(); // twice: no effect
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(runs).toEqual(['b']);
  });
});
