/**
 * The error floor of `@alaya-code/ai-sdk-middleware` (also its `./errors` subpath): the typed error
 * classes, `toAlayaError`, redaction and the retry-header parsers. The provider and the middleware
 * both stand on it; it depends on `@ai-sdk/provider` only.
 */
export {
  type AlayaAttempt,
  AlayaError,
  type AlayaErrorClass,
  type AlayaErrorConstructor,
  type AlayaErrorKind,
  type AlayaErrorOf,
  type AlayaErrorOptions,
  type AlayaExhaustedReason,
  rebuildAlayaError,
} from './alaya-error';
export { CircuitOpenError, type CircuitOpenErrorOptions } from './circuit-open-error';
export { DimensionMismatchError } from './dimension-mismatch-error';
export { type ErrorEnvelope, isInsufficientQuota } from './error-envelope';
export { getHeader, type HeadersLike } from './headers';
export { DEFAULT_HINTS, GENERIC_HINTS } from './hints';
export { isAlayaError } from './is-alaya-error';
export { isCallerAbort } from './is-caller-abort';
export { ConnectionError, TimeoutError } from './network-errors';
export {
  parseRetryAfter,
  parseRetryHeaders,
  parseShouldRetry,
  type RetryHeaders,
} from './parse-retry-after';
export { redactHeaders } from './redact';
export { REDACTED, redactString } from './redact-text';
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
export { type ToAlayaErrorContext, toAlayaError } from './to-alaya-error';
