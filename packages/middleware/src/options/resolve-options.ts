import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import { type AttemptGuard, noopAttemptGuard } from '../attempt-guard';
import type { ToAlayaErrorContext } from '../errors/to-alaya-error';
import { fixedHedgeDelay, type HedgeDelay, learnedHedgeDelay } from '../retry/hedge-delay';
import type { ContinuationSettings } from '../stream/continuation';
import type { AlayaTelemetry } from '../telemetry/alaya-telemetry';
import { resolveTelemetry } from '../telemetry/resolve-telemetry';
import {
  checkNumber,
  checkOptionalArray,
  checkOptionalBoolean,
  checkOptionalEnum,
  checkOptionalFunction,
  checkOptionalImplementation,
  checkOptionalNumber,
  checkOptionalObject,
  checkValue,
} from '../util/check-option';
import type {
  AlayaEmbeddingMiddlewareOptions,
  AlayaMiddlewareOptions,
  HedgeOptions,
} from './alaya-middleware-options';
import { LANGUAGE_MODELS, type ModelKind } from './model-kinds';
import { rejectRemovedOptions } from './removed-options';

/**
 * The defaults of the options that have one (the README's options table shows the same). The
 * safety nets on by default bound every attempt, generously enough for long reasoning, so that a
 * hung connection becomes a retryable `TimeoutError` instead of a call that never ends:
 * `attemptTimeoutMs` (generate: 10 minutes, the request timeout openai-node uses) and
 * `firstContentTimeoutMs` (streams: 5 minutes without a content part; streamed reasoning counts,
 * and Node's own fetch ends a body silent that long anyway). `idleTimeoutMs`, `deadlineMs`,
 * `hedge` and `continuation` stay opt-in: their right value depends on the app.
 */
export const DEFAULTS = {
  maxRetries: 2,
  initialDelayMs: 1000,
  backoffFactor: 2,
  maxDelayMs: 30_000,
  jitter: 'full',
  respectRetryAfter: true,
  maxRetryAfterMs: 60_000,
  attemptTimeoutMs: 600_000,
  firstContentTimeoutMs: 300_000,
} as const satisfies AlayaMiddlewareOptions;

/** `continuation: true` allows this many continuations per stream (an object may say otherwise). */
export const DEFAULT_MAX_CONTINUATIONS = 2;

type Defaulted = keyof typeof DEFAULTS;
type Resolved =
  | 'fallbackModels'
  | 'guard'
  | 'apiKey'
  | 'errorContext'
  | 'fallbackOn'
  | 'telemetry'
  | 'hedge'
  | 'continuation';
/** The options taken as they are (after their check). */
type Plain = Omit<AlayaMiddlewareOptions, Resolved>;

/**
 * The options after defaults and checks: what the retry loop reads. Derived from the options type;
 * `M` is the kind of model the middleware wraps (its `fallbackModels`).
 */
export type ResolvedOptions<M = LanguageModelV4> = Required<Pick<Plain, Defaulted>> &
  Omit<Plain, Defaulted> & {
    fallbackModels: M[];
    fallbackOn: AlayaMiddlewareOptions['fallbackOn'];
    /** `options.guard`, or one that does nothing. */
    guard: AttemptGuard;
    /** `hedge` with its defaults (`'auto'`, `'same'`), or none (hedging off). */
    hedge: HedgeSettings | undefined;
    /** `continuation` with its default `maxContinuations`, or none (off). */
    continuation: ContinuationSettings | undefined;
    /** The `telemetry` observers combined into one, or none. */
    telemetry: AlayaTelemetry | undefined;
    /** What `toAlayaError` gets for every failure the middleware maps (the key included). */
    errorContext: Omit<ToAlayaErrorContext, 'modelId' | 'provider' | 'fromStreamPart'>;
    /** Embeddings: the vector length every answer must have (absent: not stated). */
    dimensions?: number;
  };

/** Timeouts must be above 0: a 0 ms timeout would abort every attempt at once. */
const POSITIVE = { exclusiveMin: true } as const;
const GUARD_METHODS = ['beforeAttempt', 'allowRetry', 'onSuccess', 'onFailure'] as const;

/** `value`, or `fallback` when it is `undefined` (a `null` stays, for its check to reject). */
function orDefault<T>(value: unknown, fallback: T): unknown {
  return value === undefined ? fallback : value;
}

/**
 * Checks every option (an `InvalidArgumentError` naming the bad one) and fills in the defaults: of
 * `alayaMiddleware` (language models), or, with `kind`, of another kind of middleware
 * (`EMBEDDING_MODELS`: `alayaEmbeddingMiddleware`), which refuses the options it does not read.
 */
export function resolveOptions(options: AlayaMiddlewareOptions | undefined): ResolvedOptions;
export function resolveOptions(
  options: AlayaEmbeddingMiddlewareOptions | undefined,
  kind: ModelKind<EmbeddingModelV4>,
): ResolvedOptions<EmbeddingModelV4>;
export function resolveOptions(
  options: AlayaMiddlewareOptions | AlayaEmbeddingMiddlewareOptions | undefined,
  kind: ModelKind<unknown> = LANGUAGE_MODELS,
): ResolvedOptions<unknown> {
  const given = (checkOptionalObject<AlayaMiddlewareOptions & AlayaEmbeddingMiddlewareOptions>(
    'options',
    options,
  ) ?? {}) as AlayaMiddlewareOptions & { dimensions?: unknown };
  rejectRemovedOptions(given, kind.middleware);
  for (const name of kind.unread) {
    checkValue(
      name,
      (given as Record<string, unknown>)[name],
      v => v === undefined,
      `absent: ${kind.middleware} does not read it`,
    );
  }
  const apiKey =
    checkValue<string | undefined>(
      'apiKey',
      given.apiKey,
      v => v === undefined || typeof v === 'string',
      'a string',
    )?.trim() || undefined;
  const fallbackModels = checkValue<unknown>(
    'fallbackModels',
    given.fallbackModels,
    v => v === undefined || Array.isArray(v),
    `an array of models (${kind.expected})`,
  );
  const guard = checkOptionalImplementation<AttemptGuard>('guard', given.guard, GUARD_METHODS);
  const telemetry = resolveTelemetry(given.telemetry);
  const names = ['shouldRetry', 'fallbackOn', 'onRetry', 'onFallback', 'onHedge'] as const;
  for (const name of names) {
    checkOptionalFunction(name, given[name]);
  }
  return {
    maxRetries: checkNumber('maxRetries', orDefault(given.maxRetries, DEFAULTS.maxRetries), {
      integer: true,
    }),
    initialDelayMs: checkNumber(
      'initialDelayMs',
      orDefault(given.initialDelayMs, DEFAULTS.initialDelayMs),
    ),
    backoffFactor: checkNumber(
      'backoffFactor',
      orDefault(given.backoffFactor, DEFAULTS.backoffFactor),
    ),
    maxDelayMs: checkNumber('maxDelayMs', orDefault(given.maxDelayMs, DEFAULTS.maxDelayMs)),
    jitter: checkOptionalEnum('jitter', given.jitter, ['full', 'none']) ?? DEFAULTS.jitter,
    deadlineMs: checkOptionalNumber('deadlineMs', given.deadlineMs),
    attemptTimeoutMs: checkNumber(
      'attemptTimeoutMs',
      orDefault(given.attemptTimeoutMs, DEFAULTS.attemptTimeoutMs),
      POSITIVE,
    ),
    firstContentTimeoutMs: checkNumber(
      'firstContentTimeoutMs',
      orDefault(given.firstContentTimeoutMs, DEFAULTS.firstContentTimeoutMs),
      POSITIVE,
    ),
    idleTimeoutMs: checkOptionalNumber('idleTimeoutMs', given.idleTimeoutMs, POSITIVE),
    continuation: resolveContinuation(given.continuation),
    respectRetryAfter:
      checkOptionalBoolean('respectRetryAfter', given.respectRetryAfter) ??
      DEFAULTS.respectRetryAfter,
    maxRetryAfterMs: checkNumber(
      'maxRetryAfterMs',
      orDefault(given.maxRetryAfterMs, DEFAULTS.maxRetryAfterMs),
    ),
    shouldRetry: given.shouldRetry,
    fallbackOn: given.fallbackOn,
    onRetry: given.onRetry,
    onFallback: given.onFallback,
    onHedge: given.onHedge,
    hedge: resolveHedge(given.hedge),
    fallbackModels:
      checkOptionalArray('fallbackModels', fallbackModels, (name, item) =>
        checkValue(name, item, kind.is, kind.expected),
      ) ?? [],
    guard: guard ?? noopAttemptGuard,
    telemetry,
    errorContext: apiKey ? { apiKey } : {},
    ...dimensionsOf(given.dimensions),
  };
}

/** Checks `dimensions` (an integer >= 1, or absent). */
function dimensionsOf(value: unknown): { dimensions?: number } {
  const dimensions = checkOptionalNumber('dimensions', value, { integer: true, min: 1 });
  return dimensions === undefined ? {} : { dimensions };
}

/** The `hedge` option resolved: its delay (fixed or learned by this middleware) and its model. */
export interface HedgeSettings {
  /** `afterMs` as given: ms, or `'auto'`. */
  afterMs: number | 'auto';
  delay: HedgeDelay;
  model: 'same' | 'fallback';
}

/**
 * Checks `hedge` (`true`, `false` or an object: `afterMs` > 0 or `'auto'`, `model` `'same'` or
 * `'fallback'`) and fills in `afterMs: 'auto'` and `model: 'same'`.
 */
function resolveHedge(value: unknown): HedgeSettings | undefined {
  if (value === undefined || value === false) return undefined;
  const hedge =
    value === true
      ? {}
      : checkValue<HedgeOptions>(
          'hedge',
          value,
          v => typeof v === 'object' && v !== null && !Array.isArray(v),
          'true, false or an object',
        );
  const afterMs =
    hedge.afterMs === undefined || hedge.afterMs === 'auto'
      ? 'auto'
      : checkValue<number>(
          'hedge.afterMs',
          hedge.afterMs,
          v => typeof v === 'number' && Number.isFinite(v) && v > 0,
          "a finite number > 0 or 'auto'",
        );
  return {
    afterMs,
    delay: afterMs === 'auto' ? learnedHedgeDelay() : fixedHedgeDelay(afterMs),
    model: checkOptionalEnum('hedge.model', hedge.model, ['same', 'fallback']) ?? 'same',
  };
}

/** Checks `continuation` (`true`, `false` or `{ maxContinuations }`, an integer >= 1). */
function resolveContinuation(value: unknown): ContinuationSettings | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { maxContinuations: DEFAULT_MAX_CONTINUATIONS };
  const given = checkValue<{ maxContinuations?: unknown }>(
    'continuation',
    value,
    v => typeof v === 'object' && v !== null && !Array.isArray(v),
    'true, false or an object',
  );
  return {
    maxContinuations: checkNumber(
      'continuation.maxContinuations',
      orDefault(given.maxContinuations, DEFAULT_MAX_CONTINUATIONS),
      { integer: true, min: 1 },
    ),
  };
}
