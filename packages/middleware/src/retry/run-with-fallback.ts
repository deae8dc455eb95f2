import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { ModelRef } from '../attempt-guard';
import { type AlayaAttempt, type AlayaError, rebuildAlayaError } from '../errors/alaya-error';
import { defaultFallbackOn } from '../options/default-fallback-on';
import type { ResolvedOptions } from '../options/resolve-options';
import { callHook, settleHook } from '../util/call-hook';
import { createCallState } from './call-state';
import { createDeadline, type Deadline } from './deadline';
import type { AttemptOperation } from './operation';
import { type ModelOutcome, retryModel } from './retry-model';

/** Which model answered a call, and after how many attempts. */
export interface AnsweredBy<M extends ModelRef = LanguageModelV4> {
  model: M;
  /** 0 for the primary model, 1 for the first fallback model, … */
  modelIndex: number;
  /** Attempts made in total, across all models (the successful one included). */
  attemptCount: number;
}

/** What a successful call returns: the attempt's own result and who answered. */
export interface RetryOutcome<T, M extends ModelRef = LanguageModelV4> extends AnsweredBy<M> {
  result: T;
}

/**
 * Retries `models[0]`, then falls back to the next models while `fallbackOn` accepts the last error.
 * When it gives up it throws the last typed error, rebuilt once with `isRetryable: false`, the attempt
 * history and `exhaustedReason`, so the AI SDK's own `maxRetries` adds no requests.
 */
export async function runWithFallback<T, M extends ModelRef>({
  models,
  operation,
  signal,
  settings,
  deadline = createDeadline(settings.deadlineMs),
  continuing = false,
}: {
  models: M[];
  /** What an attempt sends and what is read from its result (see {@link AttemptOperation}). */
  operation: AttemptOperation<T, M>;
  signal: AbortSignal | undefined;
  settings: ResolvedOptions<M>;
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
}): Promise<RetryOutcome<T, M>> {
  const call = createCallState({ models, operation, signal, settings, deadline, continuing });
  let outcome: ModelOutcome<T, M> | undefined;
  for (const [modelIndex, model] of models.entries()) {
    outcome = await retryModel(call, model, modelIndex);
    if (outcome.ok) {
      const { result, model: answered, modelIndex: index } = outcome;
      return { result, model: answered, modelIndex: index, attemptCount: call.attemptCount() };
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
      attempts: call.history(),
    });
  }
  if (outcome === undefined || outcome.ok) throw new Error('alayaMiddleware: no model to call');
  throw giveUp(outcome, call.history());
}

async function fallbackAllowed(
  settings: ResolvedOptions<ModelRef>,
  error: AlayaError,
): Promise<boolean> {
  if (settings.fallbackOn === undefined) return defaultFallbackOn(error);
  const decided = await settleHook(settings.fallbackOn, error);
  if (!decided.ok) return false;
  return typeof decided.value === 'boolean' ? decided.value : defaultFallbackOn(error);
}

/** The one place the attempt history is added to an error. */
function giveUp(
  { error, reason, note: given }: Extract<ModelOutcome<unknown, ModelRef>, { ok: false }>,
  history: AlayaAttempt[],
): AlayaError {
  const attempts = history.length;
  const note =
    given ??
    (reason === 'max_retries' && attempts > 1 ? `gave up after ${attempts} attempts` : undefined);
  return rebuildAlayaError(error, {
    message: note ? `${error.message} (${note})` : error.message,
    isRetryable: false,
    attempts: history,
    exhaustedReason: reason,
  });
}
