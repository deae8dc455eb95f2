import { setLongTimeout } from '../util/sleep';

/** What {@link IdleWatch.read} gives when no part arrived in time: the reason the reader was cancelled with. */
export interface Idle {
  idle: unknown;
}

/** Reads one stream with an idle bound; see {@link idleWatch}. */
export interface IdleWatch<T> {
  /**
   * The next part, or {@link Idle} when none arrived within `ms` of waiting: the reader is then
   * cancelled (which settles the pending read) and the timer stopped.
   */
  read(): Promise<ReadableStreamReadResult<T> | Idle>;
  /** Stops the timer: the stream ended, failed or was cancelled (reading on needs no call). */
  stop(): void;
}

/**
 * The one home of "a read bounded by an idle time": reads `reader` with at most `ms` of waiting per
 * part (no timer when `ms` is undefined), on one timer for the whole stream instead of one per part.
 * A read notes when it started; the timer, armed when a read starts and none is, re-arms itself for
 * what is left of the pending read's `ms` and only then cancels the reader with `reason()` (built
 * once). The clock runs only while a read waits, so a slow consumer never makes the upstream look
 * idle. The timer is stopped when the stream ends, fails or idles, and by {@link IdleWatch.stop}.
 */
export function idleWatch<T>(
  reader: ReadableStreamDefaultReader<T>,
  ms: number | undefined,
  reason: () => unknown,
): IdleWatch<T> {
  if (ms === undefined) return { read: () => reader.read(), stop() {} };
  /** When the pending read started; undefined while none is pending. */
  let since: number | undefined;
  let idled: Idle | undefined;
  let cancel: (() => void) | undefined;
  const stop = (): void => {
    since = undefined;
    cancel?.();
    cancel = undefined;
  };
  const fire = (): void => {
    cancel = undefined;
    if (since === undefined || idled !== undefined) return;
    const left = since + ms - Date.now();
    if (left > 0) {
      cancel = setLongTimeout(fire, left);
      return;
    }
    idled = { idle: reason() };
    reader.cancel(idled.idle).catch(() => {});
  };
  const settled = (result: ReadableStreamReadResult<T>): ReadableStreamReadResult<T> | Idle => {
    if (idled !== undefined || result.done) {
      stop();
      return idled ?? result;
    }
    since = undefined;
    return result;
  };
  return {
    read() {
      if (idled !== undefined) return Promise.resolve(idled);
      since = Date.now();
      cancel ??= setLongTimeout(fire, ms);
      return reader.read().then(settled, (error: unknown) => {
        stop();
        if (idled !== undefined) return idled;
        throw error;
      });
    },
    stop,
  };
}
