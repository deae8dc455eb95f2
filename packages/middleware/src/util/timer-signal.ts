import { onAbort } from './on-abort';
import { abortReason, setLongTimeout } from './sleep';

/** A timer of a {@link timerSignal}: aborts it after `ms` with a `TimeoutError` whose message is `message`. */
export interface SignalTimer {
  readonly ms: number;
  readonly message: string;
}

/** One abort signal for a piece of work: its parents' aborts and its timers in one; see {@link timerSignal}. */
export interface TimerSignal {
  /** Aborts when a parent does (with its reason) or when a timer fires; `undefined` when nothing can abort it. */
  readonly signal: AbortSignal | undefined;
  /** The timer that aborted the signal (not a parent), or `undefined`. */
  fired(): SignalTimer | undefined;
  /** Stops the timer; the signal then follows its parents only. */
  clear(): void;
  /** Stops following the parents (a parent that aborts later no longer aborts the signal). */
  unlink(): void;
}

const NOTHING = (): void => {};

/**
 * The one signal of a piece of work (an attempt) that its parents (the caller's signal, a lost
 * race's) and its timers (a deadline, a per-attempt timeout) may each abort. It costs one
 * `AbortController`, one shared listener per parent ({@link onAbort}) and one timer, whatever their
 * number, and none of them when there is no timer and at most one parent: that parent (or
 * `undefined`) is then the signal as it is. Of the timers, only the first to fire matters (the one
 * with the least `ms`, the earlier one on a tie), so only it is armed. Unlike `AbortSignal.any`, the
 * link to a parent is a plain listener (no weak references for the garbage collector to trace,
 * no composite signal): {@link TimerSignal.unlink} removes it once the work no longer needs it,
 * which a long-lived parent (a caller's signal reused across calls) requires.
 */
export function timerSignal(
  parents: readonly (AbortSignal | undefined)[],
  timers: readonly (SignalTimer | undefined)[],
): TimerSignal {
  let first: SignalTimer | undefined;
  for (const timer of timers)
    if (timer && (first === undefined || timer.ms < first.ms)) first = timer;
  let only: AbortSignal | undefined;
  let count = 0;
  for (const parent of parents) {
    if (parent === undefined) continue;
    only = parent;
    count++;
  }
  if (first === undefined && count <= 1) {
    return { signal: only, fired: () => undefined, clear: NOTHING, unlink: NOTHING };
  }

  const controller = new AbortController();
  const stops: (() => void)[] = [];
  for (const parent of parents) {
    if (parent === undefined || controller.signal.aborted) continue;
    if (parent.aborted) controller.abort(abortReason(parent));
    else stops.push(onAbort(parent, () => controller.abort(abortReason(parent))));
  }
  let fired: SignalTimer | undefined;
  let clear = NOTHING;
  if (first !== undefined && !controller.signal.aborted) {
    const timer = first;
    clear = setLongTimeout(() => {
      if (controller.signal.aborted) return;
      fired = timer;
      controller.abort(new DOMException(timer.message, 'TimeoutError'));
    }, timer.ms);
  }
  return {
    signal: controller.signal,
    fired: () => fired,
    clear: () => clear(),
    unlink() {
      for (const stop of stops) stop();
      stops.length = 0;
    },
  };
}
