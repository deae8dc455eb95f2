import type { AttemptInfo } from '../attempt-guard';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { callHook } from '../util/call-hook';
import type { ResilienceStore } from './resilience-store';
import { type ResolvedRetryBudget, retryCostFor, successRefund } from './retry-budget';

/** Argument of `onBudgetExhausted`. */
export interface BudgetExhaustedEvent {
  modelId: string;
  provider: string;
  /** Tokens left in the bucket. */
  remaining: number;
  /** Tokens the refused retry would have cost. */
  cost: number;
  /** The failure that is returned instead of retried. */
  error: unknown;
}

/** What {@link createSharedRetryBudget} needs. */
export interface SharedRetryBudgetSettings {
  store: ResilienceStore;
  budget: ResolvedRetryBudget;
  /** Called with the event and the attempt it happened to (see `fleetEventHooks`). */
  onBudgetExhausted?: (event: BudgetExhaustedEvent, info: AttemptInfo) => void;
}

/** The retry budget's accounting against a bucket in the store. */
export interface SharedRetryBudget {
  /** Spends the cost of a retry after `error`; `false` when the bucket cannot pay. */
  allow(info: AttemptInfo, key: string, error: unknown): Promise<boolean>;
  /** Refills after a success (skips the write while the bucket is known to be full). */
  refund(info: AttemptInfo, key: string): Promise<void>;
  /** Gives back what `allow` took for the retry of `error` that got no answer (aborted, lost, not sent). */
  giveBack(key: string, error: unknown): Promise<void>;
  /** Tokens in the bucket now. */
  tokens(key: string): Promise<number>;
}

/** The retry budget of {@link createFleetGuard}. */
export function createSharedRetryBudget(settings: SharedRetryBudgetSettings): SharedRetryBudget {
  const { store, budget } = settings;
  /** The last count this instance saw per bucket. */
  const seen = createBoundedMap<string, number>(MAX_TRACKED_KEYS, budget.ttlMs);
  /** Told once per exhaustion, again only after a retry was granted in between. */
  let denied = false;

  return {
    async allow(info, key, error) {
      const cost = retryCostFor(error, budget);
      if (cost === 0) return true;
      const { granted, remaining } = await store.takeTokens(key, cost, budget);
      seen.set(key, remaining);
      if (granted) {
        denied = false;
        return true;
      }
      if (!denied) {
        denied = true;
        void callHook(
          settings.onBudgetExhausted,
          { modelId: info.modelId, provider: info.provider, remaining, cost, error },
          info,
        );
      }
      return false;
    },

    async refund(info, key) {
      const known = seen.get(key);
      // A first-attempt success adds a token; skip the write while the bucket is known full.
      if (info.attempt === 1 && (known === undefined || known >= budget.capacity)) return;
      seen.set(key, await store.addTokens(key, successRefund(info.attempt, budget), budget));
    },

    async giveBack(key, error) {
      const cost = retryCostFor(error, budget);
      if (cost > 0) seen.set(key, await store.addTokens(key, cost, budget));
    },

    async tokens(key) {
      return (await store.takeTokens(key, 0, budget)).remaining;
    },
  };
}
