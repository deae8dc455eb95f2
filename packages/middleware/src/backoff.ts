/** Settings of the exponential backoff between attempts. */
export interface BackoffSettings {
  /** Delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** Multiplier per further retry. */
  backoffFactor: number;
  /** Upper bound of the computed delay, before jitter. */
  maxDelayMs: number;
  /** `'full'`: a uniformly random delay in `[0, computed)`; `'none'`: the computed delay. */
  jitter: 'full' | 'none';
}

/**
 * Delay before retry number `retryIndex + 1`: `min(maxDelayMs, initialDelayMs * backoffFactor^retryIndex)`,
 * then full jitter when enabled.
 *
 * @param random - Source of randomness in `[0, 1)` (defaults to `Math.random`).
 */
export function computeBackoffDelay(
  retryIndex: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponential = settings.initialDelayMs * settings.backoffFactor ** retryIndex;
  const capped = Math.min(
    settings.maxDelayMs,
    Number.isFinite(exponential) ? exponential : settings.maxDelayMs,
  );
  if (settings.jitter === 'none') return capped;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * capped);
}

/** Longest delay a timer takes as it is (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Waits `ms` milliseconds. Rejects at once, with the signal's reason (or an `AbortError`), when
 * `signal` is or becomes aborted; the timer is cleared then.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    // Timers fire at once for delays past 2^31 - 1 ms: longer waits are chained.
    let remaining = ms;
    const arm = () => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) return arm();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };
    arm();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The signal's reason, or a `DOMException` named `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
