import { within } from '../util/within';

/**
 * Rejects when `promise` has not settled within `ms` of the store's own time, and settles as
 * `promise` does otherwise. The limit runs on the lag-free clock of {@link within}: time the event
 * loop spent blocked (a cold or busy process, a burst of callers) is this process's lag, not the
 * store's slowness, and does not count; an answer that arrived by the limit is read first.
 */
export async function withStoreTimeout<T>(
  promise: Promise<T>,
  ms: number,
  operation: string,
): Promise<T> {
  const settled = await within(promise, { ms, clock: 'lag-free' });
  if ('value' in settled) return settled.value;
  throw new Error(`store.${operation} took longer than ${ms}ms`);
}
