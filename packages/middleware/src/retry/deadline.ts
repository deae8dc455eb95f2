import type { ModelRef } from '../attempt-guard';
import type { AlayaErrorKind } from '../errors/alaya-error-options';
import type { TimeoutError } from '../errors/network-errors';
import type { SignalTimer } from '../util/timer-signal';
import { deadlineWording, timeoutError } from './timeout-error';

/** `deadlineMs` of one call: the one place that checks it and words it. */
export interface Deadline {
  /** The budget, in ms. */
  readonly ms: number;
  /** Epoch ms at which it runs out. */
  readonly at: number;
  /** True when `moreMs` from now (0: now) reaches past the deadline. */
  passedIn(moreMs: number): boolean;
  /** The timer of an attempt started now that aborts it at the deadline (see `timerSignal`). */
  timer(): SignalTimer;
  /** The note appended to the error the call gives up with. */
  note(attempts: number): string;
  /** The `TimeoutError` of an attempt cut by the deadline (or of a call that had no time for one). */
  error(
    attempts: number,
    model: ModelRef,
    hints: Partial<Record<AlayaErrorKind, string>> | undefined,
  ): TimeoutError;
}

/** The deadline of a call started now, or `undefined` when `deadlineMs` is not set. */
export function createDeadline(deadlineMs: number | undefined): Deadline | undefined {
  if (deadlineMs === undefined) return undefined;
  const at = Date.now() + deadlineMs;
  const message = `Deadline of ${deadlineMs} ms exceeded`;
  return {
    ms: deadlineMs,
    at,
    passedIn: moreMs => Date.now() + moreMs >= at,
    timer: () => ({ ms: Math.max(0, at - Date.now()), message }),
    note: attempts => deadlineWording({ deadlineMs, attempts }),
    error: (attempts, model, hints) =>
      timeoutError({ what: { deadlineMs, attempts }, model, hints }),
  };
}
