import {
  checkOptionalEnum,
  checkOptionalFunction,
  checkOptionalImplementation,
  checkOptionalNumber,
  checkOptionalObject,
  checkOptionalString,
  checkValue,
} from '../util/check-option';
import {
  type CircuitBreakerOptions,
  type ResolvedCircuitBreaker,
  resolveCircuitBreaker,
} from './circuit-breaker';
import type { StoreErrorEvent } from './guarded-store';
import { fingerprintApiKey } from './key-fingerprint';
import type { PaceEvent } from './pacer';
import { MINUTE_MS, type RateLimit } from './rate-limits';
import type { ResilienceStore } from './resilience-store';
import {
  type ResolvedRetryBudget,
  type RetryBudgetOptions,
  resolveRetryBudget,
} from './retry-budget';
import type { BreakerStateChangeEvent } from './shared-breaker';
import type { CooldownEvent } from './shared-cooldown';
import type { BudgetExhaustedEvent } from './shared-retry-budget';

/** Options of {@link createFleetGuard}: what instances share, and how. */
export interface FleetOptions {
  /** Where the shared state lives. Default: `createMemoryStore()` (this process only). */
  store?: ResilienceStore;
  /**
   * API key whose SHA-256 fingerprint scopes cooldowns and the retry budget (instances with
   * different keys have different limits). Hashed at once; the key itself is never kept.
   */
  apiKey?: string;
  /**
   * A scope computed elsewhere, any stable string per key (e.g. a tenant id, so the guard never sees
   * the key); wins over `apiKey`.
   */
  keyFingerprint?: string;
  /** Retry budget (token bucket, AWS standard retry mode). Default on; `false` turns it off. */
  retryBudget?: RetryBudgetOptions | boolean;
  /** Circuit breaker per model. Default off; `true` for the defaults. */
  circuitBreaker?: CircuitBreakerOptions | boolean;
  /** Longest shared cooldown one 429 can set, in ms. Default 300000 (5 minutes). */
  maxCooldownMs?: number;
  /**
   * Longest an attempt waits for shared cooldowns (in all, when 429s keep extending them) before it
   * fails fast with a `RateLimitError` (not sent), in ms. Default 60000. The abort signal is
   * honoured too, and so is the call's deadline, less the last tenth of the time left (at most 1 s)
   * kept for the answer.
   */
  maxCooldownWaitMs?: number;
  /**
   * Spread of the random extra wait at the end of a cooldown, so that the callers that waited it out
   * do not all send at the same instant, in ms. Default 250; 0 turns it off.
   */
  cooldownSpreadMs?: number;
  /**
   * Bound on each store call, in ms of the store's own time (time this process's event loop was
   * blocked does not count); on timeout the guard uses local state. Default 100.
   */
  storeTimeoutMs?: number;
  /** After a store failure, how long to use local state before trying the store again. Default 2000. */
  storeRetryMs?: number;
  /**
   * Admission before sending, at the rates learned from `x-ratelimit-*` headers (or, without them, an
   * adaptive request rate from 429s). `true` turns it on; `{ rpm }` or `{ tpm }` states the limit,
   * which is then a ceiling (a provider's plan: e.g. `alayaPacing('pro')` from the Alaya provider). Default off. Each attempt takes
   * one request and its estimated tokens from a bucket in `store` per key fingerprint and model (per
   * key with `per: 'key'`), so every instance sharing the store paces as one; `maxWaitMs` (default 60000) bounds a wait, beyond
   * which the attempt fails fast with a `RateLimitError` (not sent).
   */
  pacing?: PacingOptions | boolean;
  /** An attempt waits for the pacer (once per wait). May be async. */
  onPace?: (event: PaceEvent) => void;
  /** An instance published a cooldown (`origin: 'response'`) or waits for one (`'shared'`). May be async. */
  onCooldown?: (event: CooldownEvent) => void;
  /** This instance saw a model's breaker change state. May be async. */
  onBreakerStateChange?: (event: BreakerStateChangeEvent) => void;
  /** A retry was refused because the budget is empty (once, until a retry is granted again). May be async. */
  onBudgetExhausted?: (event: BudgetExhaustedEvent) => void;
  /** The shared store failed or timed out; calls go on with local state (once per outage). May be async. */
  onStoreError?: (event: StoreErrorEvent) => void;
}

/** Options of `pacing`. */
export interface PacingOptions {
  /** Requests per minute never exceeded. */
  rpm?: number;
  /** Tokens per minute never exceeded. */
  tpm?: number;
  /** Longest an attempt waits for admission, in ms. Default 60000. */
  maxWaitMs?: number;
  /**
   * What the server counts its limit on. `'model'` (default, as OpenAI): one bucket and one
   * cooldown per key and model. `'key'` (as Alaya, whose plan limits are per API key): one bucket
   * and one cooldown per key for every model of the provider (the provider id up to its first dot:
   * `alaya.chat` and `alaya.embedding` share), so chat and embedding calls on one key pace as one.
   * The circuit breaker stays per model.
   */
  per?: 'model' | 'key';
}

/** The defaults of the numeric {@link FleetOptions}. */
const DEFAULTS = {
  maxCooldownMs: 300_000,
  maxCooldownWaitMs: MINUTE_MS,
  cooldownSpreadMs: 250,
  storeTimeoutMs: 100,
  storeRetryMs: 2000,
} as const;

/** Whether 0 is allowed (otherwise the value must be positive). */
const MAY_BE_ZERO = new Set<keyof typeof DEFAULTS>(['cooldownSpreadMs']);

/** The hooks of {@link FleetOptions}. */
const HOOKS = [
  'onCooldown',
  'onBreakerStateChange',
  'onBudgetExhausted',
  'onStoreError',
  'onPace',
] as const;

/** The methods a `store` must have. */
export const RESILIENCE_STORE_METHODS = [
  'getCooldown',
  'extendCooldown',
  'takeTokens',
  'addTokens',
  'getBreaker',
  'compareAndSetBreaker',
  'takeFromRateBucket',
  'adjustRateBucket',
] as const satisfies ReadonlyArray<keyof ResilienceStore>;

/** {@link FleetOptions} checked, with every default filled in. */
export type ResolvedFleetOptions = Pick<FleetOptions, 'store' | (typeof HOOKS)[number]> & {
  -readonly [name in keyof typeof DEFAULTS]: number;
} & {
  retryBudget?: ResolvedRetryBudget;
  circuitBreaker?: ResolvedCircuitBreaker;
  pacing?: { ceiling?: RateLimit; maxWaitMs: number; per: 'model' | 'key' };
  /** The key's fingerprint (`-` without a key). */
  fingerprint: Promise<string>;
};

/** Checks every fleet option (an `InvalidArgumentError` names a bad one) and fills in the defaults. */
export function resolveFleetOptions(options: FleetOptions = {}): ResolvedFleetOptions {
  checkOptionalObject('options', options);
  const resolved = {
    store: checkOptionalImplementation<ResilienceStore>(
      'store',
      options.store,
      RESILIENCE_STORE_METHODS,
    ),
    retryBudget: resolveSwitch('retryBudget', options.retryBudget, true, resolveRetryBudget),
    circuitBreaker: resolveSwitch(
      'circuitBreaker',
      options.circuitBreaker,
      false,
      resolveCircuitBreaker,
    ),
    pacing: resolveSwitch('pacing', options.pacing, false, resolvePacing),
    fingerprint: resolveFingerprint(options),
  } as ResolvedFleetOptions;
  for (const name of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
    resolved[name] =
      checkOptionalNumber(name, options[name], { exclusiveMin: !MAY_BE_ZERO.has(name) }) ??
      DEFAULTS[name];
  }
  for (const name of HOOKS) {
    (resolved as Record<string, unknown>)[name] = checkOptionalFunction(name, options[name]);
  }
  return resolved;
}

/** `false` (or absent when off by default): off; `true` (or absent when on): the defaults; an object: resolved. */
function resolveSwitch<O extends object, R>(
  name: string,
  value: O | boolean | undefined,
  byDefault: boolean,
  resolve: (options?: O) => R,
): R | undefined {
  const on = checkValue<O | boolean | undefined>(
    name,
    value,
    v => v === undefined || typeof v === 'boolean' || (typeof v === 'object' && v !== null),
    'true, false or an object',
  );
  if (on === false || (on === undefined && !byDefault)) return undefined;
  return resolve(on === true || on === undefined ? undefined : on);
}

function resolvePacing(options: PacingOptions = {}): NonNullable<ResolvedFleetOptions['pacing']> {
  // Removed: a plan is a provider's fact. Refused rather than ignored, which would drop the ceiling.
  checkValue(
    'pacing.plan',
    (options as { plan?: unknown }).plan,
    plan => plan === undefined,
    "absent (a plan is a provider's fact: the provider package gives its limits): pass the plan's limits as { rpm, tpm }",
  );
  const rpm = checkOptionalNumber('pacing.rpm', options.rpm, { exclusiveMin: true });
  const tpm = checkOptionalNumber('pacing.tpm', options.tpm, { exclusiveMin: true });
  const ceiling: RateLimit = {
    ...(rpm === undefined ? {} : { rpm }),
    ...(tpm === undefined ? {} : { tpm }),
  };
  return {
    ...(Object.keys(ceiling).length === 0 ? {} : { ceiling }),
    maxWaitMs:
      checkOptionalNumber('pacing.maxWaitMs', options.maxWaitMs, { exclusiveMin: true }) ??
      MINUTE_MS,
    per: checkOptionalEnum('pacing.per', options.per, ['model', 'key']) ?? 'model',
  };
}

function resolveFingerprint(options: FleetOptions): Promise<string> {
  const given = checkOptionalString('keyFingerprint', options.keyFingerprint);
  if (given !== undefined) return Promise.resolve(encodeURIComponent(given));
  const apiKey = checkOptionalString('apiKey', options.apiKey);
  if (apiKey === undefined) return Promise.resolve('-');
  const fingerprint = fingerprintApiKey(apiKey);
  fingerprint.catch(() => {}); // surfaced on the first attempt
  return fingerprint;
}
