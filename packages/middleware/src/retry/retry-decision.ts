import type { AttemptInfo, ModelRef } from '../attempt-guard';
import { computeBackoffDelay } from '../backoff';
import type { AlayaError, AlayaExhaustedReason } from '../errors/alaya-error';
import { serverWait } from '../errors/server-wait';
import type { ResolvedOptions } from '../options/resolve-options';
import { callHook } from '../util/call-hook';
import type { Deadline } from './deadline';

/** Whether to retry the same model after a failure, and after how long. */
export type RetryDecision =
  | {
      retry: true;
      delayMs: number /** The delay is the server's `Retry-After`. */;
      serverDelay: boolean;
      /** The retry spends none of `maxRetries`: the failure was a pacer's learning cost. */
      learning?: true;
    }
  | { retry: false; reason: AlayaExhaustedReason; note?: string };

/**
 * Most retries of one call on one model that spend none of `maxRetries`: 429s of attempts a pacer
 * admitted while learning the limit (`AttemptPace.learning`). Past it a 429 spends a retry as any
 * failure does, so a server that refuses everything still fails the call, typed, after at most
 * `1 + MAX_LEARNING_RETRIES + maxRetries` attempts, each after its `Retry-After` and a paced slot.
 */
export const MAX_LEARNING_RETRIES = 5;

/**
 * Whether the retry after `error` is a pacer's learning cost: a 429 of an attempt the pacer admitted
 * at a rate it learns from 429s (its slow start, or an adaptive rate), while fewer than
 * {@link MAX_LEARNING_RETRIES} of the call's retries on this model were. Such a 429 says the pacer
 * overshot a limit it was never told (its probing, the first burst), not that the call failed:
 * the retry goes back to the pacer's queue at the rate the 429 cut. A 429 with pacing off, at a
 * stated limit or one the server's headers gave, is the call's failure.
 */
function learningCost(error: AlayaError, info: AttemptInfo, learningRetries: number): boolean {
  return (
    error.kind === 'rate_limit' &&
    info.paced?.learning === true &&
    learningRetries < MAX_LEARNING_RETRIES
  );
}

/**
 * Decides on a retry of the same model after `error`: `shouldRetry` (else `isRetryable`),
 * `maxRetries` (a pacer's learning cost spends none, see {@link learningCost}), `Retry-After`
 * (believed up to `maxRetryAfterMs` by `serverWait`, exactly at it included; a longer one stops) or
 * the backoff, the deadline (judged by the failed attempt's duration), then the guard's retry budget.
 * `learningRetries`: the retries of this call on this model that spent none of `maxRetries` so far.
 */
export async function decideRetry({
  error,
  info,
  settings,
  durationMs,
  deadline,
  learningRetries = 0,
}: {
  error: AlayaError;
  info: AttemptInfo;
  settings: ResolvedOptions<ModelRef>;
  durationMs: number;
  deadline: Deadline | undefined;
  learningRetries?: number;
}): Promise<RetryDecision> {
  const model = { provider: info.provider, modelId: info.modelId };
  const override = await callHook(settings.shouldRetry, error, { attempt: info.attempt, model });
  if (!(typeof override === 'boolean' ? override : error.isRetryable)) {
    return { retry: false, reason: 'not_retryable' };
  }
  const learning = learningCost(error, info, learningRetries);
  if (!learning && info.attempt - learningRetries > settings.maxRetries)
    return { retry: false, reason: 'max_retries' };

  const serverDelay = settings.respectRetryAfter
    ? serverWait(error.retryAfterMs, settings.maxRetryAfterMs)
    : undefined;
  if (serverDelay?.beyondCap) {
    return {
      retry: false,
      reason: 'retry_after_too_long',
      note: `the server asked to retry after ${Math.round(error.retryAfterMs ?? 0)} ms, more than maxRetryAfterMs (${settings.maxRetryAfterMs} ms)`,
    };
  }
  const delayMs =
    serverDelay !== undefined
      ? Math.ceil(serverDelay.ms)
      : computeBackoffDelay(info.attempt - 1, settings);

  if (deadline?.passedIn(delayMs + durationMs)) return { retry: false, reason: 'deadline' };

  const allowed = await callHook(e => settings.guard.allowRetry(e), { ...info, error });
  if (allowed === false) {
    return { retry: false, reason: 'retry_budget', note: 'retry budget exhausted' };
  }
  return {
    retry: true,
    delayMs,
    serverDelay: serverDelay !== undefined,
    ...(learning ? { learning: true as const } : {}),
  };
}
