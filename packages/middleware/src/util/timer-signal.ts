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
const NONE = (): undefined => undefined;

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
    return { signal: only, fired: NONE, clear: NOTHING, unlink: NOTHING };
  }
  return new LinkedSignal(parents, first);
}

/** A {@link TimerSignal} with a controller of its own (methods on the prototype: no closures per call). */
class LinkedSignal implements TimerSignal {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  #stops: (() => void)[] | undefined;
  #fired: SignalTimer | undefined;
  #clear: () => void = NOTHING;

  constructor(parents: readonly (AbortSignal | undefined)[], timer: SignalTimer | undefined) {
    const controller = this.#controller;
    const signal = controller.signal;
    this.signal = signal;
    for (const parent of parents) {
      if (parent === undefined) continue;
      if (parent.aborted) {
        controller.abort(abortReason(parent));
        this.unlink();
        return;
      }
      const stop = onAbort(parent, () => controller.abort(abortReason(parent)));
      if (this.#stops === undefined) this.#stops = [stop];
      else this.#stops.push(stop);
    }
    if (timer !== undefined) {
      this.#clear = setLongTimeout(() => {
        if (signal.aborted) return;
        this.#fired = timer;
        controller.abort(new DOMException(timer.message, 'TimeoutError'));
      }, timer.ms);
    }
  }

  fired(): SignalTimer | undefined {
    return this.#fired;
  }

  clear(): void {
    this.#clear();
    this.#clear = NOTHING;
  }

  unlink(): void {
    const stops = this.#stops;
    if (stops === undefined) return;
    this.#stops = undefined;
    for (const stop of stops) stop();
  }
}
