/**
 * The state that instances share: cooldowns, retry-budget tokens and circuit-breaker records.
 *
 * Every method is async and atomic on its own (the Redis store runs each one as a Lua script).
 * Durations are relative milliseconds, never wall-clock times, so instances whose clocks disagree
 * still agree on how long a cooldown lasts. Every key the store writes carries a TTL: nothing
 * lingers once traffic stops. `createMemoryStore()` is the one-process default;
 * `@alaya-code/ai-sdk-store-redis` shares the state through Redis.
 *
 * A store may throw or hang: the fleet guard bounds each call with a timeout and falls back to local
 * memory, so an implementation does not need its own fallback.
 */
export interface ResilienceStore {
  /** Milliseconds left on the cooldown at `key`, or 0 when there is none. */
  getCooldown(key: string): Promise<number>;
  /**
   * Makes the cooldown at `key` last at least `durationMs` from now (never shortens a longer one)
   * and returns the milliseconds now left on it.
   */
  extendCooldown(key: string, durationMs: number): Promise<number>;
  /**
   * Takes `cost` tokens from the bucket at `key` when it holds at least that many.
   * A missing bucket counts as full (`capacity`). The bucket's TTL is reset to `ttlMs`.
   * A `cost` of 0 only reads the count (and writes nothing).
   */
  takeTokens(key: string, cost: number, bucket: TokenBucketConfig): Promise<TokenTakeResult>;
  /**
   * Adds `amount` tokens to the bucket at `key`, capped at `capacity`, and returns the new count.
   * A bucket that becomes full may be deleted (a missing bucket counts as full).
   */
  addTokens(key: string, amount: number, bucket: TokenBucketConfig): Promise<number>;
  /** Reads the breaker record at `key` with its version (version 0 and no record when absent). */
  getBreaker(key: string): Promise<VersionedBreakerRecord>;
  /**
   * Writes `record` at `key` only when the stored version still equals `expectedVersion`
   * (compare-and-set). `record: undefined` deletes it. Returns whether the write happened.
   */
  compareAndSetBreaker(
    key: string,
    expectedVersion: number,
    record: BreakerRecord | undefined,
    ttlMs: number,
  ): Promise<boolean>;
}

/** Size and lifetime of a token bucket. */
export interface TokenBucketConfig {
  /** Tokens in a full bucket (also the count of a missing bucket). */
  capacity: number;
  /** How long an untouched bucket lives before it counts as full again. */
  ttlMs: number;
}

/** Result of {@link ResilienceStore.takeTokens}. */
export interface TokenTakeResult {
  /** Whether the tokens were taken. */
  granted: boolean;
  /** Tokens left in the bucket after the call. */
  remaining: number;
}

/** Circuit-breaker state. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * What the store keeps per breaker. Times are epoch milliseconds of the instance that wrote them;
 * the breaker's windows (seconds) are far longer than normal clock skew between instances.
 */
export interface BreakerRecord {
  state: BreakerState;
  /** Failures counted in the current window (closed state). */
  failures: number;
  /** When the first failure of the current window happened. */
  windowStartedAt?: number;
  /** When the breaker last opened. */
  openedAt?: number;
  /** Half-open: until when the single probe's lease runs; another probe may start after it. */
  probeUntil?: number;
}

/** A breaker record with its compare-and-set version. */
export interface VersionedBreakerRecord {
  record?: BreakerRecord;
  /** 0 when no record is stored. */
  version: number;
}
