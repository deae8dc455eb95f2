import {
  InvalidArgumentError,
  InvalidPromptError,
  type LanguageModelV4,
  LoadAPIKeyError,
  LoadSettingError,
  NoSuchModelError,
  UnsupportedFunctionalityError,
} from '@ai-sdk/provider';
import type { AttemptGuard, AttemptInfo } from './attempt-guard';
import { type BackoffSettings, computeBackoffDelay, MAX_TIMER_MS, sleep } from './backoff';
import {
  type AlayaAttempt,
  AlayaError,
  type AlayaExhaustedReason,
  rebuildAlayaError,
} from './errors/alaya-error';
import { isCallerAbort } from './errors/is-caller-abort';
import { TimeoutError } from './errors/network-errors';
import { type ToAlayaErrorContext, toAlayaError } from './errors/to-alaya-error';

/** Provider and model id, as the hooks report them. */
export interface ModelRef {
  provider: string;
  modelId: string;
}

/** Argument of `onRetry`. */
export interface RetryEvent {
  /** The attempt that just failed (1-based, per model). */
  attempt: number;
  /** Why it failed. */
  error: AlayaError;
  /** How long the loop waits before the next attempt. */
  delayMs: number;
  /** The model that failed and will be called again. */
  model: ModelRef;
}

/** Argument of `onFallback`. */
export interface FallbackEvent {
  /** The model that kept failing. */
  from: ModelRef;
  /** The model tried next. */
  to: ModelRef;
  /** The last error of `from`. */
  error: AlayaError;
  /** Attempts made so far, across all models. */
  attempts: AlayaAttempt[];
}

/** Fully resolved retry settings (see `AlayaMiddlewareOptions` for the documentation). */
export interface RetrySettings extends BackoffSettings {
  maxRetries: number;
  deadlineMs?: number;
  respectRetryAfter: boolean;
  maxRetryAfterMs: number;
  shouldRetry?: (
    error: AlayaError,
    context: { attempt: number; model: ModelRef },
  ) => boolean | undefined;
  fallbackOn: (error: AlayaError) => boolean;
  onRetry?: (event: RetryEvent) => unknown;
  onFallback?: (event: FallbackEvent) => unknown;
  guard: AttemptGuard;
  random?: () => number;
  errorContext?: Omit<ToAlayaErrorContext, 'modelId' | 'provider' | 'fromStreamPart'>;
}

/** What a successful run returns besides the attempt's own result. */
export interface RetryOutcome<T> {
  result: T;
  model: LanguageModelV4;
  /** 0 for the primary model, 1 for the first fallback model, … */
  modelIndex: number;
  /** Attempts made in total, across all models (the successful one included). */
  attemptCount: number;
}

/** Runs one attempt against `model`; `signal` is the caller's signal, combined with the deadline. */
export type AttemptFunction<T> = (
  model: LanguageModelV4,
  signal: AbortSignal | undefined,
  context: ToAlayaErrorContext,
) => Promise<T>;

/**
 * The retry and fallback loop: calls `attempt` for each model in `models` until one succeeds, maps
 * every failure with `toAlayaError`, waits per backoff / `Retry-After`, and throws the last typed
 * error with `isRetryable: false`, `attempts` and `exhaustedReason` when it gives up.
 */
export async function runWithRetries<T>({
  models,
  attempt: runAttempt,
  responseHeaders,
  signal,
  settings,
}: {
  models: LanguageModelV4[];
  attempt: AttemptFunction<T>;
  /** Reads the response headers of a successful attempt's result, for `guard.onSuccess`. */
  responseHeaders?: (result: T) => Record<string, string> | undefined;
  signal: AbortSignal | undefined;
  settings: RetrySettings;
}): Promise<RetryOutcome<T>> {
  const startedAt = Date.now();
  const deadlineAt = settings.deadlineMs != null ? startedAt + settings.deadlineMs : undefined;
  const history: AlayaAttempt[] = [];
  const { guard } = settings;

  const giveUp = (error: AlayaError, reason: AlayaExhaustedReason, note?: string): AlayaError =>
    rebuildAlayaError(error, {
      message: note ? `${error.message} (${note})` : error.message,
      isRetryable: false,
      attempts: [...history],
      exhaustedReason: reason,
    });
  const deadlineNote = () =>
    `deadline of ${settings.deadlineMs} ms reached after ${history.length} attempts`;

  for (let modelIndex = 0; modelIndex < models.length; modelIndex++) {
    const model = models[modelIndex]!;
    const ref: ModelRef = { provider: model.provider, modelId: model.modelId };
    const context: ToAlayaErrorContext = { ...settings.errorContext, ...ref };
    let lastError: AlayaError | undefined;
    let reason: AlayaExhaustedReason = 'max_retries';
    let note: string | undefined;
    let previousDurationMs = 0;

    for (let attemptNumber = 1; ; attemptNumber++) {
      const info: AttemptInfo = { ...ref, attempt: attemptNumber, signal, deadlineAt };
      const attemptStart = Date.now();

      const blocked = await runBeforeAttempt(guard, info, signal);
      if (blocked) {
        lastError = toAlayaError(blocked, context);
        history.push(record(info, lastError, 0));
        reason = 'not_retryable';
        break;
      }

      if (deadlineAt != null && Date.now() >= deadlineAt) {
        throw giveUp(
          lastError ?? deadlineError(settings.deadlineMs!, context),
          'deadline',
          deadlineNote(),
        );
      }

      const deadline = deadlineAt != null ? withDeadline(signal, deadlineAt) : undefined;
      try {
        const result = await runAttempt(model, deadline?.signal ?? signal, context);
        const headers = responseHeaders?.(result);
        await safely(() =>
          guard.onSuccess(headers === undefined ? info : { ...info, responseHeaders: headers }),
        );
        return { result, model, modelIndex, attemptCount: history.length + 1 };
      } catch (thrown) {
        if (signal?.aborted) throw thrown;
        previousDurationMs = Date.now() - attemptStart;
        if (deadline?.fired()) {
          // The attempt was cut by the deadline timer: whatever it threw, the deadline is the cause.
          const error = deadlineError(settings.deadlineMs!, context);
          history.push(record(info, error, previousDurationMs));
          await safely(() => guard.onFailure({ ...info, error }));
          throw giveUp(error, 'deadline', deadlineNote());
        }
        if (isCallerAbort(thrown, signal) || isConfigurationError(thrown)) throw thrown;
        const error = toAlayaError(thrown, context);
        lastError = error;
        await safely(() => guard.onFailure({ ...info, error }));

        const decision = await decideRetry({
          error,
          info,
          settings,
          previousDurationMs,
          deadlineAt,
        });
        if (decision.retry === false) {
          history.push(record(info, error, previousDurationMs));
          reason = decision.reason;
          note = decision.note;
          break;
        }
        history.push({ ...record(info, error, previousDurationMs), delayMs: decision.delayMs });
        callHook(settings.onRetry, {
          attempt: attemptNumber,
          error,
          delayMs: decision.delayMs,
          model: ref,
        });
        await sleep(decision.delayMs, signal);
      } finally {
        deadline?.clear();
      }
    }

    const failure = lastError!;
    const next = models[modelIndex + 1];
    if (reason !== 'deadline' && next != null && fallbackAllowed(settings, failure)) {
      callHook(settings.onFallback, {
        from: ref,
        to: { provider: next.provider, modelId: next.modelId },
        error: failure,
        attempts: [...history],
      });
      continue;
    }
    if (reason === 'max_retries' && history.length > 1)
      note = `gave up after ${history.length} attempts`;
    throw giveUp(failure, reason, note);
  }
  // Unreachable: the loop returns or throws for the last model.
  throw new Error('alayaMiddleware: no model to call');
}

type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: AlayaExhaustedReason; note?: string };

async function decideRetry({
  error,
  info,
  settings,
  previousDurationMs,
  deadlineAt,
}: {
  error: AlayaError;
  info: AttemptInfo;
  settings: RetrySettings;
  previousDurationMs: number;
  deadlineAt: number | undefined;
}): Promise<RetryDecision> {
  const model = { provider: info.provider, modelId: info.modelId };
  let retryable = error.isRetryable;
  try {
    retryable = settings.shouldRetry?.(error, { attempt: info.attempt, model }) ?? retryable;
  } catch {
    // A throwing predicate falls back to the default decision.
  }
  if (!retryable) return { retry: false, reason: 'not_retryable' };
  if (info.attempt > settings.maxRetries) return { retry: false, reason: 'max_retries' };

  let delayMs: number;
  const serverDelay = settings.respectRetryAfter ? error.retryAfterMs : undefined;
  if (serverDelay != null) {
    if (serverDelay > settings.maxRetryAfterMs) {
      return {
        retry: false,
        reason: 'retry_after_too_long',
        note: `the server asked to retry after ${Math.round(serverDelay)} ms, more than maxRetryAfterMs (${settings.maxRetryAfterMs} ms)`,
      };
    }
    delayMs = Math.ceil(serverDelay);
  } else {
    delayMs = computeBackoffDelay(info.attempt - 1, settings, settings.random);
  }

  if (deadlineAt != null && Date.now() + delayMs + previousDurationMs > deadlineAt) {
    return {
      retry: false,
      reason: 'deadline',
      note: `deadline of ${settings.deadlineMs} ms: no time left to wait ${delayMs} ms and retry`,
    };
  }

  let allowed = true;
  try {
    allowed = (await settings.guard.allowRetry({ ...info, error })) !== false;
  } catch {
    // Guard failures are no-ops.
  }
  if (!allowed) return { retry: false, reason: 'retry_budget', note: 'retry budget exhausted' };
  return { retry: true, delayMs };
}

/**
 * Errors of the call's setup, before any request: a missing key or setting, an invalid argument or
 * prompt, an unsupported feature or model type. Not a failure of the service: they keep their AI SDK
 * class (what `@ai-sdk/provider` documents for them), are never retried and do not fall back.
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

function fallbackAllowed(settings: RetrySettings, error: AlayaError): boolean {
  try {
    return settings.fallbackOn(error);
  } catch {
    return false;
  }
}

/** Runs `beforeAttempt`; returns a typed error that blocks the attempt, rethrows the caller's abort. */
async function runBeforeAttempt(
  guard: AttemptGuard,
  info: AttemptInfo,
  signal: AbortSignal | undefined,
): Promise<AlayaError | undefined> {
  try {
    await guard.beforeAttempt(info);
    return undefined;
  } catch (error) {
    if (isCallerAbort(error, signal)) throw error;
    return AlayaError.isInstance(error) ? error : undefined;
  }
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

function deadlineError(deadlineMs: number, context: ToAlayaErrorContext): AlayaError {
  return toAlayaError(
    new TimeoutError({ message: `Deadline of ${deadlineMs} ms exceeded`, isRetryable: false }),
    context,
  );
}

/** The caller's signal combined with a timer that aborts at `deadlineAt`; `clear` stops the timer only. */
function withDeadline(
  signal: AbortSignal | undefined,
  deadlineAt: number,
): { signal: AbortSignal; fired: () => boolean; clear: () => void } {
  const timerController = new AbortController();
  let fired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    fired = true;
    timerController.abort(new DOMException('Deadline exceeded', 'TimeoutError'));
  };
  // A timer past 2^31 - 1 ms would fire at once: re-arm until the deadline is in reach.
  const arm = () => {
    const remaining = Math.max(0, deadlineAt - Date.now());
    timer = setTimeout(remaining > MAX_TIMER_MS ? arm : fire, Math.min(remaining, MAX_TIMER_MS));
  };
  arm();
  return {
    signal: signal ? anySignal([signal, timerController.signal]) : timerController.signal,
    fired: () => fired,
    clear: () => clearTimeout(timer),
  };
}

/** `AbortSignal.any`, with a listener-based stand-in for runtimes that lack it. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Calls a user hook; neither a throw nor a rejected promise escapes. */
export function callHook<E>(hook: ((event: E) => unknown) | undefined, event: E): void {
  if (!hook) return;
  try {
    const result = hook(event);
    if (result != null && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // A throwing hook never breaks the call.
  }
}

async function safely(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch {
    // Guard failures are no-ops.
  }
}
