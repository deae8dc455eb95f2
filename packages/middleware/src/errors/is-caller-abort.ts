/**
 * True when `error` is (or comes from) the caller's abort: the caller's signal is aborted, or the
 * error is an `AbortError`. Such errors are rethrown as they are: never mapped, retried or delayed.
 */
export function isCallerAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  if (error == null || typeof error !== 'object') return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || name === 'ResponseAborted';
}
