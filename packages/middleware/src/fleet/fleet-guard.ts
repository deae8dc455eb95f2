import type { AttemptGuard, AttemptInfo, ModelRef } from '../attempt-guard';
import { CircuitOpenError } from '../errors/circuit-open-error';
import { fleetEventHooks } from '../telemetry/fleet-telemetry';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { type FleetOptions, resolveFleetOptions } from './fleet-options';
import { createGuardedStore, type StoreHealth } from './guarded-store';
import { createMemoryStore } from './memory-store';
import { createPacer, type Pacer, type PaceState } from './pacer';
import { cooldownFromError, cooldownFromHeaders } from './rate-limit-cooldown';
import { MINUTE_MS, readRateLimitHeaders } from './rate-limits';
import type { BreakerState } from './resilience-store';
import { createSharedBreaker } from './shared-breaker';
import { createSharedCooldown } from './shared-cooldown';
import { createSharedRetryBudget } from './shared-retry-budget';

/** What a health endpoint can show: `await guard.getState()`. */
export interface FleetState {
  store: StoreHealth;
  /**
   * The models this instance called in the last 10 minutes (the 256 most recent), as the shared
   * store sees them now.
   */
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
  /** The pacer's bucket per key fingerprint and model; empty when pacing is off. */
  pacing: PaceState[];
  /** One bucket per provider (and key fingerprint); empty when the budget is off. */
  retryBudgets: Array<{ provider: string; tokens: number; capacity: number }>;
}

/**
 * The middleware's {@link AttemptGuard} (pass it as `alayaMiddleware({ guard })`) plus a health
 * snapshot. `beforeAttempt` waits out a shared cooldown or throws `CircuitOpenError` /
 * `RateLimitError` (not sent); `allowRetry` spends retry-budget tokens; `onSuccess` refills them,
 * closes a half-open breaker and shares the cooldown of a response whose `x-ratelimit-remaining-*`
 * is 0; `onFailure` shares a 429's cooldown and counts breaker failures; `onAbandon` gives back the
 * slow-start slot, the half-open probe and the retry-budget tokens of an attempt that got no answer.
 */
export interface FleetGuard extends AttemptGuard {
  /** The shared state of every model this instance has called. */
  getState(): Promise<FleetState>;
}

/** A model drops out of `getState()` this long after this instance last called it. */
const MODEL_TTL_MS = 10 * MINUTE_MS;

/** Bound on the admissions of one attempt (each after a cooldown held the key while it waited). */
const MAX_PACE_ROUNDS = 10;

/** The store keys of one model. */
interface Keys {
  cooldown: string;
  budget: string;
  breaker: string;
  pace: string;
}

/** What an attempt `beforeAttempt` let through holds until it is answered or abandoned. */
interface Held {
  /** The pacer's key, where it holds a slow-start slot. */
  pace?: string;
  /** The breaker's key and the lease of the half-open probe, when it is the probe. */
  probe?: { key: string; lease: number };
}

/**
 * Builds the guard that makes many instances behave as one client: a 429 seen by any of them
 * holds off all of them (shared cooldown), retries spend a shared token bucket (retry budget), and
 * an optional circuit breaker per model fails fast while the model is down. State lives in
 * `options.store` (Redis via `@alaya-code/ai-sdk-store-redis`); when the store fails, the guard
 * carries on with local state and says so once through `onStoreError`. A bad option throws an
 * `InvalidArgumentError` naming it.
 *
 * ```ts
 * const guard = createFleetGuard({ store: createRedisStore({ client }), circuitBreaker: true });
 * const model = wrapLanguageModel({ model: alaya('glm-5.2'), middleware: alayaMiddleware({ guard }) });
 * ```
 */
export function createFleetGuard(options: FleetOptions = {}): FleetGuard {
  const settings = resolveFleetOptions(options);
  const guarded =
    settings.store === undefined
      ? undefined
      : createGuardedStore(settings.store, {
          timeoutMs: settings.storeTimeoutMs,
          retryMs: settings.storeRetryMs,
          onStoreError: settings.onStoreError,
        });
  const store = guarded ?? createMemoryStore();

  /** Errors this guard made itself: they count as nothing. */
  const ownErrors = new WeakSet<object>();
  const own = <E extends Error>(error: E): E => {
    ownErrors.add(error);
    return error;
  };
  const isOwnError = (error: unknown) =>
    (typeof error === 'object' && error !== null && ownErrors.has(error)) ||
    CircuitOpenError.isInstance(error);

  // The user's hooks, each also reporting to the telemetry of the attempt's middleware.
  const hooks = fleetEventHooks(settings);
  const cooldown = createSharedCooldown({ ...settings, ...hooks, store, own });
  const budget = settings.retryBudget
    ? createSharedRetryBudget({ ...settings, ...hooks, store, budget: settings.retryBudget })
    : undefined;
  const breaker = settings.circuitBreaker
    ? createSharedBreaker({ ...settings, ...hooks, store, breaker: settings.circuitBreaker, own })
    : undefined;
  const pacer = settings.pacing
    ? createPacer({ ...settings.pacing, store, onPace: hooks.onPace, own })
    : undefined;
  const models = createBoundedMap<string, ModelRef>(MAX_TRACKED_KEYS, MODEL_TTL_MS);
  /** By the very object `beforeAttempt` received (see `AbandonedAttemptInfo.admitted`). */
  const held = new WeakMap<AttemptInfo, Held>();

  async function giveBack(info: AttemptInfo, taken: Held): Promise<void> {
    if (taken.pace !== undefined) pacer?.abandon(taken.pace, info.estimatedTokens);
    if (taken.probe !== undefined) {
      await breaker?.abandonProbe(info, taken.probe.key, taken.probe.lease);
    }
  }

  /** `pacing.per: 'key'`: the limit is the key's, for every model of the provider. */
  const limitPerKey = settings.pacing?.per === 'key';

  async function keys(info: { provider: string; modelId: string }): Promise<Keys> {
    const fp = await settings.fingerprint;
    const provider = encodeURIComponent(info.provider);
    const model = encodeURIComponent(info.modelId);
    // Where the server counts the limit: per key and model, or per key (`alaya.chat` and
    // `alaya.embedding` are one provider, `alaya`, on one key).
    const limit = limitPerKey
      ? `${encodeURIComponent(providerFamily(info.provider))}:${fp}`
      : `${provider}:${fp}:${model}`;
    return {
      cooldown: `cooldown:${limit}`,
      budget: `budget:${provider}:${fp}`,
      breaker: `breaker:${provider}:${model}`,
      pace: `pace:${limit}`,
    };
  }

  function remember(info: AttemptInfo): void {
    const id = `${info.provider}\u0000${info.modelId}`;
    models.set(id, { modelId: info.modelId, provider: info.provider });
  }

  /**
   * The pacer's admission. A cooldown may begin while an attempt waits for its slot (a 429's
   * Retry-After, or a window an answer reported full): a reserved slot is no licence to send into a
   * held key. One ending within half a slot (a send a little late kept the window full) is waited
   * out and the slot kept: given up, nobody would use it. A longer one spends the slot: the attempt
   * waits it out and takes a new one (given back, its credit would add to the slots reserved after
   * it). A cooldown of at most one slot found before the admission does not delay it (typically the
   * window an answer reported full, ending at its reset): the slot is taken meanwhile, and the
   * cooldown waited out after it the same way, so an interactive call keeps its place at the front
   * (and may be sent at the cooldown's end, see `Pacer.admit`).
   */
  async function pace(pacer: Pacer, info: AttemptInfo, k: Keys, taken: Held): Promise<void> {
    const tokens = info.estimatedTokens ?? 0;
    const spacingMs = pacer.spacingMs(k.pace);
    const passedMs = await cooldown.wait(info, k.cooldown, spacingMs);
    const heldUntil = passedMs > 0 ? Date.now() + passedMs : undefined;
    for (let round = 1; ; round++) {
      const slotMs =
        (await pacer.admit(info, k.pace, tokens, round === 1 ? heldUntil : undefined)) ??
        (heldUntil === undefined ? undefined : spacingMs);
      taken.pace = k.pace;
      if (slotMs === undefined || round >= MAX_PACE_ROUNDS) return;
      if (!(await cooldown.waitOutShort(info, k.cooldown, slotMs / 2))) return;
      await cooldown.wait(info, k.cooldown);
    }
  }

  return {
    async beforeAttempt(info) {
      remember(info);
      const k = await keys(info);
      const taken: Held = {};
      try {
        const lease = await breaker?.check(info, k.breaker);
        if (lease !== undefined) taken.probe = { key: k.breaker, lease };
        if (pacer === undefined) await cooldown.wait(info, k.cooldown);
        else await pace(pacer, info, k, taken);
      } catch (error) {
        // Not let through (a wait aborted or refused): what it took so far goes back at once.
        await giveBack(info, taken);
        throw error;
      }
      held.set(info, taken);
    },

    async allowRetry(info) {
      if (isOwnError(info.error)) return false;
      return budget === undefined || budget.allow(info, (await keys(info)).budget, info.error);
    },

    async onSuccess(info) {
      const k = await keys(info);
      const paced = pacer?.learn(k.pace, {
        limited: false,
        report: readRateLimitHeaders(info.responseHeaders),
        tokens: { estimated: info.estimatedTokens ?? 0, used: info.usedTokens },
      });
      // The answer says the next request would be refused (remaining 0): hold off like after a 429.
      const wait = cooldownFromHeaders(info.responseHeaders);
      await Promise.all([
        wait !== undefined && wait > 0
          ? cooldown.publish(info, k.cooldown, wait, 'success_headers')
          : undefined,
        budget?.refund(info, k.budget),
        breaker?.record(info, k.breaker),
        paced,
      ]);
    },

    async onFailure(info) {
      if (isOwnError(info.error)) return;
      const k = await keys(info);
      const wait = cooldownFromError(info.error);
      // A 429 slows the pacer down; any answer teaches it through its headers; a failed attempt
      // gives back the tokens it took (the server charges what it did not answer for nothing).
      const paced = pacer?.learn(k.pace, {
        limited: info.error.kind === 'rate_limit',
        report: readRateLimitHeaders(info.error.responseHeaders),
        tokens: { estimated: info.estimatedTokens ?? 0 },
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
      await Promise.all([
        paced,
        wait !== undefined && wait > 0
          ? cooldown.publish(info, k.cooldown, wait, 'rate_limit_error')
          : undefined,
        breaker?.record(info, k.breaker, info.error),
      ]);
    },

    async onAbandon(info) {
      const taken = info.admitted === undefined ? undefined : held.get(info.admitted);
      if (info.admitted !== undefined) held.delete(info.admitted);
      const paid = info.retryOf;
      await Promise.all([
        taken === undefined ? undefined : giveBack(info, taken),
        paid === undefined || budget === undefined
          ? undefined
          : keys(info).then(k => budget.giveBack(k.budget, paid)),
      ]);
    },

    async getState() {
      const called = models.entries().map(([, model]) => model);
      const modelStates = await Promise.all(
        called.map(async model => {
          const k = await keys(model);
          const [cooldownMs, breakerState] = await Promise.all([
            store.getCooldown(k.cooldown),
            breaker?.state(k.breaker),
          ]);
          return { ...model, cooldownMs, ...breakerState };
        }),
      );
      const providers = [...new Set(called.map(model => model.provider))];
      const retryBudgets = await Promise.all(
        budget === undefined
          ? []
          : providers.map(async provider => ({
              provider,
              tokens: await budget.tokens((await keys({ provider, modelId: '' })).budget),
              capacity: settings.retryBudget?.capacity ?? 0,
            })),
      );
      return {
        store: guarded?.health() ?? { healthy: true },
        models: modelStates,
        pacing: (await pacer?.state()) ?? [],
        retryBudgets,
      };
    },
  };
}

/** A provider id up to its first dot: `alaya` for `alaya.chat` and `alaya.embedding`. */
function providerFamily(provider: string): string {
  const dot = provider.indexOf('.');
  return dot === -1 ? provider : provider.slice(0, dot);
}
