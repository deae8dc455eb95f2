import {
  InvalidArgumentError,
  type LanguageModelV4,
  type LanguageModelV4Middleware,
  type SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { type AttemptGuard, noopAttemptGuard } from './attempt-guard';
import type { AlayaError } from './errors/alaya-error';
import { isRetryableStatus } from './errors/status-errors';
import type { ToAlayaErrorContext } from './errors/to-alaya-error';
import type { FleetMiddlewareOptions } from './fleet';
import { guardFromOptions } from './fleet/middleware-options';
import {
  type FallbackEvent,
  type ModelRef,
  type RetryEvent,
  type RetrySettings,
  runWithRetries,
} from './retry';
import { openStreamAttempt } from './stream-attempt';

/**
 * Options of {@link alayaMiddleware}. Every one is optional; defaults follow the Alaya error guide.
 * The fleet options (`store`, `retryBudget`, `circuitBreaker` and their hooks) share cooldowns, a
 * retry budget and a circuit breaker between instances: see "Many instances" in the README.
 */
export interface AlayaMiddlewareOptions extends FleetMiddlewareOptions {
  /** Retries per model after the first attempt (default 2, i.e. 3 attempts, as the seed does). */
  maxRetries?: number;
  /** Backoff before the first retry, in ms (default 1000). */
  initialDelayMs?: number;
  /** Backoff multiplier per retry (default 2: 1 s, 2 s, 4 s, …). */
  backoffFactor?: number;
  /** Cap of the computed backoff, in ms (default 30 000). Does not cap a server's `Retry-After`. */
  maxDelayMs?: number;
  /** `'full'` (default): wait a random time in `[0, backoff)`; `'none'`: wait exactly the backoff. */
  jitter?: 'full' | 'none';
  /**
   * Total budget for the call in ms, sleeps included (default: none). No attempt is started that
   * cannot finish before it (judged by the previous attempt's duration); an attempt still running at
   * the deadline is aborted (for streams: until the first content part). The error then has
   * `exhaustedReason: 'deadline'` and says so in its message.
   */
  deadlineMs?: number;
  /** Wait what `retry-after-ms` / `Retry-After` say instead of the backoff (default true). */
  respectRetryAfter?: boolean;
  /**
   * Longest server-requested wait honoured, in ms (default 60 000). A longer one gives up at once with
   * the typed error (`exhaustedReason: 'retry_after_too_long'`), or moves on to a fallback model.
   */
  maxRetryAfterMs?: number;
  /**
   * Overrides the retry decision per error: return `true`/`false`, or `undefined` for the default
   * (`error.isRetryable`, which includes `x-should-retry`).
   */
  shouldRetry?: (
    error: AlayaError,
    context: { attempt: number; model: ModelRef },
  ) => boolean | undefined;
  /**
   * Models tried in order once a model's retries are exhausted (or its error is not retryable but
   * `fallbackOn` accepts it). Called with the same (already transformed) call options.
   */
  fallbackModels?: LanguageModelV4[];
  /**
   * Whether to move on to the next fallback model after `error` (default: 408, 409, 429 rate limits,
   * 5xx, connection errors and timeouts; not other 4xx and not insufficient quota).
   */
  fallbackOn?: (error: AlayaError) => boolean;
  /** Called before each backoff sleep. Errors it throws (or rejects with) are ignored. */
  onRetry?: (event: RetryEvent) => void | Promise<void>;
  /** Called when the loop moves on to a fallback model. Errors it throws are ignored. */
  onFallback?: (event: FallbackEvent) => void | Promise<void>;
  /**
   * The API key in use, removed from every error field. Credential headers (`authorization`,
   * `api-key`, …) are always redacted.
   */
  apiKey?: string;
  /** Passed to `toAlayaError` for every failure (hint overrides, message suffixes). */
  errorContext?: Pick<ToAlayaErrorContext, 'hints' | 'messageSuffixes'>;
  /** Advanced: hooks around every attempt (shared cooldowns, retry budget, circuit breaker). */
  guard?: AttemptGuard;
  /** Advanced: randomness for jitter in `[0, 1)` (tests). Default `Math.random`. */
  random?: () => number;
}

/** Key of the `providerMetadata` entry that says which model answered. */
export const ALAYA_METADATA_KEY = 'alayaMiddleware';

/** Default `fallbackOn`: failures another model may not have. */
export function defaultFallbackOn(error: AlayaError): boolean {
  switch (error.kind) {
    case 'rate_limit':
    case 'internal_server':
    case 'bad_gateway':
    case 'service_unavailable':
    case 'connection':
    case 'timeout':
    case 'circuit_open':
      return true;
    case 'unknown_status':
      return error.statusCode == null ? error.isRetryable : isRetryableStatus(error.statusCode);
    default:
      return false;
  }
}

/**
 * A `LanguageModelV4Middleware` that maps every failure of the wrapped model to a typed
 * {@link AlayaError}, retries with exponential backoff, full jitter and `Retry-After`, and falls back
 * to `fallbackModels`. Streams are retried until their first content part, so the consumer sees one
 * `stream-start` and no duplicated parts. When it gives up, it throws the last typed error with
 * `isRetryable: false` and the attempt history, so the AI SDK's own `maxRetries` adds no requests.
 * The caller's abort is never mapped, retried or delayed.
 *
 * ```ts
 * const model = wrapLanguageModel({ model: openai('gpt-5'), middleware: alayaMiddleware({ maxRetries: 3 }) });
 * ```
 */
export function alayaMiddleware(options: AlayaMiddlewareOptions = {}): LanguageModelV4Middleware {
  const settings = resolveSettings(options);
  const fallbackModels = options.fallbackModels ?? [];

  return {
    specificationVersion: 'v4',

    async wrapGenerate({ params, model }) {
      const outcome = await runWithRetries({
        models: [model, ...fallbackModels],
        signal: params.abortSignal,
        settings,
        attempt: async (target, signal) => target.doGenerate({ ...params, abortSignal: signal }),
        responseHeaders: result => result.response?.headers,
      });
      const { result } = outcome;
      return {
        ...result,
        providerMetadata: withAnswerMetadata(result.providerMetadata, outcome),
      };
    },

    async wrapStream({ params, model }) {
      const outcome = await runWithRetries({
        models: [model, ...fallbackModels],
        signal: params.abortSignal,
        settings,
        attempt: (target, signal, context) =>
          openStreamAttempt({ model: target, params: { ...params, abortSignal: signal }, context }),
        responseHeaders: result => result.responseHeaders,
      });
      const { result } = outcome;
      return result.commit({
        callerSignal: params.abortSignal,
        decorateFinish: metadata => withAnswerMetadata(metadata, outcome),
      });
    },
  };
}

function withAnswerMetadata(
  metadata: SharedV4ProviderMetadata | undefined,
  outcome: { model: LanguageModelV4; modelIndex: number; attemptCount: number },
): SharedV4ProviderMetadata {
  return {
    ...metadata,
    [ALAYA_METADATA_KEY]: {
      provider: outcome.model.provider,
      modelId: outcome.model.modelId,
      fallbackIndex: outcome.modelIndex,
      attempts: outcome.attemptCount,
    },
  };
}

function resolveSettings(options: AlayaMiddlewareOptions): RetrySettings {
  const maxRetries = options.maxRetries ?? 2;
  checkNumber('maxRetries', maxRetries, { integer: true });
  const initialDelayMs = options.initialDelayMs ?? 1000;
  checkNumber('initialDelayMs', initialDelayMs);
  const backoffFactor = options.backoffFactor ?? 2;
  checkNumber('backoffFactor', backoffFactor);
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  checkNumber('maxDelayMs', maxDelayMs);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  checkNumber('maxRetryAfterMs', maxRetryAfterMs);
  if (options.deadlineMs !== undefined) checkNumber('deadlineMs', options.deadlineMs);
  const jitter = options.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'none') {
    throw new InvalidArgumentError({
      argument: 'jitter',
      message: `jitter must be 'full' or 'none', got ${String(jitter)}`,
    });
  }
  const apiKey = options.apiKey?.trim() || undefined;
  return {
    maxRetries,
    initialDelayMs,
    backoffFactor,
    maxDelayMs,
    jitter,
    deadlineMs: options.deadlineMs,
    respectRetryAfter: options.respectRetryAfter ?? true,
    maxRetryAfterMs,
    shouldRetry: options.shouldRetry,
    fallbackOn: options.fallbackOn ?? defaultFallbackOn,
    onRetry: options.onRetry,
    onFallback: options.onFallback,
    guard: guardFromOptions(options) ?? noopAttemptGuard,
    random: options.random,
    errorContext: { ...options.errorContext, ...(apiKey ? { apiKey } : {}) },
  };
}

function checkNumber(argument: string, value: unknown, { integer = false } = {}): void {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a ${integer ? 'non-negative integer' : 'finite number >= 0'}, got ${String(value)}`,
    });
  }
}
