import { createBoundedMap } from '../util/bounded-map';
import {
  adjustRateBucket,
  rateBucketState,
  rateBucketTtl,
  rateTakeResult,
  refillRateBucket,
  type StoredRateBucket,
  takeFromRateBucket,
} from './rate-bucket';
import type {
  BreakerRecord,
  RateBucketConfig,
  ResilienceStore,
  TokenBucketConfig,
  TokenTakeResult,
  VersionedBreakerRecord,
} from './resilience-store';
import { storeTtlMs } from './store-ttl';

/** Most entries a memory store holds (about 3 per model and API key): the least recently used go first. */
export const MAX_STORE_ENTRIES = 10_000;

/** A {@link ResilienceStore} in memory, with the count of what it holds. */
export interface MemoryStore extends ResilienceStore {
  /** Live entries now (at most {@link MAX_STORE_ENTRIES}). */
  size(): number;
}

/**
 * A {@link ResilienceStore} in this process's memory: the default, shared by every call that uses
 * the same store object (one process, one Edge isolate). Entries expire like Redis keys do, and at
 * most {@link MAX_STORE_ENTRIES} are kept (model ids are the caller's to choose).
 */
export function createMemoryStore(): MemoryStore {
  const entries = createBoundedMap<string, unknown>(MAX_STORE_ENTRIES, 0);
  const read = <T>(key: string) => entries.get(key) as T | undefined;
  // The one place a TTL enters: never NaN or Infinity, so every entry expires.
  const write = (key: string, value: unknown, ttlMs: number) =>
    entries.set(key, value, storeTtlMs(ttlMs));

  function tokens(key: string, bucket: TokenBucketConfig): number {
    return read<number>(key) ?? bucket.capacity;
  }

  const cooldownLeft = (key: string) => entries.ttlLeft(key);

  return {
    size: () => entries.size(),
    async getCooldown(key) {
      return cooldownLeft(key);
    },

    async extendCooldown(key, durationMs) {
      const ms = storeTtlMs(durationMs);
      const left = cooldownLeft(key);
      if (left >= ms) return left;
      write(key, true, ms);
      return ms;
    },

    async takeTokens(key, cost, bucket): Promise<TokenTakeResult> {
      const current = tokens(key, bucket);
      if (current < cost) return { granted: false, remaining: current };
      if (cost === 0) return { granted: true, remaining: current };
      write(key, current - cost, bucket.ttlMs);
      return { granted: true, remaining: current - cost };
    },

    async addTokens(key, amount, bucket) {
      const next = Math.min(bucket.capacity, tokens(key, bucket) + amount);
      if (next >= bucket.capacity) entries.delete(key);
      else write(key, next, bucket.ttlMs);
      return next;
    },

    async getBreaker(key): Promise<VersionedBreakerRecord> {
      const stored = read<VersionedBreakerRecord>(key);
      return stored === undefined
        ? { version: 0 }
        : { record: { ...(stored.record as BreakerRecord) }, version: stored.version };
    },

    async compareAndSetBreaker(key, expectedVersion, record, ttlMs) {
      const version = read<VersionedBreakerRecord>(key)?.version ?? 0;
      if (version !== expectedVersion) return false;
      if (record === undefined) entries.delete(key);
      else write(key, { record: { ...record }, version: version + 1 }, ttlMs);
      return true;
    },

    async takeFromRateBucket(key, cost, bucket) {
      const state = refillRateBucket(read<StoredRateBucket>(key), bucket, Date.now());
      const taken = takeFromRateBucket(state, cost, bucket.maxWaitMs, bucket.burstMs);
      save(key, state, bucket);
      return rateTakeResult(state, taken);
    },

    async adjustRateBucket(key, change, bucket) {
      const state = refillRateBucket(read<StoredRateBucket>(key), bucket, Date.now());
      const claimed = adjustRateBucket(state, change, bucket.burstMs);
      save(key, state, bucket);
      return { ...rateBucketState(state), ...claimed };
    },
  };

  function save(key: string, state: StoredRateBucket, bucket: RateBucketConfig): void {
    write(key, state, rateBucketTtl(state, bucket));
  }
}
