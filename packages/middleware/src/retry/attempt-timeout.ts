import type { ModelRef } from '../attempt-guard';
import { TimeoutError } from '../errors/network-errors';

/** A per-attempt timeout: the option that set it, its length and what it waits for. */
export interface AttemptTimeout {
  option: 'attemptTimeoutMs' | 'firstContentTimeoutMs';
  ms: number;
  /** What did not arrive in time, e.g. `'response'`. */
  waitingFor: string;
}

/** The retryable `TimeoutError` of an attempt cut by `timeout` (no key, no body: nothing to redact). */
export function attemptTimeoutError(
  timeout: AttemptTimeout,
  model: ModelRef,
  extra: { hint: string; requestId?: string },
): TimeoutError {
  return new TimeoutError({
    message: `No ${timeout.waitingFor} within ${timeout.option} (${timeout.ms} ms)`,
    isRetryable: true,
    ...model,
    ...extra,
  });
}

/** The per-attempt timeout of a call: `attemptTimeoutMs` for generate, `firstContentTimeoutMs` for streams. */
export function attemptTimeoutFor(
  operation: 'generate' | 'stream',
  settings: { attemptTimeoutMs?: number; firstContentTimeoutMs?: number },
): AttemptTimeout | undefined {
  if (operation === 'generate') {
    return settings.attemptTimeoutMs === undefined
      ? undefined
      : { option: 'attemptTimeoutMs', ms: settings.attemptTimeoutMs, waitingFor: 'response' };
  }
  return settings.firstContentTimeoutMs === undefined
    ? undefined
    : {
        option: 'firstContentTimeoutMs',
        ms: settings.firstContentTimeoutMs,
        waitingFor: 'content',
      };
}
