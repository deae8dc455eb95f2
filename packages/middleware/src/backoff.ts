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
