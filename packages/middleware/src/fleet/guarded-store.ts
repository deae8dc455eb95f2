import { callHook } from '../util/call-hook';
import { createMemoryStore } from './memory-store';
import type { ResilienceStore } from './resilience-store';

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

/** A store wrapper that never fails and never waits longer than its timeout. */
export interface GuardedStore extends ResilienceStore {
  health(): StoreHealth;
}

/**
 * Wraps a shared store so that a failure (error, or no answer within `timeoutMs`) falls back to
 * local memory: the call goes on with this instance's own state, `onStoreError` hears about it
 * once, and the store is left alone for `retryMs` so that an outage costs at most one timeout per
 * `retryMs`. Cooldowns are also kept locally, so an instance keeps honouring the ones it knew
 * about when the store goes away.
 */
export function createGuardedStore(
  shared: ResilienceStore,
  options: GuardedStoreOptions,
): GuardedStore {
  const local = createMemoryStore();
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
      const value = await withTimeout(remote(), options.timeoutMs, operation);
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
          () => shared.getCooldown(key),
          async () => 0,
        ),
      ]);
      return Math.max(mine, theirs);
    },
    async extendCooldown(key, durationMs) {
      const mine = await local.extendCooldown(key, durationMs);
      return run(
        'extendCooldown',
        () => shared.extendCooldown(key, durationMs),
        async () => mine,
      );
    },
    takeTokens: (key, cost, bucket) =>
      run(
        'takeTokens',
        () => shared.takeTokens(key, cost, bucket),
        () => local.takeTokens(key, cost, bucket),
      ),
    addTokens: (key, amount, bucket) =>
      run(
        'addTokens',
        () => shared.addTokens(key, amount, bucket),
        () => local.addTokens(key, amount, bucket),
      ),
    getBreaker: key =>
      run(
        'getBreaker',
        () => shared.getBreaker(key),
        () => local.getBreaker(key),
      ),
    compareAndSetBreaker: (key, version, record, ttlMs) =>
      run(
        'compareAndSetBreaker',
        () => shared.compareAndSetBreaker(key, version, record, ttlMs),
        () => local.compareAndSetBreaker(key, version, record, ttlMs),
      ),
  };
}

/**
 * Rejects when `promise` has not settled after `ms`. When the timer fires, the rejection waits one
 * more timer turn: if the event loop was blocked (a busy or cold instance), an answer that already
 * arrived is delivered first instead of being counted as a store failure.
 */
function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timer = setTimeout(() => reject(new Error(`store.${operation} took longer than ${ms}ms`)), 0);
    }, ms);
  });
  promise.catch(() => {}); // a late rejection after the timeout must not go unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
