export {
  type AlayaAttempt,
  AlayaError,
  type AlayaErrorKind,
  type AlayaErrorOptions,
  type AlayaExhaustedReason,
  rebuildAlayaError,
} from './alaya-error';
export { CircuitOpenError, type CircuitOpenErrorOptions } from './circuit-open-error';
export { isAlayaError } from './is-alaya-error';
export { isCallerAbort } from './is-caller-abort';
export { ConnectionError, TimeoutError } from './network-errors';
export {
  getHeader,
  type HeadersLike,
  parseRetryAfter,
  parseRetryHeaders,
  parseShouldRetry,
  type RetryHeaders,
} from './parse-retry-after';
export { REDACTED, redactHeaders, redactString } from './redact';
export {
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  InsufficientQuotaError,
  InternalServerError,
  isRetryableStatus,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  UnknownStatusError,
} from './status-errors';
export {
  DEFAULT_HINTS,
  isInsufficientQuota,
  type ToAlayaErrorContext,
  toAlayaError,
} from './to-alaya-error';
