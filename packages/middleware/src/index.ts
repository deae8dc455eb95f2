export {
  type AlayaAttempt,
  AlayaError,
  type AlayaErrorKind,
  type AlayaErrorOptions,
  type AlayaExhaustedReason,
  rebuildAlayaError,
} from './alaya-error';
export { ConnectionError, TimeoutError } from './errors/network-errors';
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
} from './errors/status-errors';
export { isAlayaError } from './is-alaya-error';
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
  DEFAULT_HINTS,
  isInsufficientQuota,
  type ToAlayaErrorContext,
  toAlayaError,
} from './to-alaya-error';
