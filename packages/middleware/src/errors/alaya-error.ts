import { APICallError } from '@ai-sdk/provider';

const marker = 'alaya-code.ai-sdk.error.AlayaError';
const symbol = Symbol.for(marker);

/** Discriminant of every typed error (`error.kind`). */
export type AlayaErrorKind =
  | 'bad_request'
  | 'authentication'
  | 'insufficient_quota'
  | 'permission_denied'
  | 'not_found'
  | 'rate_limit'
  | 'internal_server'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'unknown_status'
  | 'connection'
  | 'timeout'
  /** Used by the fleet guard's `CircuitOpenError` (no request was sent). */
  | 'circuit_open';

/** Why the retry loop stopped and threw (set on the error it throws). */
export type AlayaExhaustedReason =
  /** The error is not retryable (e.g. 400, 401) and no fallback model applies. */
  | 'not_retryable'
  /** `maxRetries` was spent on every model. */
  | 'max_retries'
  /** The next attempt could not start and finish before `deadlineMs`. */
  | 'deadline'
  /** The server asked for a wait longer than `maxRetryAfterMs`. */
  | 'retry_after_too_long'
  /** The attempt guard refused to spend another retry (retry budget). */
  | 'retry_budget';

/** One attempt in the history carried by an exhausted error (`error.attempts`). */
export interface AlayaAttempt {
  /** 1-based attempt number for this model. */
  attempt: number;
  /** Model that was called. */
  modelId: string;
  /** Provider of the model that was called. */
  provider: string;
  /** HTTP status, when a response came back. */
  statusCode?: number;
  /** Kind of the typed error the attempt failed with. */
  kind: AlayaErrorKind;
  /** Milliseconds waited after this attempt before the next one (absent for the last attempt). */
  delayMs?: number;
  /** Milliseconds the attempt took. */
  durationMs: number;
}

/** Constructor options shared by every error class. */
export interface AlayaErrorOptions {
  message: string;
  url?: string;
  requestBodyValues?: unknown;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  cause?: unknown;
  /** Defaults to the class default (see the classes table). */
  isRetryable?: boolean;
  data?: unknown;
  /** Envelope `error.type`. */
  type?: string;
  /** Envelope `error.code` (numbers are kept as strings). */
  code?: string;
  /** What the user can do about it; defaults to the seed's solution text for the status. */
  hint?: string;
  /** Wait the server asked for (`retry-after-ms` / `Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /** Value of the `x-request-id` (or `request-id`) response header. */
  requestId?: string;
  /** Model that failed, when known. */
  modelId?: string;
  /** Provider of the model that failed, when known. */
  provider?: string;
  /** Attempt history, set when the retry loop gave up. */
  attempts?: AlayaAttempt[];
  /** Set when the retry loop gave up. */
  exhaustedReason?: AlayaExhaustedReason;
}

/**
 * Base class of every typed error. Extends the AI SDK's `APICallError`, so `APICallError.isInstance`
 * and the AI SDK's own retry logic keep working. Use `AlayaError.isInstance(error)` (works across
 * duplicate copies of this package) rather than `instanceof`, and switch on `error.kind`.
 */
export abstract class AlayaError extends APICallError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [symbol] = true;

  /** Discriminant, one per class (see the classes table in the README). */
  abstract readonly kind: AlayaErrorKind;
  /** Envelope `error.type`, when the server sent one. */
  readonly type?: string;
  /** Envelope `error.code`, when the server sent one. */
  readonly code?: string;
  /** What the user can do about it (the seed's "solution" column for the status). */
  readonly hint?: string;
  /** Wait the server asked for, in milliseconds (already parsed from the headers). */
  readonly retryAfterMs?: number;
  /** Request id from the `x-request-id` response header. */
  readonly requestId?: string;
  /** Model that failed, when known. */
  readonly modelId?: string;
  /** Provider of the model that failed, when known. */
  readonly provider?: string;
  /** Attempt history, present when the retry loop gave up. */
  readonly attempts?: AlayaAttempt[];
  /** Why the retry loop gave up, present when it did. */
  readonly exhaustedReason?: AlayaExhaustedReason;

  constructor(options: AlayaErrorOptions, defaults: { name: string; isRetryable: boolean }) {
    super({
      message: options.message,
      url: options.url ?? '',
      requestBodyValues: options.requestBodyValues,
      statusCode: options.statusCode,
      responseHeaders: options.responseHeaders,
      responseBody: options.responseBody,
      cause: options.cause,
      isRetryable: options.isRetryable ?? defaults.isRetryable,
      data: options.data,
    });
    this.name = defaults.name;
    this.type = options.type;
    this.code = options.code;
    this.hint = options.hint;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.modelId = options.modelId;
    this.provider = options.provider;
    this.attempts = options.attempts;
    this.exhaustedReason = options.exhaustedReason;
  }

  /** True for any typed error from this package, including copies loaded twice. */
  static override isInstance(error: unknown): error is AlayaError {
    return hasMarker(error, marker);
  }

  /** The options this error was built from; `rebuildAlayaError` uses it to make modified copies. */
  toOptions(): AlayaErrorOptions {
    return {
      message: this.message,
      url: this.url,
      requestBodyValues: this.requestBodyValues,
      statusCode: this.statusCode,
      responseHeaders: this.responseHeaders,
      responseBody: this.responseBody,
      cause: this.cause,
      isRetryable: this.isRetryable,
      data: this.data,
      type: this.type,
      code: this.code,
      hint: this.hint,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      modelId: this.modelId,
      provider: this.provider,
      attempts: this.attempts,
      exhaustedReason: this.exhaustedReason,
    };
  }

  /** A JSON view without the request body, the raw response body or any credential. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      statusCode: this.statusCode,
      type: this.type,
      code: this.code,
      hint: this.hint,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      isRetryable: this.isRetryable,
      url: this.url || undefined,
      modelId: this.modelId,
      provider: this.provider,
      responseHeaders: this.responseHeaders,
      attempts: this.attempts,
      exhaustedReason: this.exhaustedReason,
    };
  }
}

/** Checks a `Symbol.for` marker, the way the AI SDK's errors do. */
export function hasMarker(error: unknown, markerName: string): boolean {
  const markerSymbol = Symbol.for(markerName);
  return (
    error != null &&
    typeof error === 'object' &&
    markerSymbol in error &&
    (error as Record<symbol, unknown>)[markerSymbol] === true
  );
}

/** A copy of `error` (same class, even from another package copy) with some options replaced. */
export function rebuildAlayaError<E extends AlayaError>(
  error: E,
  overrides: Partial<AlayaErrorOptions>,
): E {
  const Ctor = error.constructor as new (options: AlayaErrorOptions) => E;
  return new Ctor({ ...error.toOptions(), ...overrides });
}
