import { onAbort } from './on-abort';

/** Longest delay a timer takes as it is (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Calls `run` after `ms` milliseconds, chaining timers for delays past {@link MAX_TIMER_MS}.
 * Returns a function that cancels it.
 */
export function setLongTimeout(run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let remaining = Math.max(0, ms);
  const arm = () => {
    const step = Math.min(remaining, MAX_TIMER_MS);
    remaining -= step;
    timer = setTimeout(remaining > 0 ? arm : run, step);
  };
  arm();
  return () => clearTimeout(timer);
}

/** The signal's reason, or a `DOMException` named `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The one sleep of the middleware: waits `ms` milliseconds. Rejects at once with the signal's reason
 * when `signal` is or becomes aborted; the timer and its wait on the signal end then.
 * (`delay` from `@ai-sdk/provider-utils` rejects with its own error instead of the caller's reason.)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const cancel = setLongTimeout(() => {
      stopWaiting();
      resolve();
    }, ms);
    const stopWaiting = signal
      ? onAbort(signal, () => {
          cancel();
          reject(abortReason(signal));
        })
      : () => {};
  });
}
