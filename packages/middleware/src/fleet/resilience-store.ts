/**
 * The state that instances share: cooldowns, retry-budget tokens, circuit-breaker records and the
 * pacer's rate buckets.
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
  /**
   * The pacer's admission, atomic and in one round trip: refills the rate bucket at `key` (requests
   * and tokens per minute, see {@link RateBucketConfig}) and takes `cost` from it when the wait
   * until the bucket has paid for it is at most `bucket.maxWaitMs`. The take is a reservation: the
   * counts may go negative, and the caller sends after `waitMs`. Refused (`granted: false`): nothing
   * is taken, and `waitMs` says how long it would have had to wait. A take in a lane
   * (`cost.lane`) may instead be parked (`parked: true`): nothing is taken, and the caller comes
   * back after `waitMs`, its estimated turn, with `cost.parked` (see {@link PaceLane}). The store's own clock measures
   * the refill (Redis: its `TIME`), so instances whose clocks disagree share one bucket correctly.
   */
  takeFromRateBucket(
    key: string,
    cost: RateCost,
    bucket: RateBucketConfig & { maxWaitMs: number },
  ): Promise<RateTakeResult>;
  /**
   * Corrects the rate bucket at `key` without waiting: adds `change.requests` / `change.tokens`
   * (negative to take more, e.g. when a call used more tokens than estimated; positive to give back,
   * e.g. an admission that was never sent), capped at capacity, then lowers the counts to
   * `atMostRequests` / `atMostTokens` (what the server says is left). Records `bucket.limits`.
   */
  adjustRateBucket(
    key: string,
    change: RateAdjustment,
    bucket: RateBucketConfig,
  ): Promise<RateBucketState>;
}

/**
 * The rates and size of a pacer's bucket. The rates given are recorded in the bucket, so instances
 * that have not learned them yet pace at the rates another instance learned.
 */
export interface RateBucketConfig {
  /**
   * Requests and tokens per minute. A field given replaces the recorded rate; a field left out keeps
   * it; a dimension with no rate at all is not limited.
   */
  limits?: { rpm?: number; tpm?: number };
  /** A full bucket holds this much of the rate (at least one request or token), in ms. */
  burstMs: number;
  /** How long the bucket and its rates outlive its last use (longer while it refills), in ms. */
  ttlMs: number;
}

/**
 * The lane of a paced call. `interactive` (a person is waiting) reserves its slot as far ahead as
 * its wait allows, and goes ahead of the background slots reserved and not yet sent (any
 * instance's: their callers claim them before sending); `background` reserves at most about a slot
 * ahead and otherwise parks until its estimated turn. So an interactive call waits at most about
 * one slot, whatever the background queue holds.
 */
export type PaceLane = 'interactive' | 'background';

/** What one admission takes: one request and its estimated tokens. */
export interface RateCost {
  requests: number;
  tokens: number;
  /** Its lane; absent: no lanes nor tenants (first come, first served, one reservation). */
  lane?: PaceLane;
  /**
   * Its tenant's hash (a short `[0-9a-z_-]` string, never the raw id; `''`: no tenant). Under
   * contention each active tenant of a lane gets an equal share of its slots.
   */
  tenant?: string;
  /** The caller comes back from a park (its place in the tenant's count of parked takes ends). */
  parked?: boolean;
  /**
   * The take's id (1 to 32 characters of `[A-Za-z0-9_-]`, unique across instances): a background
   * take granted ahead is recorded under it (`reserved`), so an interactive take of any instance
   * may move it later; its caller claims it before sending (`RateAdjustment.claim`).
   */
  id?: string;
}

/** A correction of a rate bucket (see {@link ResilienceStore.adjustRateBucket}). */
export interface RateAdjustment {
  /** Requests given back (positive) or taken (negative). */
  requests?: number;
  /** Tokens given back (positive) or taken (negative). */
  tokens?: number;
  /** Lower the requests available to this (e.g. `x-ratelimit-remaining-requests`). */
  atMostRequests?: number;
  /** Lower the tokens available to this (e.g. `x-ratelimit-remaining-tokens`). */
  atMostTokens?: number;
  /** A parked take of this lane and tenant will not come back (its caller aborted): its place goes. */
  unpark?: { lane: PaceLane; tenant: string };
  /**
   * The `requests` given back were a granted take of this lane and tenant that was not sent (its
   * caller aborted in its slot): the tenant's count of slots taken goes back as well, and its
   * reservation `id` is forgotten (no interactive take goes at a slot given back).
   */
  untake?: { lane: PaceLane; tenant: string; id?: string };
  /**
   * The id of a `reserved` take whose slot came: it is forgotten and the caller sends, unless an
   * interactive take moved it later (the answer's `movedMs`: the caller waits that and claims again).
   */
  claim?: string;
}

/** A rate bucket after an operation. */
export interface RateBucketState {
  /** Requests available now; negative while admissions are reserved ahead. Absent: not limited. */
  requests?: number;
  /** Tokens available now, likewise. Absent: not limited. */
  tokens?: number;
  /** The recorded requests per minute. */
  rpm?: number;
  /** The recorded tokens per minute. */
  tpm?: number;
  /**
   * Requests taken by every instance, decayed with a time constant of one minute (about the
   * requests of the last minute at a steady rate).
   */
  recentRequests: number;
  /** After a `claim`: an interactive take moved the slot this much later, in ms (absent: send now). */
  movedMs?: number;
}

/** Result of {@link ResilienceStore.takeFromRateBucket}. */
export interface RateTakeResult extends RateBucketState {
  /** Whether the cost was taken. */
  granted: boolean;
  /**
   * How long to wait before sending (granted), before coming back (parked), or the wait that was
   * refused, in ms.
   */
  waitMs: number;
  /** Not taken yet: come back after `waitMs` with `cost.parked` (only a take with a lane). */
  parked?: boolean;
  /**
   * A background take granted ahead, recorded under `cost.id`: an interactive take may move its
   * slot later, so the caller claims it (`RateAdjustment.claim`) when it comes, before sending.
   */
  reserved?: boolean;
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
