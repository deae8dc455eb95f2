import { AlayaError, type AlayaErrorOptions, hasMarker } from './alaya-error';

const badRequestErrorMarker = 'alaya-code.ai-sdk.error.BadRequestError';
const badRequestErrorSymbol = Symbol.for(badRequestErrorMarker);

/** 400 Bad Request: the request body is malformed or misses required fields. */
export class BadRequestError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [badRequestErrorSymbol] = true;
  readonly kind = 'bad_request' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_BadRequestError', isRetryable: false });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is BadRequestError {
    return hasMarker(error, badRequestErrorMarker);
  }
}

const authenticationErrorMarker = 'alaya-code.ai-sdk.error.AuthenticationError';
const authenticationErrorSymbol = Symbol.for(authenticationErrorMarker);

/** 401 Unauthorized: the API key is invalid, expired or missing. */
export class AuthenticationError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [authenticationErrorSymbol] = true;
  readonly kind = 'authentication' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_AuthenticationError', isRetryable: false });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is AuthenticationError {
    return hasMarker(error, authenticationErrorMarker);
  }
}

const insufficientQuotaErrorMarker = 'alaya-code.ai-sdk.error.InsufficientQuotaError';
const insufficientQuotaErrorSymbol = Symbol.for(insufficientQuotaErrorMarker);

/** 402 Payment Required (or a 429 whose envelope says `insufficient_quota`): balance or spend cap exhausted. Not retried. */
export class InsufficientQuotaError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [insufficientQuotaErrorSymbol] = true;
  readonly kind = 'insufficient_quota' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_InsufficientQuotaError', isRetryable: false });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is InsufficientQuotaError {
    return hasMarker(error, insufficientQuotaErrorMarker);
  }
}

const permissionDeniedErrorMarker = 'alaya-code.ai-sdk.error.PermissionDeniedError';
const permissionDeniedErrorSymbol = Symbol.for(permissionDeniedErrorMarker);

/** 403 Forbidden: the plan does not include the model or feature. */
export class PermissionDeniedError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [permissionDeniedErrorSymbol] = true;
  readonly kind = 'permission_denied' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_PermissionDeniedError', isRetryable: false });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is PermissionDeniedError {
    return hasMarker(error, permissionDeniedErrorMarker);
  }
}

const notFoundErrorMarker = 'alaya-code.ai-sdk.error.NotFoundError';
const notFoundErrorSymbol = Symbol.for(notFoundErrorMarker);

/** 404 Not Found: wrong API path or model name. */
export class NotFoundError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [notFoundErrorSymbol] = true;
  readonly kind = 'not_found' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_NotFoundError', isRetryable: false });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is NotFoundError {
    return hasMarker(error, notFoundErrorMarker);
  }
}

const rateLimitErrorMarker = 'alaya-code.ai-sdk.error.RateLimitError';
const rateLimitErrorSymbol = Symbol.for(rateLimitErrorMarker);

/** 429 Too Many Requests: RPM or TPM limit exceeded. Retried, honouring `Retry-After`. */
export class RateLimitError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [rateLimitErrorSymbol] = true;
  readonly kind = 'rate_limit' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_RateLimitError', isRetryable: true });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is RateLimitError {
    return hasMarker(error, rateLimitErrorMarker);
  }
}

const internalServerErrorMarker = 'alaya-code.ai-sdk.error.InternalServerError';
const internalServerErrorSymbol = Symbol.for(internalServerErrorMarker);

/** 500 Internal Server Error. Retried. */
export class InternalServerError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [internalServerErrorSymbol] = true;
  readonly kind = 'internal_server' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_InternalServerError', isRetryable: true });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is InternalServerError {
    return hasMarker(error, internalServerErrorMarker);
  }
}

const badGatewayErrorMarker = 'alaya-code.ai-sdk.error.BadGatewayError';
const badGatewayErrorSymbol = Symbol.for(badGatewayErrorMarker);

/** 502 Bad Gateway: the upstream LLM provider is unavailable. Retried, then the next fallback model. */
export class BadGatewayError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [badGatewayErrorSymbol] = true;
  readonly kind = 'bad_gateway' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_BadGatewayError', isRetryable: true });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is BadGatewayError {
    return hasMarker(error, badGatewayErrorMarker);
  }
}

const serviceUnavailableErrorMarker = 'alaya-code.ai-sdk.error.ServiceUnavailableError';
const serviceUnavailableErrorSymbol = Symbol.for(serviceUnavailableErrorMarker);

/** 503 Service Unavailable: maintenance or overload. Retried. */
export class ServiceUnavailableError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [serviceUnavailableErrorSymbol] = true;
  readonly kind = 'service_unavailable' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_ServiceUnavailableError', isRetryable: true });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is ServiceUnavailableError {
    return hasMarker(error, serviceUnavailableErrorMarker);
  }
}

const unknownStatusErrorMarker = 'alaya-code.ai-sdk.error.UnknownStatusError';
const unknownStatusErrorSymbol = Symbol.for(unknownStatusErrorMarker);

/** Any other status (e.g. 408, 409, 413, Anthropic's 529 `overloaded_error`), or a failure with no status that is neither a connection problem nor a timeout. Retried for 408, 409 and 5xx. */
export class UnknownStatusError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [unknownStatusErrorSymbol] = true;
  readonly kind = 'unknown_status' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, {
      name: 'AI_UnknownStatusError',
      isRetryable: isRetryableStatus(options.statusCode),
    });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is UnknownStatusError {
    return hasMarker(error, unknownStatusErrorMarker);
  }
}

/** The AI SDK's (and the seed's) rule: 408, 409, 429 and every 5xx may succeed on a new request. */
export function isRetryableStatus(statusCode: number | undefined): boolean {
  return (
    statusCode != null &&
    (statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500)
  );
}
