import { type Within, within } from '../util/within';

/** What {@link readWithin} returns when no part arrived in time. */
export const IDLE = Symbol('idle');

const partOrIdle = <T>(next: Within<T>): T | typeof IDLE => ('value' in next ? next.value : IDLE);

/**
 * Reads the next part of `reader`, or gives {@link IDLE} when none arrives within `ms` (no bound when
 * `ms` is undefined). The timer is cleared either way. After `IDLE` the read is still pending: the
 * caller cancels the reader, which settles it (its outcome is then ignored, never unhandled).
 * The clock runs only while the consumer waits, so a slow consumer never makes the upstream look idle.
 */
export function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  ms: number | undefined,
): Promise<ReadableStreamReadResult<T> | typeof IDLE> {
  if (ms === undefined) return reader.read();
  return within(reader.read(), { ms }).then(partOrIdle);
}
