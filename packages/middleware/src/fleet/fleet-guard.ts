import { delay } from '@ai-sdk/provider-utils';
import type { AttemptGuard, AttemptInfo } from '../attempt-guard';
import { CircuitOpenError, circuitOpenError } from '../errors/circuit-open-error';
import { RateLimitError } from '../errors/status-errors';
import { callHook } from '../util/call-hook';
import {
  breakerAfterFailure,
  breakerAfterSuccess,
  breakerTtlMs,
  type CircuitBreakerOptions,
  decideBreaker,
  effectiveBreakerState,
  isIdleBreaker,
  type ResolvedCircuitBreaker,
  resolveCircuitBreaker,
} from './circuit-breaker';
import { createGuardedStore, type StoreErrorEvent, type StoreHealth } from './guarded-store';
import { fingerprintApiKey } from './key-fingerprint';
import { createMemoryStore } from './memory-store';
import { cooldownFromError, cooldownFromHeaders } from './rate-limit-cooldown';
import type { BreakerRecord, BreakerState, ResilienceStore } from './resilience-store';
import {
  type RetryBudgetOptions,
  resolveRetryBudget,
  retryCostFor,
  successRefund,
} from './retry-budget';

/** Options of {@link createFleetGuard}: what instances share, and how. */
export interface FleetOptions {
  /** Where the shared state lives. Default: `createMemoryStore()` (this process only). */
  store?: ResilienceStore;
  /**
   * API key whose SHA-256 fingerprint scopes cooldowns and the retry budget (instances with
   * different keys have different limits). Hashed at once; the key itself is never kept.
   */
  apiKey?: string;
  /** A fingerprint computed elsewhere (e.g. with `fingerprintApiKey`); wins over `apiKey`. */
  keyFingerprint?: string;
  /** Retry budget (token bucket, AWS standard retry mode). Default on; `false` turns it off. */
  retryBudget?: RetryBudgetOptions | boolean;
  /** Circuit breaker per model. Default off; `true` for the defaults. */
  circuitBreaker?: CircuitBreakerOptions | boolean;
  /** Longest shared cooldown one 429 can set, in ms. Default 300000 (5 minutes). */
  maxCooldownMs?: number;
  /**
   * Longest an attempt waits for shared cooldowns (in all, when 429s keep extending them) before it
   * fails fast with a `RateLimitError` (not sent), in ms. Default 60000. The call's deadline and
   * abort signal are honoured too.
   */
  maxCooldownWaitMs?: number;
  /**
   * Spread of the random extra wait at the end of a cooldown, so that the callers that waited it out
   * do not all send at the same instant, in ms. Default 250; 0 turns it off.
   */
  cooldownSpreadMs?: number;
  /** Bound on each store call; on timeout the guard uses local state. Default 100. */
  storeTimeoutMs?: number;
  /** After a store failure, how long to use local state before trying the store again. Default 2000. */
  storeRetryMs?: number;
  /** An instance published a cooldown (`origin: 'response'`) or waits for one (`'shared'`). */
  onCooldown?: (event: CooldownEvent) => void;
  /** This instance saw a model's breaker change state. */
  onBreakerStateChange?: (event: BreakerStateChangeEvent) => void;
  /** A retry was refused because the budget is empty (once, until a retry is granted again). */
  onBudgetExhausted?: (event: BudgetExhaustedEvent) => void;
  /** The shared store failed or timed out; calls go on with local state (once per outage). */
  onStoreError?: (event: StoreErrorEvent) => void;
}

/** Argument of `onCooldown`. */
export interface CooldownEvent {
  modelId: string;
  provider: string;
  /** `response`: this instance got the 429 and shared it. `shared`: it waits for one. */
  origin: 'response' | 'shared';
  /** How long the cooldown (or this wait) lasts, in ms. */
  waitMs: number;
  /**
   * For `origin: 'response'`, what started it: `rate_limit_error` (a 429) or `success_headers` (a
   * successful response whose `x-ratelimit-remaining-*` was 0, so the next request would be refused).
   */
  reason?: 'rate_limit_error' | 'success_headers';
}

/** Argument of `onBreakerStateChange`. */
export interface BreakerStateChangeEvent {
  modelId: string;
  provider: string;
  from: BreakerState;
  to: BreakerState;
}

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

/** What a health endpoint can show: `await guard.getState()`. */
export interface FleetState {
  store: StoreHealth;
  /** Every model this instance has called (up to 256), as the shared store sees it now. */
  models: Array<{
    modelId: string;
    provider: string;
    /** Milliseconds left on the shared cooldown (0: none). */
    cooldownMs: number;
    /** Present when the circuit breaker is on. */
    breaker?: BreakerState;
    /** Failures counted toward opening the breaker. */
    breakerFailures?: number;
  }>;
  /** One bucket per provider (and key fingerprint); empty when the budget is off. */
  retryBudgets: Array<{ provider: string; tokens: number; capacity: number }>;
}

/**
 * The middleware's {@link AttemptGuard} (pass it as `alayaMiddleware({ guard })`) plus a health
 * snapshot. `beforeAttempt` waits out a shared cooldown or throws `CircuitOpenError` /
 * `RateLimitError` (not sent); `allowRetry` spends retry-budget tokens; `onSuccess` refills them,
 * closes a half-open breaker and shares the cooldown of a response whose `x-ratelimit-remaining-*`
 * is 0; `onFailure` shares a 429's cooldown and counts breaker failures.
 */
export interface FleetGuard extends AttemptGuard {
  /** The shared state of every model this instance has called. */
  getState(): Promise<FleetState>;
}

/** Bound on the wait loop (each round waits for a cooldown that another 429 extended). */
const MAX_WAIT_ROUNDS = 10_000;
const CAS_ATTEMPTS = 3;
const MAX_TRACKED_MODELS = 256;

/**
 * Builds the guard that makes many instances behave as one client: a 429 seen by any of them
 * holds off all of them (shared cooldown), retries spend a shared token bucket (retry budget), and
 * an optional circuit breaker per model fails fast while the model is down. State lives in
 * `options.store` (Redis via `@alaya-code/ai-sdk-store-redis`); when the store fails, the guard
 * carries on with local state and says so once through `onStoreError`.
 *
 * ```ts
 * const guard = createFleetGuard({ store: createRedisStore({ client }), circuitBreaker: true });
 * const model = wrapLanguageModel({ model: alaya('glm-5.2'), middleware: alayaMiddleware({ guard }) });
 * ```
 */
export function createFleetGuard(options: FleetOptions = {}): FleetGuard {
  const budget = resolveOptional(options.retryBudget, true, resolveRetryBudget);
  const breaker = resolveOptional(options.circuitBreaker, false, resolveCircuitBreaker);
  const maxCooldownMs = positive(options.maxCooldownMs, 300_000, 'maxCooldownMs');
  const maxCooldownWaitMs = positive(options.maxCooldownWaitMs, 60_000, 'maxCooldownWaitMs');
  const spreadMs = nonNegative(options.cooldownSpreadMs, 250, 'cooldownSpreadMs');
  const storeTimeoutMs = positive(options.storeTimeoutMs, 100, 'storeTimeoutMs');
  const storeRetryMs = positive(options.storeRetryMs, 2000, 'storeRetryMs');
  const guarded =
    options.store === undefined
      ? undefined
      : createGuardedStore(options.store, {
          timeoutMs: storeTimeoutMs,
          retryMs: storeRetryMs,
          onStoreError: options.onStoreError,
        });
  const store: ResilienceStore = guarded ?? createMemoryStore();
  const fingerprint = resolveFingerprint(options);

  /** Errors this guard made itself: they count as nothing. */
  const ownErrors = new WeakSet<object>();
  const models = new Map<string, { modelId: string; provider: string }>();
  const breakerSeen = new Map<string, BreakerRecord | undefined>();
  const budgetSeen = new Map<string, number>();
  const cooldownEnds = new Map<string, number>();
  let budgetDenied = false;

  async function keys(info: { provider: string; modelId: string }) {
    const fp = await fingerprint;
    const provider = encodeURIComponent(info.provider);
    const model = encodeURIComponent(info.modelId);
    return {
      cooldown: `cooldown:${provider}:${fp}:${model}`,
      budget: `budget:${provider}:${fp}`,
      breaker: `breaker:${provider}:${model}`,
    };
  }

  function remember(info: AttemptInfo): void {
    const id = `${info.provider}\u0000${info.modelId}`;
    if (models.has(id) || models.size >= MAX_TRACKED_MODELS) return;
    models.set(id, { modelId: info.modelId, provider: info.provider });
  }

  function own<E extends Error>(error: E): E {
    ownErrors.add(error);
    return error;
  }

  function observeBreaker(info: AttemptInfo, key: string, record: BreakerRecord | undefined) {
    const from = breakerSeen.get(key)?.state ?? 'closed';
    const to = record?.state ?? 'closed';
    breakerSeen.set(key, record);
    if (from !== to) {
      void callHook(options.onBreakerStateChange, {
        modelId: info.modelId,
        provider: info.provider,
        from,
        to,
      });
    }
  }

  async function updateBreaker(
    info: AttemptInfo,
    key: string,
    cb: ResolvedCircuitBreaker,
    transition: (record: BreakerRecord | undefined, now: number) => BreakerRecord | undefined,
  ): Promise<void> {
    for (let i = 0; i < CAS_ATTEMPTS; i++) {
      const { record, version } = await store.getBreaker(key);
      observeBreaker(info, key, record);
      const next = transition(record, Date.now());
      if (next === undefined) return;
      const stored = isIdleBreaker(next) ? undefined : next;
      if (await store.compareAndSetBreaker(key, version, stored, breakerTtlMs(cb))) {
        observeBreaker(info, key, stored);
        return;
      }
    }
  }

  async function checkBreaker(info: AttemptInfo, key: string, cb: ResolvedCircuitBreaker) {
    for (let i = 0; i < CAS_ATTEMPTS; i++) {
      const { record, version } = await store.getBreaker(key);
      observeBreaker(info, key, record);
      const decision = decideBreaker(record, Date.now(), cb);
      if (decision.action === 'allow') return;
      if (decision.action === 'reject') {
        throw own(
          circuitOpenError({
            ...info,
            breakerState: decision.state,
            retryInMs: decision.retryInMs,
          }),
        );
      }
      if (await store.compareAndSetBreaker(key, version, decision.next, breakerTtlMs(cb))) {
        observeBreaker(info, key, decision.next);
        return;
      }
    }
    // Lost every race for the probe: someone else is probing.
    throw own(
      circuitOpenError({ ...info, breakerState: 'half-open', retryInMs: cb.probeTimeoutMs }),
    );
  }

  /** Notes when a cooldown seen at `key` ends (this instance's clock), for the wake-up spread. */
  function noteCooldown(key: string, leftMs: number): void {
    const end = Date.now() + leftMs;
    if (!cooldownEnds.has(key) && cooldownEnds.size >= MAX_TRACKED_MODELS) cooldownEnds.clear();
    cooldownEnds.set(key, Math.max(cooldownEnds.get(key) ?? 0, end));
  }

  /** Shares a cooldown of `cooldownMs` (capped at maxCooldownMs) seen in this instance's response. */
  function publishCooldown(
    info: AttemptInfo,
    key: string,
    cooldownMs: number,
    reason: NonNullable<CooldownEvent['reason']>,
  ): Promise<void> {
    const waitMs = Math.min(cooldownMs, maxCooldownMs);
    const stored = store.extendCooldown(key, waitMs).then(left => noteCooldown(key, left));
    void callHook(options.onCooldown, {
      modelId: info.modelId,
      provider: info.provider,
      origin: 'response',
      waitMs,
      reason,
    });
    return stored;
  }

  async function waitForCooldown(info: AttemptInfo, key: string): Promise<void> {
    const startedAt = Date.now();
    let spread = spreadMs === 0;
    // Cooldowns can be extended while we wait (another 429): wait again, up to maxCooldownWaitMs in all.
    for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
      const left = await store.getCooldown(key);
      const now = Date.now();
      if (left <= 0) {
        // Right after a cooldown, every caller that waited it out (here, or in the retry loop's own
        // Retry-After sleep) would send at the same instant: spread them once over the rest of spreadMs.
        const tail = (cooldownEnds.get(key) ?? 0) + spreadMs - now;
        if (spread || tail <= 0) return;
        spread = true;
        await delay(Math.ceil(Math.random() * Math.min(tail, spreadMs)), {
          abortSignal: info.signal,
        });
        continue;
      }
      noteCooldown(key, left);
      const tooLong =
        now - startedAt + left > maxCooldownWaitMs
          ? `maxCooldownWaitMs (${maxCooldownWaitMs}ms)`
          : info.deadlineAt !== undefined && now + left > info.deadlineAt
            ? "the call's deadline"
            : undefined;
      if (tooLong !== undefined) throw own(cooldownTooLongError(info, left, tooLong));
      const waitMs = Math.ceil(left + (spread ? 0 : Math.random() * spreadMs));
      spread = true;
      void callHook(options.onCooldown, {
        modelId: info.modelId,
        provider: info.provider,
        origin: 'shared',
        waitMs,
      });
      await delay(waitMs, { abortSignal: info.signal });
    }
    const left = await store.getCooldown(key);
    if (left > 0) throw own(cooldownTooLongError(info, left, `${MAX_WAIT_ROUNDS} waits`));
  }

  return {
    async beforeAttempt(info) {
      remember(info);
      const k = await keys(info);
      if (breaker) await checkBreaker(info, k.breaker, breaker);
      await waitForCooldown(info, k.cooldown);
    },

    async allowRetry(info) {
      if (isOwnError(info.error)) return false;
      if (!budget) return true;
      const k = await keys(info);
      const cost = retryCostFor(info.error, budget);
      if (cost === 0) return true;
      const { granted, remaining } = await store.takeTokens(k.budget, cost, budget);
      budgetSeen.set(k.budget, remaining);
      if (granted) {
        budgetDenied = false;
        return true;
      }
      if (!budgetDenied) {
        budgetDenied = true;
        void callHook(options.onBudgetExhausted, {
          modelId: info.modelId,
          provider: info.provider,
          remaining,
          cost,
          error: info.error,
        });
      }
      return false;
    },

    async onSuccess(info) {
      const k = await keys(info);
      const work: Promise<unknown>[] = [];
      // The answer says the next request would be refused (remaining 0): hold off like after a 429.
      const cooldown = cooldownFromHeaders(info.responseHeaders);
      if (cooldown !== undefined && cooldown > 0) {
        work.push(publishCooldown(info, k.cooldown, cooldown, 'success_headers'));
      }
      if (budget) {
        const known = budgetSeen.get(k.budget);
        // A first-attempt success adds a token; skip the write while the bucket is known full.
        if (info.attempt > 1 || (known !== undefined && known < budget.capacity)) {
          work.push(
            store.addTokens(k.budget, successRefund(info.attempt, budget), budget).then(tokens => {
              budgetSeen.set(k.budget, tokens);
            }),
          );
        }
      }
      if (breaker && breakerAfterSuccess(breakerSeen.get(k.breaker)) !== undefined) {
        work.push(updateBreaker(info, k.breaker, breaker, breakerAfterSuccess));
      }
      await Promise.all(work);
    },

    async onFailure(info) {
      if (isOwnError(info.error)) return;
      const k = await keys(info);
      const work: Promise<unknown>[] = [];
      const cooldown = cooldownFromError(info.error);
      if (cooldown !== undefined && cooldown > 0) {
        work.push(publishCooldown(info, k.cooldown, cooldown, 'rate_limit_error'));
      }
      if (breaker?.isFailure(info.error)) {
        work.push(
          updateBreaker(info, k.breaker, breaker, (record, now) =>
            breakerAfterFailure(record, now, breaker),
          ),
        );
      } else if (breaker && breakerAfterSuccess(breakerSeen.get(k.breaker)) !== undefined) {
        // Any answer that is not a breaker failure (a 400, a 429) shows the model is up.
        work.push(updateBreaker(info, k.breaker, breaker, breakerAfterSuccess));
      }
      await Promise.all(work);
    },

    async getState() {
      const now = Date.now();
      const modelStates = await Promise.all(
        [...models.values()].map(async model => {
          const k = await keys(model);
          const [cooldownMs, versioned] = await Promise.all([
            store.getCooldown(k.cooldown),
            breaker ? store.getBreaker(k.breaker) : undefined,
          ]);
          return {
            ...model,
            cooldownMs,
            ...(breaker && versioned
              ? {
                  breaker: effectiveBreakerState(versioned.record, now, breaker),
                  breakerFailures: versioned.record?.failures ?? 0,
                }
              : {}),
          };
        }),
      );
      const providers = [...new Set([...models.values()].map(model => model.provider))];
      const retryBudgets = budget
        ? await Promise.all(
            providers.map(async provider => {
              const k = await keys({ provider, modelId: '' });
              const { remaining } = await store.takeTokens(k.budget, 0, budget);
              return { provider, tokens: remaining, capacity: budget.capacity };
            }),
          )
        : [];
      return { store: guarded?.health() ?? { healthy: true }, models: modelStates, retryBudgets };
    },
  };

  function isOwnError(error: unknown): boolean {
    return (
      (typeof error === 'object' && error !== null && ownErrors.has(error)) ||
      CircuitOpenError.isInstance(error)
    );
  }
}

function cooldownTooLongError(info: AttemptInfo, leftMs: number, limit: string): RateLimitError {
  return new RateLimitError({
    message: `Model ${info.modelId} (${info.provider}) is cooling down for another ${Math.ceil(leftMs / 1000)}s after a 429 seen by an instance sharing this store; that is beyond ${limit}. The call was not sent.`,
    hint: 'Reduce request frequency or upgrade the plan; fallbackModels keep serving meanwhile.',
    retryAfterMs: Math.ceil(leftMs),
    isRetryable: false,
    modelId: info.modelId,
    provider: info.provider,
  });
}

function resolveFingerprint(options: FleetOptions): Promise<string> {
  if (options.keyFingerprint !== undefined) {
    if (typeof options.keyFingerprint !== 'string' || options.keyFingerprint.trim() === '') {
      throw new TypeError('keyFingerprint must be a non-empty string');
    }
    return Promise.resolve(encodeURIComponent(options.keyFingerprint.trim()));
  }
  if (options.apiKey === undefined) return Promise.resolve('-');
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new TypeError('apiKey must be a non-empty string (it is only hashed, never stored)');
  }
  const fingerprint = fingerprintApiKey(options.apiKey);
  fingerprint.catch(() => {}); // surfaced on the first attempt
  return fingerprint;
}

function resolveOptional<O, R>(
  value: O | boolean | undefined,
  byDefault: boolean,
  resolve: (o?: O) => R,
) {
  if (value === false || (value === undefined && !byDefault)) return undefined;
  return resolve(value === true || value === undefined ? undefined : value);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved <= 0) {
    throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return resolved;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved < 0) {
    throw new TypeError(`${name} must be a non-negative number, got ${String(value)}`);
  }
  return resolved;
}
