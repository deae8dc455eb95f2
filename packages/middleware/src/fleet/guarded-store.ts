import { callHook } from '../util/call-hook';
import { createCoalescer } from './coalesce';
import { createMemoryStore } from './memory-store';
import type {
  RateAdjustment,
  RateBucketConfig,
  RateBucketState,
  RateCost,
  RateTakeResult,
  ResilienceStore,
  TokenBucketConfig,
} from './resilience-store';
import { withStoreTimeout } from './store-timeout';

/** Passed to `onStoreError` once when the shared store starts failing. */
export interface StoreErrorEvent {
  /** What the store threw (or a timeout `Error`). */
  error: unknown;
  /** The store method that failed, e.g. `getCooldown`. */
  operation: keyof ResilienceStore;
  /** How long calls use local state before the store is tried again, in ms. */
  retryInMs: number;
}

/** Health of the shared store as the fleet guard sees it. */
export interface StoreHealth {
  /** `false` while calls use local state because the store failed. */
  healthy: boolean;
  /** When the current degradation started (epoch ms). */
  degradedSince?: number;
  /** Message of the error that started it. */
  lastError?: string;
}

/** Options of {@link createGuardedStore}. */
export interface GuardedStoreOptions {
  /** Bound on every store call, in ms. */
  timeoutMs: number;
  /** After a failure, how long to use local state before trying the store again, in ms. */
  retryMs: number;
  /** Called once per outage (again only after the store has worked in between). */
  onStoreError?: (event: StoreErrorEvent) => void;
}

/**
 * A store wrapper that never fails and never waits longer than its timeout. Its rate-bucket methods
 * take the bucket to use locally while the shared store is down (`alone`: this instance's share of
 * the rates), since one instance alone must not pace at the whole fleet's limit; an answer from
 * that local bucket says so (`alone: true`).
 */
export interface GuardedStore extends ResilienceStore {
  health(): StoreHealth;
  takeFromRateBucket(
    key: string,
    cost: RateCost,
    bucket: RateBucketConfig & { maxWaitMs: number },
    alone?: RateBucketConfig & { maxWaitMs: number },
  ): Promise<RateTakeResult & { alone?: true }>;
  adjustRateBucket(
    key: string,
    change: RateAdjustment,
    bucket: RateBucketConfig,
    alone?: RateBucketConfig,
  ): Promise<RateBucketState & { alone?: true }>;
}

/**
 * Wraps a shared store so that a failure (error, or no answer within `timeoutMs` of the store's own
 * time) falls back to local memory: the call goes on with this instance's own state, `onStoreError`
 * hears about it once, and the store is left alone for `retryMs` so that an outage costs at most one
 * timeout per `retryMs`. Cooldowns are also kept locally, so an instance keeps honouring the ones it
 * knew about when the store goes away. Concurrent calls at one key share one round trip
 * ({@link createCoalescer}): a burst of callers costs two, not one per caller.
 */
export function createGuardedStore(
  shared: ResilienceStore,
  options: GuardedStoreOptions,
): GuardedStore {
  const local = createMemoryStore();
  const coalesce = createCoalescer();
  let skipUntil = 0;
  let degradedSince: number | undefined;
  let lastError: string | undefined;
  /** Counts outages; a call only proves recovery when it started during the current one. */
  let outage = 0;

  async function run<T>(
    operation: keyof ResilienceStore,
    remote: () => Promise<T>,
    fallback: () => Promise<T>,
  ): Promise<T> {
    if (Date.now() < skipUntil) return fallback();
    const startedIn = outage;
    try {
      const value = await remote();
      if (startedIn === outage) degradedSince = undefined;
      return value;
    } catch (error) {
      skipUntil = Date.now() + options.retryMs;
      if (degradedSince === undefined) {
        outage++;
        degradedSince = Date.now();
        lastError = error instanceof Error ? error.message : String(error);
        void callHook(options.onStoreError, { error, operation, retryInMs: options.retryMs });
      }
      return fallback();
    }
  }

  /** One bounded round trip of `operation` for every call at `id` made while another is in flight. */
  function shareTrip<A, T>(
    operation: keyof ResilienceStore,
    id: string,
    arg: A,
    merge: (queued: A, next: A) => A,
    send: (arg: A) => Promise<T>,
  ): Promise<T> {
    return coalesce(`${operation}\u0000${id}`, arg, merge, merged =>
      withStoreTimeout(send(merged), options.timeoutMs, operation),
    );
  }

  const same = <A>(queued: A) => queued;
  const bucketId = (key: string, bucket: TokenBucketConfig) =>
    `${key}\u0000${bucket.capacity}\u0000${bucket.ttlMs}`;

  return {
    health: () =>
      degradedSince === undefined
        ? { healthy: true }
        : { healthy: false, degradedSince, ...(lastError === undefined ? {} : { lastError }) },
    async getCooldown(key) {
      const [mine, theirs] = await Promise.all([
        local.getCooldown(key),
        run(
          'getCooldown',
          () => shareTrip('getCooldown', key, undefined, same, () => shared.getCooldown(key)),
          async () => 0,
        ),
      ]);
      return Math.max(mine, theirs);
    },
    async extendCooldown(key, durationMs) {
      const mine = await local.extendCooldown(key, durationMs);
      return run(
        'extendCooldown',
        () =>
          shareTrip('extendCooldown', key, durationMs, Math.max, ms =>
            shared.extendCooldown(key, ms),
          ),
        async () => mine,
      );
    },
    takeTokens: (key, cost, bucket) =>
      run(
        'takeTokens',
        // Reads (cost 0) share a round trip; a take must be granted or refused on its own.
        () =>
          cost === 0
            ? shareTrip('takeTokens', bucketId(key, bucket), 0, same, () =>
                shared.takeTokens(key, 0, bucket),
              )
            : withStoreTimeout(
                shared.takeTokens(key, cost, bucket),
                options.timeoutMs,
                'takeTokens',
              ),
        () => local.takeTokens(key, cost, bucket),
      ),
    addTokens: (key, amount, bucket) =>
      run(
        'addTokens',
        () =>
          shareTrip(
            'addTokens',
            bucketId(key, bucket),
            amount,
            (a, b) => a + b,
            sum => shared.addTokens(key, sum, bucket),
          ),
        () => local.addTokens(key, amount, bucket),
      ),
    getBreaker: key =>
      run(
        'getBreaker',
        () => shareTrip('getBreaker', key, undefined, same, () => shared.getBreaker(key)),
        () => local.getBreaker(key),
      ),
    compareAndSetBreaker: (key, version, record, ttlMs) =>
      run(
        'compareAndSetBreaker',
        () =>
          withStoreTimeout(
            shared.compareAndSetBreaker(key, version, record, ttlMs),
            options.timeoutMs,
            'compareAndSetBreaker',
          ),
        () => local.compareAndSetBreaker(key, version, record, ttlMs),
      ),
    // One round trip per admission: each take is granted or refused on its own.
    takeFromRateBucket: (key, cost, bucket, alone = bucket) =>
      run<RateTakeResult & { alone?: true }>(
        'takeFromRateBucket',
        () =>
          withStoreTimeout(
            shared.takeFromRateBucket(key, cost, bucket),
            options.timeoutMs,
            'takeFromRateBucket',
          ),
        async () => ({ ...(await local.takeFromRateBucket(key, cost, alone)), alone: true }),
      ),
    adjustRateBucket: (key, change, bucket, alone = bucket) =>
      run<RateBucketState & { alone?: true }>(
        'adjustRateBucket',
        () =>
          withStoreTimeout(
            shared.adjustRateBucket(key, change, bucket),
            options.timeoutMs,
            'adjustRateBucket',
          ),
        async () => ({ ...(await local.adjustRateBucket(key, change, alone)), alone: true }),
      ),
  };
}
