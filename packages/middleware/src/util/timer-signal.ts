import { setLongTimeout } from './sleep';

/** An abort signal that fires after a delay, combined with the caller's signal. */
export interface TimerSignal {
  /** Aborts when `signal` does or when the timer fires. */
  signal: AbortSignal | undefined;
  /** True once the timer (not the caller) aborted the signal. */
  fired(): boolean;
  /** Stops the timer; the combined signal then follows the caller's signal only. */
  clear(): void;
}

/**
 * Combines `signal` with a timer that aborts after `ms` (none when `ms` is undefined) with a
 * `DOMException` named `TimeoutError` whose message is `reason`.
 */
export function timerSignal(
  signal: AbortSignal | undefined,
  ms: number | undefined,
  reason: string,
): TimerSignal {
  if (ms === undefined) return { signal, fired: () => false, clear: () => {} };
  const controller = new AbortController();
  let fired = false;
  const clear = setLongTimeout(() => {
    fired = true;
    controller.abort(new DOMException(reason, 'TimeoutError'));
  }, ms);
  return {
    signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    fired: () => fired,
    clear,
  };
}
