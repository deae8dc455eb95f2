import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import type { AttemptGuard, ModelRef } from '../attempt-guard';
import type { AlayaError } from '../errors/alaya-error';
import type { FallbackEvent, HedgeEvent, RetryEvent } from '../retry/retry-events';
import type { AlayaTelemetry } from '../telemetry/alaya-telemetry';

/** The `hedge` option: when to send a second attempt in parallel to a slow one, and to which model. */
export interface HedgeOptions {
  /**
   * How long an attempt may run without content before the hedge is sent: ms (> 0), or `'auto'`
   * (the default): learned per model, the 98th percentile of its last 100 times to first content
   * (at least 50 ms and 1.5× their median), with no hedge before 20 of them.
   */
  afterMs?: number | 'auto';
  /**
   * `'same'` (default): the hedge calls the same model. `'fallback'`: it calls the next fallback
   * model (the same model when there is none).
   */
  model?: 'same' | 'fallback';
}

/**
 * Options of `alayaMiddleware`. Every one is optional; defaults follow the Alaya error guide. Each is
 * checked when the middleware is created: a bad value throws an `InvalidArgumentError` naming it.
 * What instances share (cooldowns, a retry budget, a circuit breaker, pacing) is one object built by
 * `createFleetGuard` and passed as `guard`: see "Many instances" in the README.
 */
export interface AlayaMiddlewareOptions {
  /** Retries per model after the first attempt (default 2, i.e. 3 attempts, as in Alaya's error guide). */
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
  /**
   * Generate and embed calls: an attempt that has not answered within this many ms is aborted and becomes a
   * retryable `TimeoutError`, then retries and fallback go on as for a 5xx. Default 600 000
   * (10 minutes, openai-node's request timeout): a safety net against a hung connection, generous
   * enough for a reasoning model's long answer; a larger value allows longer. The caller's abort
   * stays an abort.
   */
  attemptTimeoutMs?: number;
  /**
   * Streams: an attempt that has sent no content part (non-empty delta, tool call, …) within this many
   * ms of its start is aborted and retried invisibly, then falls back. Default 300 000 (5 minutes):
   * a safety net against a stream that never starts. Reasoning deltas count as content, so a model
   * that streams its thinking is never cut; one that thinks without streaming it has 5 minutes
   * (Node's own fetch ends a body silent that long anyway); a larger value allows longer.
   */
  firstContentTimeoutMs?: number;
  /**
   * Streams: once content has flowed, no part for this many ms aborts the attempt (its HTTP body is
   * cancelled) and the stream ends with one typed `TimeoutError` part, or is continued (see
   * `continuation`). Default: none. A drip whose gaps stay below it never fires it; pick it above the
   * longest pause of your model between parts. Only time the consumer waits counts.
   */
  idleTimeoutMs?: number;
  /**
   * Streams, opt-in (default off): when a text-only answer fails after content (a reset, `idleTimeoutMs`,
   * a retryable `error` part), the call is re-issued with the text so far appended as an assistant
   * message, and the continuation is spliced into the same stream: one `stream-start`, one text, one
   * `finish`. `true` allows 2 continuations per stream; `{ maxContinuations }` sets it. Never after a
   * tool call, file or source; reasoning is allowed (not sent back; a continuation's reasoning is
   * dropped). Only for servers that continue from an assistant prefix: see the README.
   */
  continuation?: boolean | { maxContinuations?: number };
  /**
   * Opt-in hedging (default: off; `true` is `{ afterMs: 'auto' }`). When an attempt has produced no
   * content after `afterMs` (generate:
   * no answer; streams: no content part), a second attempt is sent in parallel, on the same model
   * (`model: 'same'`, the default) or on the next fallback model (`'fallback'`; the same model when
   * there is none). The first to produce content wins; the other is aborted before any of its output
   * reaches the consumer. At most one hedge per call (a continuation is never hedged). It counts as a
   * retry: it takes the next attempt number of its model (so it needs a retry left under
   * `maxRetries`), the guard's `allowRetry` (retry budget) must admit it and `beforeAttempt` (cooldown, pacing, circuit) runs first, and it is
   * never sent before a `Retry-After` seen during the call has run out. `onHedge` reports it,
   * telemetry marks its attempt `hedge: true`. The caller's abort aborts both; when both fail, the
   * loop goes on as after any failed attempt.
   */
  hedge?: boolean | HedgeOptions;
  /** Wait what `retry-after-ms` / `Retry-After` say instead of the backoff (default true). */
  respectRetryAfter?: boolean;
  /**
   * Longest server-requested wait honoured, in ms (default 60 000). A longer one gives up at once with
   * the typed error (`exhaustedReason: 'retry_after_too_long'`), or moves on to a fallback model.
   */
  maxRetryAfterMs?: number;
  /**
   * Overrides the retry decision per error: return `true`/`false`, or `undefined` for the default
   * (`error.isRetryable`, which includes `x-should-retry`). May be async; a throw counts as `undefined`.
   */
  shouldRetry?: (
    error: AlayaError,
    context: { attempt: number; model: ModelRef },
  ) => boolean | undefined | Promise<boolean | undefined>;
  /**
   * Models tried in order once a model's retries are exhausted (or its error is not retryable but
   * `fallbackOn` accepts it): model objects such as `alaya('glm-5.1')`, not ids. Called with the same
   * (already transformed) call options.
   */
  fallbackModels?: LanguageModelV4[];
  /**
   * Whether to move on to the next fallback model after `error`: return `true`/`false`, or
   * `undefined` for the default (408, 409, 429 rate limits, 5xx, connection errors, timeouts, an
   * open circuit; not other 4xx and not insufficient quota). May be async; a throw counts as `false`.
   */
  fallbackOn?: (error: AlayaError) => boolean | undefined | Promise<boolean | undefined>;
  /** Called before each backoff sleep. Errors it throws (or rejects with) are ignored. */
  onRetry?: (event: RetryEvent) => void | Promise<void>;
  /** Called when a hedge is sent (see `hedge`). Errors it throws (or rejects with) are ignored. */
  onHedge?: (event: HedgeEvent) => void | Promise<void>;
  /** Called when the loop moves on to a fallback model. Errors it throws (or rejects with) are ignored. */
  onFallback?: (event: FallbackEvent) => void | Promise<void>;
  /**
   * The API key in use, removed from every error field. Credential headers (`authorization`,
   * `api-key`, …) are always redacted.
   */
  apiKey?: string;
  /**
   * Observers of every attempt, wait, fallback and fleet event (default: none, nothing recorded and
   * nothing loaded): `alayaOpenTelemetry()` from `@alaya-code/ai-sdk-middleware/otel` (a span per
   * attempt, events, metrics) and/or `createCallCounters()` (a snapshot for a health endpoint).
   * The guard (`guard`) reports its fleet events (breaker transitions, refused retries, cooldown and
   * pace waits) of this middleware's attempts to them, so one guard shared by several middlewares
   * reports to each the events of its own calls. Every string they get (an error code, a model id)
   * is cut to 256 characters.
   */
  telemetry?: AlayaTelemetry | AlayaTelemetry[];
  /**
   * What instances share: the guard from `createFleetGuard({ store, circuitBreaker, pacing, … })`
   * (shared cooldowns, retry budget, circuit breaker, pacing, and its hooks), built once and given
   * to every middleware that calls with the same key. Default: none, nothing shared. Any
   * {@link AttemptGuard} works (advanced: hooks around every attempt).
   */
  guard?: AttemptGuard;
}

/** The options only a stream reads: `alayaEmbeddingMiddleware` refuses them. */
export const STREAM_ONLY_OPTIONS = [
  'firstContentTimeoutMs',
  'idleTimeoutMs',
  'continuation',
] as const;

/**
 * Options of `alayaEmbeddingMiddleware`: those of `alayaMiddleware` that a one-shot call reads (the
 * stream-only `firstContentTimeoutMs`, `idleTimeoutMs` and `continuation` are refused), checked by
 * the same resolver, with embedding models as `fallbackModels` and the expected vector length.
 */
export interface AlayaEmbeddingMiddlewareOptions
  extends Omit<AlayaMiddlewareOptions, (typeof STREAM_ONLY_OPTIONS)[number] | 'fallbackModels'> {
  /**
   * Embedding models tried in order once a model's retries are exhausted (see `fallbackOn`), such as
   * `alaya.embedding('…')`: each must answer with vectors of the expected length (`dimensions`).
   */
  fallbackModels?: EmbeddingModelV4[];
  /**
   * The length every vector must have (an integer >= 1). Absent: the call's own `dimensions`, else
   * the length of the primary model's first answer (remembered by this middleware). An answer
   * with another length, or with vectors of unequal lengths, is a `DimensionMismatchError` before
   * any vector reaches the caller (a vector store cannot mix lengths): not retried, the next
   * fallback model is tried. Until the length is known, a fallback model's answer is refused
   * (nothing to check it against): set it to fall back from the first call.
   */
  dimensions?: number;
}
