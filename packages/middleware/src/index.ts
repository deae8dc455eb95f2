export {
  type AlayaAttempt,
  AlayaError,
  type AlayaErrorKind,
  type AlayaErrorOptions,
  type AlayaExhaustedReason,
  rebuildAlayaError,
} from './alaya-error';
export {
  ALAYA_METADATA_KEY,
  type AlayaMiddlewareOptions,
  alayaMiddleware,
  defaultFallbackOn,
} from './alaya-middleware';
export {
  type AttemptGuard,
  type AttemptInfo,
  type AttemptSuccessInfo,
  noopAttemptGuard,
} from './attempt-guard';
export { type BackoffSettings, computeBackoffDelay, sleep } from './backoff';
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
export * from './fleet';
export { isAlayaError } from './is-alaya-error';
export { isCallerAbort } from './is-caller-abort';
export {
  getHeader,
  type HeadersLike,
  parseRetryAfter,
  parseRetryHeaders,
  parseShouldRetry,
  type RetryHeaders,
} from './parse-retry-after';
export { REDACTED, redactHeaders, redactString } from './redact';
export type { FallbackEvent, ModelRef, RetryEvent } from './retry';
export { isContentPart } from './stream-attempt';
export {
  DEFAULT_HINTS,
  isInsufficientQuota,
  type ToAlayaErrorContext,
  toAlayaError,
} from './to-alaya-error';
