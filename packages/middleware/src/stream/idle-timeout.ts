import type { ModelRef } from '../attempt-guard';
import type { AlayaErrorKind } from '../errors/alaya-error-options';
import { hintFor } from '../errors/hints';
import { TimeoutError } from '../errors/network-errors';
import { setLongTimeout } from '../util/sleep';

/** What {@link readWithin} returns when no part arrived in time. */
export const IDLE = Symbol('idle');

/**
 * Reads the next part of `reader`, or gives {@link IDLE} when none arrives within `ms` (no bound when
 * `ms` is undefined). The timer is cleared either way. After `IDLE` the read is still pending: the
 * caller cancels the reader, which settles it (its outcome is then ignored, never unhandled).
 * The clock runs only while the consumer waits, so a slow consumer never makes the upstream look idle.
 */
export async function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  ms: number | undefined,
): Promise<ReadableStreamReadResult<T> | typeof IDLE> {
  if (ms === undefined) return reader.read();
  let clear: () => void = () => {};
  const idle = new Promise<typeof IDLE>(resolve => {
    clear = setLongTimeout(() => resolve(IDLE), ms);
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } finally {
    clear();
  }
}

/**
 * The `TimeoutError` of a stream that went quiet after content (`idleTimeoutMs`). Retryable like any
 * timeout; no key, no body: nothing to redact. `errorContext.hints.timeout` wins over the default hint.
 */
export function idleTimeoutError(
  ms: number,
  model: ModelRef,
  hints: Partial<Record<AlayaErrorKind, string>> | undefined,
): TimeoutError {
  return new TimeoutError({
    message: `No stream part within idleTimeoutMs (${ms} ms) after content`,
    isRetryable: true,
    hint: hints?.timeout ?? hintFor('timeout', model.provider),
    ...model,
  });
}
