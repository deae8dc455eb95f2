import type { AlayaErrorBase } from './alaya-error';
import type { AlayaErrorKind } from './alaya-error-options';
import { isRetryableStatus } from './is-retryable-status';

/** What is decided by default for the errors of one kind. */
export interface ErrorKindDefaults {
  /** The class's default `isRetryable`: a constant, or a rule on the status. */
  retryable: boolean | ((statusCode: number | undefined) => boolean);
  /** Whether the default `fallbackOn` moves on to the next fallback model: a constant, or a rule. */
  fallback: boolean | ((error: AlayaErrorBase) => boolean);
  /** Whether the circuit breaker's default `isFailure` counts it (any 5xx status counts too). */
  breakerFailure: boolean;
}

/**
 * One row per error kind: everything the middleware decides by kind alone. Adding a kind to
 * `AlayaErrorKind` does not compile until it has a row here, its hints (`DEFAULT_HINTS`,
 * `GENERIC_HINTS`) and its class in the `AlayaError` union.
 */
export const ERROR_KINDS: Readonly<Record<AlayaErrorKind, ErrorKindDefaults>> = {
  bad_request: { retryable: false, fallback: false, breakerFailure: false },
  authentication: { retryable: false, fallback: false, breakerFailure: false },
  insufficient_quota: { retryable: false, fallback: false, breakerFailure: false },
  permission_denied: { retryable: false, fallback: false, breakerFailure: false },
  not_found: { retryable: false, fallback: false, breakerFailure: false },
  rate_limit: { retryable: true, fallback: true, breakerFailure: false },
  internal_server: { retryable: true, fallback: true, breakerFailure: true },
  bad_gateway: { retryable: true, fallback: true, breakerFailure: true },
  service_unavailable: { retryable: true, fallback: true, breakerFailure: true },
  // 408, 409 and 5xx are retried and fall back; a failure with no status keeps its own verdict.
  unknown_status: {
    retryable: isRetryableStatus,
    fallback: error =>
      error.statusCode == null ? error.isRetryable : isRetryableStatus(error.statusCode),
    breakerFailure: false,
  },
  connection: { retryable: true, fallback: true, breakerFailure: true },
  timeout: { retryable: true, fallback: true, breakerFailure: true },
  // Nothing was sent: not retried (the breaker stays open for seconds), but another model may serve.
  circuit_open: { retryable: false, fallback: true, breakerFailure: false },
  // The model answered, with vectors of another length: it would again; another model may not.
  dimension_mismatch: { retryable: false, fallback: true, breakerFailure: false },
};

/** True for a string that is one of the kinds (a value read from an unknown object). */
export function isErrorKind(value: unknown): value is AlayaErrorKind {
  return typeof value === 'string' && Object.hasOwn(ERROR_KINDS, value);
}
