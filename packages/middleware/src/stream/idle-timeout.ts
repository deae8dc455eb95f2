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
