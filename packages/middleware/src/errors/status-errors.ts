import { type AlayaErrorClass, errorClass } from './alaya-error';
import type { AlayaErrorKind } from './alaya-error-options';

export { isRetryableStatus } from './is-retryable-status';

/** A class of this file, as the status table gives it. */
type StatusErrorClass = AlayaErrorClass<AlayaErrorKind>;

/** 400 Bad Request: the request body is malformed or misses required fields. Not retried. */
export class BadRequestError extends errorClass('bad_request', 'BadRequestError') {}

/** 401 Unauthorized: the API key is invalid, expired or missing. Not retried. */
export class AuthenticationError extends errorClass('authentication', 'AuthenticationError') {}

/**
 * 402 Payment Required (or a 429 whose envelope says `insufficient_quota` and whose message does not
 * say the upstream is saturated): balance or spend cap exhausted. Not retried.
 */
export class InsufficientQuotaError extends errorClass(
  'insufficient_quota',
  'InsufficientQuotaError',
) {}

/** 403 Forbidden: the plan or key does not include the model or feature. Not retried. */
export class PermissionDeniedError extends errorClass(
  'permission_denied',
  'PermissionDeniedError',
) {}

/** 404 Not Found: wrong API path or model name. Not retried. */
export class NotFoundError extends errorClass('not_found', 'NotFoundError') {}

/** 429 Too Many Requests: RPM or TPM limit exceeded. Retried, honouring `Retry-After`. */
export class RateLimitError extends errorClass('rate_limit', 'RateLimitError') {}

/** 500 Internal Server Error. Retried. */
export class InternalServerError extends errorClass('internal_server', 'InternalServerError') {}

/** 502 Bad Gateway: the upstream LLM provider is unavailable. Retried, then the next fallback model. */
export class BadGatewayError extends errorClass('bad_gateway', 'BadGatewayError') {}

/** 503 Service Unavailable: maintenance or overload. Retried. */
export class ServiceUnavailableError extends errorClass(
  'service_unavailable',
  'ServiceUnavailableError',
) {}

/**
 * Any other status (e.g. 408, 409, 413, Anthropic's 529 `overloaded_error`), or a failure with no
 * status that is neither a connection problem nor a timeout. Retried for 408, 409 and 5xx.
 */
export class UnknownStatusError extends errorClass('unknown_status', 'UnknownStatusError') {}

/** The class for each status the error guide names; every other status is an `UnknownStatusError`. */
const CLASS_BY_STATUS: Readonly<Record<number, StatusErrorClass>> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: InsufficientQuotaError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
  500: InternalServerError,
  502: BadGatewayError,
  503: ServiceUnavailableError,
};

/** The class a status maps to; a quota envelope makes any status an `InsufficientQuotaError`. */
export function classForStatus(
  statusCode: number | undefined,
  insufficientQuota = false,
): StatusErrorClass {
  if (insufficientQuota) return InsufficientQuotaError;
  return (statusCode !== undefined && CLASS_BY_STATUS[statusCode]) || UnknownStatusError;
}
