/** How much of a server's wait one consumer believes. */
export interface ServerWait {
  /** The wait believed, in ms: finite, at least 0, at most the consumer's cap. */
  ms: number;
  /** The server asked for more than the cap (a wait exactly at the cap is within it). */
  beyondCap: boolean;
}

/**
 * The one rule for how long a wait a server gives (`Retry-After`, `retry-after-ms`,
 * `x-ratelimit-reset-*`) is believed: a finite number, 0 when negative, cut to `capMs` (the retry
 * loop's `maxRetryAfterMs`, the shared cooldown's `maxCooldownMs`, the pacer's window). `undefined`
 * when there is no wait or it is not a finite number: it is then not believed at all.
 */
export function serverWait(ms: number | undefined, capMs: number): ServerWait | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  const wait = Math.max(0, ms);
  return wait > capMs
    ? { ms: Math.max(0, capMs), beyondCap: true }
    : { ms: wait, beyondCap: false };
}
