import type { LanguageModelV4 } from '@ai-sdk/provider';
import { noopAttemptGuard } from '../attempt-guard';
import { type AlayaAttempt, type AlayaError, rebuildAlayaError } from '../errors/alaya-error';
import { defaultFallbackOn } from '../options/default-fallback-on';
import type { ResolvedOptions } from '../options/resolve-options';
import { callHook, settleHook } from '../util/call-hook';
import { attemptTimeoutFor } from './attempt-timeout';
import { createDeadline, type Deadline } from './deadline';
import { type AttemptFunction, type CallState, type ModelOutcome, retryModel } from './retry-model';

/** What a successful call returns besides the attempt's own result. */
export interface RetryOutcome<T> {
  result: T;
  model: LanguageModelV4;
  /** 0 for the primary model, 1 for the first fallback model, … */
  modelIndex: number;
  /** Attempts made in total, across all models (the successful one included). */
  attemptCount: number;
}

/**
 * Retries `models[0]`, then falls back to the next models while `fallbackOn` accepts the last error.
 * When it gives up it throws the last typed error, rebuilt once with `isRetryable: false`, the attempt
 * history and `exhaustedReason`, so the AI SDK's own `maxRetries` adds no requests.
 */
export async function runWithFallback<T>({
  models,
  attempt,
  responseHeaders,
  estimateTokens,
  usedTokens,
  discard,
  signal,
  settings,
  operation,
  deadline = createDeadline(settings.deadlineMs),
  continuing = false,
}: {
  models: LanguageModelV4[];
  attempt: AttemptFunction<T>;
  /** Releases the result of an attempt that lost to its hedge (or the hedge that lost). */
  discard?: (result: T) => void;
  operation: CallState<T>['operation'];
  responseHeaders?: (result: T) => Record<string, string> | undefined;
  /** The call's token estimate for pacing; only computed when a guard is there to use it. */
  estimateTokens?: () => number;
  usedTokens?: (result: T) => number | undefined;
  signal: AbortSignal | undefined;
  settings: ResolvedOptions;
  /**
   * The call's deadline: created now from `settings.deadlineMs` unless the caller holds it already
   * (a stream's continuation runs within what is left of the deadline of the call it continues).
   */
  deadline?: Deadline;
  /**
   * The run continues a call that already ran: it sends no hedge (`hedge` is per call, its one extra
   * request was the first run's to send).
   */
  continuing?: boolean;
}): Promise<RetryOutcome<T>> {
  const call: CallState<T> = {
    settings,
    signal,
    deadline,
    history: [],
    attempt,
    responseHeaders,
    estimatedTokens: settings.guard === noopAttemptGuard ? undefined : estimateTokens?.(),
    usedTokens,
    operation,
    attemptTimeout: attemptTimeoutFor(operation, settings),
    models,
    discard,
    ...(continuing ? { hedged: true } : {}),
  };
  let outcome: ModelOutcome<T> | undefined;
  for (const [modelIndex, model] of models.entries()) {
    outcome = await retryModel(call, model, modelIndex);
    if (outcome.ok) {
      const { result, model: answered, modelIndex: index } = outcome;
      const attemptCount = call.history.length + (call.abandoned ?? 0) + 1;
      return { result, model: answered, modelIndex: index, attemptCount };
    }
    const next = models[modelIndex + 1];
    if (next === undefined || outcome.reason === 'deadline') break;
    if (!(await fallbackAllowed(settings, outcome.error))) break;
    const from = { provider: model.provider, modelId: model.modelId };
    const to = { provider: next.provider, modelId: next.modelId };
    settings.telemetry?.record({
      type: 'fallback',
      from,
      to,
      kind: outcome.error.kind,
      fallbackIndex: modelIndex + 1,
    });
    void callHook(settings.onFallback, {
      from,
      to,
      error: outcome.error,
      attempts: [...call.history],
    });
  }
  if (outcome === undefined || outcome.ok) throw new Error('alayaMiddleware: no model to call');
  throw giveUp(outcome, call.history);
}

async function fallbackAllowed(settings: ResolvedOptions, error: AlayaError): Promise<boolean> {
  if (settings.fallbackOn === undefined) return defaultFallbackOn(error);
  const decided = await settleHook(settings.fallbackOn, error);
  if (!decided.ok) return false;
  return typeof decided.value === 'boolean' ? decided.value : defaultFallbackOn(error);
}

/** The one place the attempt history is added to an error. */
function giveUp(
  { error, reason, note: given }: Extract<ModelOutcome<unknown>, { ok: false }>,
  history: AlayaAttempt[],
): AlayaError {
  const attempts = history.length;
  const note =
    given ??
    (reason === 'max_retries' && attempts > 1 ? `gave up after ${attempts} attempts` : undefined);
  return rebuildAlayaError(error, {
    message: note ? `${error.message} (${note})` : error.message,
    isRetryable: false,
    attempts: [...history],
    exhaustedReason: reason,
  });
}
