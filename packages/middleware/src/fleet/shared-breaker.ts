import type { AttemptInfo } from '../attempt-guard';
import { circuitOpenError } from '../errors/circuit-open-error';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { callHook } from '../util/call-hook';
import {
  breakerAfterAbandonedProbe,
  breakerAfterFailure,
  breakerAfterSuccess,
  breakerTtlMs,
  decideBreaker,
  effectiveBreakerState,
  isIdleBreaker,
  type ResolvedCircuitBreaker,
} from './circuit-breaker';
import type { BreakerRecord, BreakerState, ResilienceStore } from './resilience-store';

/** Argument of `onBreakerStateChange`. */
export interface BreakerStateChangeEvent {
  modelId: string;
  provider: string;
  from: BreakerState;
  to: BreakerState;
}

/** What {@link createSharedBreaker} needs. */
export interface SharedBreakerSettings {
  store: ResilienceStore;
  breaker: ResolvedCircuitBreaker;
  /** Called with the event and the attempt it happened to (see `fleetEventHooks`). */
  onBreakerStateChange?: (event: BreakerStateChangeEvent, info: AttemptInfo) => void;
  /** Marks an error the guard made itself (it counts as nothing). */
  own: <E extends Error>(error: E) => E;
}

/** A model's circuit breaker, shared through the store with compare-and-set. */
export interface SharedBreaker {
  /**
   * Lets the attempt through or throws `CircuitOpenError`. Resolves the lease of the half-open
   * probe (its `probeUntil`) when the attempt is the probe, else `undefined`.
   */
  check(info: AttemptInfo, key: string): Promise<number | undefined>;
  /** The probe holding `lease` ended without an answer: the next attempt may probe at once. */
  abandonProbe(info: AttemptInfo, key: string, lease: number): Promise<void>;
  /** Counts the outcome of an attempt: a failure by `isFailure`, or an answer that shows the model is up. */
  record(info: AttemptInfo, key: string, error?: unknown): Promise<void>;
  /** The state and failure count a health endpoint shows. */
  state(key: string): Promise<{ breaker: BreakerState; breakerFailures: number }>;
}

const CAS_ATTEMPTS = 3;

/** The circuit breaker of {@link createFleetGuard}. */
export function createSharedBreaker(settings: SharedBreakerSettings): SharedBreaker {
  const { store, breaker, own } = settings;
  /** The last record this instance saw per key, to report state changes once. */
  const seen = createBoundedMap<string, BreakerRecord | undefined>(
    MAX_TRACKED_KEYS,
    breakerTtlMs(breaker),
  );

  function observe(info: AttemptInfo, key: string, record: BreakerRecord | undefined): void {
    const from = seen.get(key)?.state ?? 'closed';
    const to = record?.state ?? 'closed';
    seen.set(key, record);
    if (from !== to) {
      void callHook(
        settings.onBreakerStateChange,
        { modelId: info.modelId, provider: info.provider, from, to },
        info,
      );
    }
  }

  /**
   * Reads the record and lets `step` decide: `undefined` leaves it as it is, `{ next }` writes
   * `next` (an idle record is deleted) by compare-and-set, reading again after a lost race.
   * Returns whether it ended without losing every race.
   */
  async function transact(
    info: AttemptInfo,
    key: string,
    step: (record: BreakerRecord | undefined, now: number) => { next: BreakerRecord } | undefined,
  ): Promise<boolean> {
    for (let i = 0; i < CAS_ATTEMPTS; i++) {
      const { record, version } = await store.getBreaker(key);
      observe(info, key, record);
      const write = step(record, Date.now());
      if (write === undefined) return true;
      const stored = isIdleBreaker(write.next) ? undefined : write.next;
      if (await store.compareAndSetBreaker(key, version, stored, breakerTtlMs(breaker))) {
        observe(info, key, stored);
        return true;
      }
    }
    return false;
  }

  const wrap = (next: BreakerRecord | undefined) => (next === undefined ? undefined : { next });

  return {
    async check(info, key) {
      let lease: number | undefined;
      const settled = await transact(info, key, (record, now) => {
        const decision = decideBreaker(record, now, breaker);
        lease = undefined;
        if (decision.action === 'allow') return undefined;
        if (decision.action === 'probe') {
          lease = decision.next.probeUntil;
          return { next: decision.next };
        }
        throw own(
          circuitOpenError({
            ...info,
            breakerState: decision.state,
            retryInMs: decision.retryInMs,
          }),
        );
      });
      // Lost every race for the probe: someone else is probing.
      if (!settled) {
        throw own(
          circuitOpenError({
            ...info,
            breakerState: 'half-open',
            retryInMs: breaker.probeTimeoutMs,
          }),
        );
      }
      return lease;
    },

    async abandonProbe(info, key, lease) {
      await transact(info, key, record => wrap(breakerAfterAbandonedProbe(record, lease)));
    },

    async record(info, key, error) {
      if (error !== undefined && breaker.isFailure(error)) {
        await transact(info, key, (record, now) => wrap(breakerAfterFailure(record, now, breaker)));
      } else if (breakerAfterSuccess(seen.get(key)) !== undefined) {
        // A success, or any answer that is not a breaker failure (a 400, a 429): the model is up.
        await transact(info, key, record => wrap(breakerAfterSuccess(record)));
      }
    },

    async state(key) {
      const { record } = await store.getBreaker(key);
      return {
        breaker: effectiveBreakerState(record, Date.now(), breaker),
        breakerFailures: record?.failures ?? 0,
      };
    },
  };
}
