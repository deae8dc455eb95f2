import type { ModelRef } from '../attempt-guard';
import type { AlayaErrorKind } from '../errors/alaya-error-options';
import { hintFor } from '../errors/hints';
import { TimeoutError } from '../errors/network-errors';

/** A wait an option bounds: the option, its length, what did not arrive and (optionally) after what. */
export interface TimedWait {
  option: 'attemptTimeoutMs' | 'firstContentTimeoutMs' | 'hedge.afterMs' | 'idleTimeoutMs';
  ms: number;
  /** What did not arrive in time, e.g. `'response'`. */
  waitingFor: string;
  /** What it was awaited after, e.g. `'content'`. */
  after?: string;
}

/** The call's `deadlineMs` ran out after `attempts` attempts. */
export interface DeadlineRunOut {
  deadlineMs: number;
  attempts: number;
}

/** How a run-out deadline is worded (lower case: the note appended to the call's last error). */
export function deadlineWording({ deadlineMs, attempts }: DeadlineRunOut): string {
  return `deadline of ${deadlineMs} ms exceeded after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/**
 * The one builder of the `TimeoutError`s the middleware raises itself. A timed wait is retryable (the
 * next attempt may be faster); a run-out deadline is not (no time is left to retry). The hint follows
 * the rule of every other error: `errorContext.hints.timeout` wins, else the provider's hint
 * (`hintFor`). No key, no body: nothing to redact.
 */
export function timeoutError({
  what,
  model,
  hints,
}: {
  what: TimedWait | DeadlineRunOut;
  model: ModelRef;
  /** `errorContext.hints` of the call. */
  hints: Partial<Record<AlayaErrorKind, string>> | undefined;
}): TimeoutError {
  const hint = hints?.timeout ?? hintFor('timeout', model.provider);
  if ('deadlineMs' in what) {
    const text = deadlineWording(what);
    return new TimeoutError({
      message: text.charAt(0).toUpperCase() + text.slice(1),
      isRetryable: false,
      hint,
      ...model,
    });
  }
  const after = what.after === undefined ? '' : ` after ${what.after}`;
  return new TimeoutError({
    message: `No ${what.waitingFor} within ${what.option} (${what.ms} ms)${after}`,
    isRetryable: true,
    hint,
    ...model,
  });
}
