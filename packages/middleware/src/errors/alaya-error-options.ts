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
  | 'circuit_open'
  /** An embedding answer's vectors have another length than expected (`DimensionMismatchError`). */
  | 'dimension_mismatch';

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
  /** What the user can do about it; `toAlayaError` fills it from the hints for the kind. */
  hint?: string;
  /** Wait the server asked for (`retry-after-ms` / `Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /**
   * Value of the `x-request-id` (or `request-id`, `x-oneapi-request-id`) response header, else the
   * `(request id: …)` a gateway wrote into the message.
   */
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
