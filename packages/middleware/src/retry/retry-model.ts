import {
  InvalidArgumentError,
  InvalidPromptError,
  type LanguageModelV4,
  LoadAPIKeyError,
  LoadSettingError,
  NoSuchModelError,
  UnsupportedFunctionalityError,
} from '@ai-sdk/provider';
import type { AttemptGuard, AttemptInfo, ModelRef } from '../attempt-guard';
import { type AlayaAttempt, AlayaError, type AlayaExhaustedReason } from '../errors/alaya-error';
import { isCallerAbort } from '../errors/is-caller-abort';
import { DEFAULT_HINTS, type ToAlayaErrorContext, toAlayaError } from '../errors/to-alaya-error';
import type { ResolvedOptions } from '../options/resolve-options';
import { failedOutcome } from '../telemetry/telemetry-outcome';
import { callHook, settleHook } from '../util/call-hook';
import { sleep } from '../util/sleep';
import { timerSignal } from '../util/timer-signal';
import { type AttemptTimeout, attemptTimeoutError } from './attempt-timeout';
import type { Deadline } from './deadline';
import { decideRetry } from './retry-decision';

/** Runs one attempt against `model` with `signal` (the caller's, combined with the deadline). */
export type AttemptFunction<T> = (
  model: LanguageModelV4,
  signal: AbortSignal | undefined,
  context: ToAlayaErrorContext,
) => Promise<T>;

/** What one call shares across its models: settings, signal, deadline and the attempt history. */
export interface CallState<T> {
  settings: ResolvedOptions;
  signal: AbortSignal | undefined;
  deadline: Deadline | undefined;
  /** Every attempt that failed so far, across models (the loop appends to it). */
  history: AlayaAttempt[];
  attempt: AttemptFunction<T>;
  /** Per-attempt timeout (`attemptTimeoutMs` for generate, `firstContentTimeoutMs` for streams). */
  attemptTimeout?: AttemptTimeout;
  /** Reads the response headers of a successful attempt's result, for `guard.onSuccess`. */
  responseHeaders?: (result: T) => Record<string, string> | undefined;
  /** What telemetry calls the attempts. */
  operation: 'generate' | 'stream';
}

/** How one model ended: its result, or its last typed error and why the loop stopped on it. */
export type ModelOutcome<T> =
  | { ok: true; result: T }
  | { ok: false; error: AlayaError; reason: AlayaExhaustedReason; note?: string };

/**
 * Calls `model` until an attempt succeeds or the retry decision says stop. Typed errors pass through
 * as they are, other failures are mapped once with `toAlayaError`. The caller's abort and
 * configuration errors (missing key, invalid argument, …) are rethrown untouched.
 */
export async function retryModel<T>(
  call: CallState<T>,
  model: LanguageModelV4,
  fallbackIndex: number,
): Promise<ModelOutcome<T>> {
  const { settings, signal, deadline, history } = call;
  const { guard } = settings;
  const ref: ModelRef = { provider: model.provider, modelId: model.modelId };
  const context: ToAlayaErrorContext = { ...settings.errorContext, ...ref };
  let lastError: AlayaError | undefined;

  for (let attempt = 1; ; attempt++) {
    const info: AttemptInfo = { ...ref, attempt, signal, deadlineAt: deadline?.at };
    const blocked = await beforeAttempt(guard, info, signal);
    if (blocked) {
      history.push(record(info, blocked, 0));
      return { ok: false, error: blocked, reason: 'not_retryable' };
    }
    if (deadline?.passedIn(0)) {
      if (lastError) {
        return {
          ok: false,
          error: lastError,
          reason: 'deadline',
          note: deadline.note(history.length),
        };
      }
      const error = deadline.error(history.length, { ...ref, hint: timeoutHint(settings) });
      return { ok: false, error, reason: 'deadline' };
    }

    const timer = deadline?.signal(signal);
    const { attemptTimeout } = call;
    const attemptTimer = timerSignal(
      timer?.signal ?? signal,
      attemptTimeout?.ms,
      `${attemptTimeout?.option} exceeded`,
    );
    const startedAt = Date.now();
    const observed = settings.telemetry?.startAttempt({
      ...ref,
      attempt,
      fallbackIndex,
      operation: call.operation,
    });
    const send = () => call.attempt(model, attemptTimer.signal, context);
    try {
      const result = await (observed ? observed.activate(send) : send());
      observed?.end({ status: 'ok' });
      const headers = call.responseHeaders?.(result);
      const success = headers === undefined ? info : { ...info, responseHeaders: headers };
      await callHook(i => guard.onSuccess(i), success);
      return { ok: true, result };
    } catch (thrown) {
      if (signal?.aborted) {
        observed?.end({ status: 'aborted' });
        throw thrown;
      }
      const durationMs = Date.now() - startedAt;
      if (deadline && timer?.fired()) {
        // Cut by the deadline timer: whatever the attempt threw, the deadline is the cause.
        const error = deadline.error(history.length + 1, { ...ref, hint: timeoutHint(settings) });
        observed?.end(failedOutcome(error, { exhaustedReason: 'deadline' }));
        history.push(record(info, error, durationMs));
        await callHook(i => guard.onFailure(i), { ...info, error });
        return { ok: false, error, reason: 'deadline' };
      }
      let error: AlayaError;
      if (attemptTimeout && attemptTimer.fired()) {
        error = attemptTimeoutError(attemptTimeout, ref, { hint: timeoutHint(settings) });
      } else if (isCallerAbort(thrown, signal) || isConfigurationError(thrown)) {
        observed?.end({ status: 'aborted' });
        throw thrown;
      } else {
        error = AlayaError.isInstance(thrown) ? thrown : toAlayaError(thrown, context);
      }
      lastError = error;
      await callHook(i => guard.onFailure(i), { ...info, error });

      const decision = await decideRetry({ error, info, settings, durationMs, deadline });
      observed?.end(
        failedOutcome(
          error,
          decision.retry
            ? { delayMs: decision.delayMs, serverDelay: decision.serverDelay }
            : { exhaustedReason: decision.reason },
        ),
      );
      if (!decision.retry) {
        history.push(record(info, error, durationMs));
        const note =
          decision.reason === 'deadline' ? deadline?.note(history.length) : decision.note;
        return { ok: false, error, reason: decision.reason, note };
      }
      history.push({ ...record(info, error, durationMs), delayMs: decision.delayMs });
      void callHook(settings.onRetry, { attempt, error, delayMs: decision.delayMs, model: ref });
      await sleep(decision.delayMs, signal);
    } finally {
      attemptTimer.clear();
      timer?.clear();
    }
  }
}

/** Runs `beforeAttempt`: a typed error it throws blocks the attempt, the caller's abort is rethrown. */
async function beforeAttempt(
  guard: AttemptGuard,
  info: AttemptInfo,
  signal: AbortSignal | undefined,
): Promise<AlayaError | undefined> {
  const outcome = await settleHook(i => guard.beforeAttempt(i), info);
  if (outcome.ok) return undefined;
  if (isCallerAbort(outcome.error, signal)) throw outcome.error;
  return AlayaError.isInstance(outcome.error) ? outcome.error : undefined;
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

/** The hint of a `TimeoutError` the loop builds itself (`errorContext.hints.timeout` wins). */
export function timeoutHint(settings: ResolvedOptions): string {
  return settings.errorContext.hints?.timeout ?? DEFAULT_HINTS.timeout;
}

function record(info: AttemptInfo, error: AlayaError, durationMs: number): AlayaAttempt {
  const entry: AlayaAttempt = {
    attempt: info.attempt,
    modelId: info.modelId,
    provider: info.provider,
    kind: error.kind,
    durationMs,
  };
  if (error.statusCode != null) entry.statusCode = error.statusCode;
  return entry;
}
