import {
  InvalidArgumentError,
  InvalidPromptError,
  LoadAPIKeyError,
  LoadSettingError,
  NoSuchModelError,
  UnsupportedFunctionalityError,
} from '@ai-sdk/provider';
import type { ModelRef } from '../attempt-guard';
import { AlayaError } from '../errors/alaya-error';
import { isCallerAbort } from '../errors/is-caller-abort';
import { type ToAlayaErrorContext, toAlayaError } from '../errors/to-alaya-error';
import type { TelemetryAttempt } from '../telemetry/alaya-telemetry';
import { timerSignal } from '../util/timer-signal';
import type { Admission } from './admission';
import type { CallState } from './call-state';
import { timeoutError } from './timeout-error';

/** One attempt to send: the model, its place among the call's models and its guard's admission. */
export interface AttemptTarget<M extends ModelRef> {
  model: M;
  /** 0 for the primary model, 1 for the first fallback model, … */
  fallbackIndex: number;
  /** What the guard admitted it with, and is told how it went (`admission.info`: the attempt). */
  admission: Admission;
  /** Sent in parallel to a slow attempt (`hedge` option). */
  hedge?: boolean;
}

/** A failed attempt, its telemetry still open (the retry decision ends it). */
export interface AttemptFailure<M extends ModelRef> {
  target: AttemptTarget<M>;
  error: AlayaError;
  durationMs: number;
  /** Cut by `deadlineMs`. */
  deadline: boolean;
  observed: TelemetryAttempt | undefined;
}

/** How one attempt ended; `lost`: aborted because a parallel attempt answered first. */
export type AttemptSettled<T, M extends ModelRef> =
  | { status: 'ok'; result: T; target: AttemptTarget<M> }
  | ({ status: 'failed' } & AttemptFailure<M>)
  | { status: 'lost' };

/**
 * Sends one attempt with its timers (deadline, per-attempt timeout) and telemetry, and tells the
 * guard how it went. A failure is mapped once (typed errors pass as they are); the caller's abort
 * and configuration errors are rethrown untouched. `lost` aborts the attempt without it counting
 * as a failure (a result that still arrives is discarded). An attempt without an answer (the
 * caller's abort, `lost`) leaves its admission to whoever opened it, to give back.
 */
export async function sendAttempt<T, M extends ModelRef>(
  call: CallState<T, M>,
  target: AttemptTarget<M>,
  lost?: AbortSignal,
): Promise<AttemptSettled<T, M>> {
  const { settings, signal, deadline, attemptTimeout, operation } = call;
  const { model, admission } = target;
  const { info } = admission;
  const ref: ModelRef = { provider: model.provider, modelId: model.modelId };
  const context: ToAlayaErrorContext = { ...settings.errorContext, ...ref };
  // One signal for the attempt: the call's and a lost race's aborts, the deadline and the timeout.
  const deadlineTimer = deadline?.timer();
  const attemptSignal = timerSignal([signal, lost], [deadlineTimer, attemptTimeout]);
  const startedAt = Date.now();
  const observed = settings.telemetry?.startAttempt({
    ...ref,
    attempt: info.attempt,
    fallbackIndex: target.fallbackIndex,
    operation: operation.name,
    ...(target.hedge ? { hedge: true } : {}),
    ...(info.paced ? { pace: info.paced } : {}),
  });
  const send = () => operation.send(model, attemptSignal.signal, context);
  const failed = async (error: AlayaError, cut: boolean): Promise<AttemptSettled<T, M>> => {
    const durationMs = Date.now() - startedAt;
    call.noteServerWait(error);
    await admission.failed(error);
    return { status: 'failed', target, error, durationMs, deadline: cut, observed };
  };
  /** The attempt answered (and did not lose a race): its result may still use its signal. */
  let answered = false;
  try {
    const result = await (observed ? observed.activate(send) : send());
    if (lost?.aborted) {
      operation.discard?.(result);
      observed?.end({ status: 'aborted' });
      return { status: 'lost' };
    }
    answered = true;
    observed?.end({ status: 'ok' });
    const headers = operation.responseHeaders(result);
    const used = operation.usedTokens?.(result);
    const success = {
      ...info,
      ...(headers === undefined ? {} : { responseHeaders: headers }),
      ...(used === undefined ? {} : { usedTokens: used }),
    };
    await admission.succeeded(success);
    return { status: 'ok', result, target };
  } catch (thrown) {
    if (signal?.aborted) {
      // The caller gave up: whatever else landed at that moment, their own reason is the answer (a
      // retryable error escaping here would be retried by the AI SDK after the caller left).
      observed?.end({ status: 'aborted' });
      throw signal.reason ?? thrown;
    }
    if (lost?.aborted) {
      observed?.end({ status: 'aborted' });
      return { status: 'lost' };
    }
    const timedOut = attemptSignal.fired();
    if (deadline !== undefined && timedOut !== undefined && timedOut === deadlineTimer) {
      // Cut by the deadline timer: whatever the attempt threw, the deadline is the cause.
      const { hints } = settings.errorContext;
      return failed(deadline.error(call.failures() + 1, ref, hints), true);
    }
    if (attemptTimeout !== undefined && timedOut === attemptTimeout) {
      const { hints } = settings.errorContext;
      return failed(timeoutError({ what: attemptTimeout, model: ref, hints }), false);
    }
    if (isCallerAbort(thrown, signal) || isConfigurationError(thrown)) {
      observed?.end({ status: 'aborted' });
      throw thrown;
    }
    return failed(AlayaError.isInstance(thrown) ? thrown : toAlayaError(thrown, context), false);
  } finally {
    attemptSignal.clear();
    // A stream's answer goes on reading through the attempt's signal: the call's cancel and the
    // caller's abort must still reach its body. Anything else is done with it.
    if (!(answered && operation.readsAfterSend)) attemptSignal.unlink();
  }
}

/**
 * Errors of the call's setup, before any request: a missing key or setting, an invalid argument or
 * prompt, an unsupported feature or model type. Not a failure of the service: they keep their AI SDK
 * class, are never retried and do not fall back.
 */
function isConfigurationError(error: unknown): boolean {
  return (
    LoadAPIKeyError.isInstance(error) ||
    LoadSettingError.isInstance(error) ||
    InvalidArgumentError.isInstance(error) ||
    InvalidPromptError.isInstance(error) ||
    UnsupportedFunctionalityError.isInstance(error) ||
    NoSuchModelError.isInstance(error)
  );
}
