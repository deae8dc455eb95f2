import type {
  AbandonedAttemptInfo,
  AttemptGuard,
  AttemptInfo,
  AttemptSuccessInfo,
} from '../attempt-guard';
import { AlayaError } from '../errors/alaya-error';
import { isCallerAbort } from '../errors/is-caller-abort';
import { callHook, settleHook } from '../util/call-hook';

/**
 * What the guard granted one attempt: `beforeAttempt` (a slow-start slot, the half-open probe) and,
 * for a retry or a hedge, the `allowRetry` that paid for it. Exactly one of `onSuccess`,
 * `onFailure` and `onAbandon` settles it, once: whoever opens it calls {@link Admission.end} in a
 * `finally` (a started attempt, when it settles), which gives back whatever no answer settled: the
 * caller's abort, a cancelled stream, a lost hedge, an attempt never sent.
 */
export interface Admission {
  /** The attempt, as the guard sees it in every hook. */
  readonly info: AttemptInfo;
  /**
   * Runs `beforeAttempt`. Returns the typed error it threw (the attempt is blocked, not sent) or
   * `undefined` (go; other errors a guard throws are ignored). The caller's abort is rethrown.
   */
  enter(callerSignal: AbortSignal | undefined): Promise<AlayaError | undefined>;
  /** `allowRetry` paid for this attempt, the retry (or hedge) of `error`. */
  paidBy(error: AlayaError): void;
  /** Tells the guard the attempt succeeded (`onSuccess`), unless it was settled already. */
  succeeded(info: AttemptSuccessInfo): Promise<void>;
  /** Tells the guard the attempt failed (`onFailure`), unless it was settled already. */
  failed(error: AlayaError): Promise<void>;
  /** Tells the guard the attempt was abandoned (`onAbandon`), unless it was settled already. */
  end(): Promise<void>;
}

/** Opens the admission of the attempt `info` (nothing is taken until `enter` or `paidBy`). */
export function openAdmission(guard: AttemptGuard, info: AttemptInfo): Admission {
  let admitted = false;
  let retryOf: AlayaError | undefined;
  let settled = false;
  /** True the first time only: the one hook that settles the admission. */
  const settle = () => {
    if (settled) return false;
    settled = true;
    return true;
  };

  return {
    info,
    async enter(callerSignal) {
      const outcome = await settleHook(i => guard.beforeAttempt(i), info);
      if (outcome.ok) {
        admitted = true;
        return undefined;
      }
      if (isCallerAbort(outcome.error, callerSignal)) throw outcome.error;
      return AlayaError.isInstance(outcome.error) ? outcome.error : undefined;
    },
    paidBy(error) {
      retryOf = error;
    },
    async succeeded(success) {
      if (settle()) await callHook(i => guard.onSuccess(i), success);
    },
    async failed(error) {
      if (settle()) await callHook(i => guard.onFailure(i), { ...info, error });
    },
    async end() {
      if (!settle() || (!admitted && retryOf === undefined)) return;
      const abandoned: AbandonedAttemptInfo = { ...info };
      if (admitted) abandoned.admitted = info;
      if (retryOf !== undefined) abandoned.retryOf = retryOf;
      await callHook(i => guard.onAbandon?.(i), abandoned);
    },
  };
}
