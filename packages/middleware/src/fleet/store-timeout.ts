/** Slices a store call's time limit is measured in (see {@link withStoreTimeout}). */
const SLICES = 4;

/**
 * Rejects when `promise` has not settled within `ms` of the store's own time, and settles as
 * `promise` does otherwise. The limit is measured in slices of `ms / 4` on timers, and each slice
 * counts for its nominal length however late its timer fires: time the event loop spent blocked
 * (a cold or busy process, a burst of callers) is this process's lag, not the store's slowness, and
 * does not count. After the last slice the rejection waits one more timer turn, so an answer that
 * arrived meanwhile is read first.
 */
export function withStoreTimeout<T>(
  promise: Promise<T>,
  ms: number,
  operation: string,
): Promise<T> {
  const slice = Math.max(1, Math.ceil(ms / SLICES));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let counted = 0;
  const timeout = new Promise<never>((_, reject) => {
    const arm = () => {
      const step = Math.min(slice, ms - counted);
      timer = setTimeout(() => {
        counted += step;
        if (counted < ms) return arm();
        timer = setTimeout(
          () => reject(new Error(`store.${operation} took longer than ${ms}ms`)),
          0,
        );
      }, step);
    };
    arm();
  });
  promise.catch(() => {}); // a late rejection after the timeout must not go unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
