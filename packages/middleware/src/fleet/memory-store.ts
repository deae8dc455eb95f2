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

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** Entry count that triggers the first sweep of expired entries (then twice the live count). */
const FIRST_SWEEP_AT = 1000;

/**
 * A {@link ResilienceStore} in this process's memory: the default, shared by every call that uses
 * the same store object (one process, one Edge isolate). Entries expire like Redis keys do.
 */
export function createMemoryStore(): ResilienceStore {
  const entries = new Map<string, Entry>();
  let sweepAt = FIRST_SWEEP_AT;

  function read<T>(key: string): T | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  function write(key: string, value: unknown, ttlMs: number): void {
    const now = Date.now();
    if (entries.size >= sweepAt && !entries.has(key)) {
      for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
      sweepAt = Math.max(FIRST_SWEEP_AT, entries.size * 2);
    }
    // The one place a TTL enters: never NaN or Infinity, so every entry expires.
    entries.set(key, { value, expiresAt: now + storeTtlMs(ttlMs) });
  }

  function tokens(key: string, bucket: TokenBucketConfig): number {
    return read<number>(key) ?? bucket.capacity;
  }

  function cooldownLeft(key: string): number {
    const entry = entries.get(key);
    if (entry === undefined) return 0;
    const left = entry.expiresAt - Date.now();
    if (left <= 0) entries.delete(key);
    return Math.max(0, left);
  }

  return {
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
      adjustRateBucket(state, change, bucket.burstMs);
      save(key, state, bucket);
      return rateBucketState(state);
    },
  };

  function save(key: string, state: StoredRateBucket, bucket: RateBucketConfig): void {
    write(key, state, rateBucketTtl(state, bucket));
  }
}
