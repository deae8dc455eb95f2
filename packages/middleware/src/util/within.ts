import { onAbort } from './on-abort';
import { abortReason, setLongTimeout } from './sleep';

/** What {@link within} gives: the work's value, or that `ms` passed first. */
export type Within<T> = { value: T } | { timedOut: true };

/** How {@link within} bounds a wait. */
export interface WithinOptions {
  /** The bound in milliseconds; no bound when undefined. */
  ms: number | undefined;
  /** Stops the wait: {@link within} then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * `'wall'` (the default) counts time as it passes. `'lag-free'` counts `ms` in slices of `ms / 4`
   * on timers, each for its nominal length however late its timer fires, so time the event loop
   * spent blocked does not count; after the last slice it waits one more timer turn, so an answer
   * that arrived meanwhile is read first.
   */
  clock?: 'wall' | 'lag-free';
}

const TIMED_OUT: { timedOut: true } = Object.freeze({ timedOut: true });

/** Slices a `'lag-free'` bound is measured in. */
const SLICES = 4;

/** Calls `run` once `ms` has passed on the lag-free clock (see {@link WithinOptions.clock}). */
function setLagFreeTimeout(run: () => void, ms: number): () => void {
  const slice = Math.max(1, Math.ceil(ms / SLICES));
  let counted = 0;
  let cancel: () => void = () => {};
  const arm = () => {
    const step = Math.min(slice, ms - counted);
    cancel = setLongTimeout(() => {
      counted += step;
      if (counted < ms) return arm();
      cancel = setLongTimeout(run, 0);
    }, step);
  };
  arm();
  return () => cancel();
}

/**
 * The one bounded wait of the middleware: waits for `work`, but at most `ms`. Gives `{ value }` when
 * `work` resolves first and `{ timedOut: true }` when `ms` passes first (it never rejects on the
 * timeout); rejects as `work` does when it rejects first, and with the caller's reason when `signal`
 * is or becomes aborted first. The timer and the listener are removed in every case, and `work`
 * settling later (even rejecting) is ignored, never unhandled.
 */
export function within<T>(
  work: Promise<T>,
  { ms, signal, clock = 'wall' }: WithinOptions,
): Promise<Within<T>> {
  return new Promise((resolve, reject) => {
    let cancel: () => void = () => {};
    let stopWaiting: () => void = () => {};
    const aborted = () => {
      done();
      reject(abortReason(signal!));
    };
    const done = () => {
      cancel();
      stopWaiting();
    };
    work.then(
      value => {
        done();
        resolve({ value });
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
    if (signal?.aborted) return aborted();
    if (ms !== undefined) {
      const timeout = () => {
        done();
        resolve(TIMED_OUT);
      };
      cancel = clock === 'lag-free' ? setLagFreeTimeout(timeout, ms) : setLongTimeout(timeout, ms);
    }
    if (signal) stopWaiting = onAbort(signal, aborted);
  });
}
