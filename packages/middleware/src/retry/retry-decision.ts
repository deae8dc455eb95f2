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
    }
  | { retry: false; reason: AlayaExhaustedReason; note?: string };

/**
 * Decides on a retry of the same model after `error`: `shouldRetry` (else `isRetryable`),
 * `maxRetries`, `Retry-After` (believed up to `maxRetryAfterMs` by `serverWait`, exactly at it
 * included; a longer one stops) or the backoff, the deadline (judged by the failed attempt's
 * duration), then the guard's retry budget.
 */
export async function decideRetry({
  error,
  info,
  settings,
  durationMs,
  deadline,
}: {
  error: AlayaError;
  info: AttemptInfo;
  settings: ResolvedOptions<ModelRef>;
  durationMs: number;
  deadline: Deadline | undefined;
}): Promise<RetryDecision> {
  const model = { provider: info.provider, modelId: info.modelId };
  const override = await callHook(settings.shouldRetry, error, { attempt: info.attempt, model });
  if (!(typeof override === 'boolean' ? override : error.isRetryable)) {
    return { retry: false, reason: 'not_retryable' };
  }
  if (info.attempt > settings.maxRetries) return { retry: false, reason: 'max_retries' };

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
  return { retry: true, delayMs, serverDelay: serverDelay !== undefined };
}
