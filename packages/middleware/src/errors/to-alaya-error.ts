import { APICallError } from '@ai-sdk/provider';
import {
  AlayaError,
  type AlayaErrorKind,
  type AlayaErrorOptions,
  rebuildAlayaError,
} from './alaya-error';
import { describeResponseBody, statusLine } from './describe-response-body';
import { type ErrorEnvelope, readErrorEnvelope, readErrorEnvelopeFromBody } from './error-envelope';
import { ConnectionError, TimeoutError } from './network-errors';
import { getHeader, type HeadersLike, parseRetryHeaders } from './parse-retry-after';
import {
  redactError,
  redactHeaders,
  redactString,
  redactUrl,
  redactValue,
  safeString,
} from './redact';
import {
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

/** Extra knowledge the caller has when mapping an error. */
export interface ToAlayaErrorContext {
  /** The API key in use: every occurrence is removed from every field of the result. */
  apiKey?: string;
  /** Model that was called (set on the error when it has none). */
  modelId?: string;
  /** Provider of the model that was called (set on the error when it has none). */
  provider?: string;
  /** Replaces the default `hint` for the given kinds. */
  hints?: Partial<Record<AlayaErrorKind, string>>;
  /**
   * Text appended (after a space) to the message of errors of the given kinds, once; e.g.
   * `{ not_found: 'Available models: glm-5.2, glm-5.1.' }`. The server's message stays the start.
   */
  messageSuffixes?: Partial<Record<AlayaErrorKind, string>>;
  /**
   * The value came from a stream `error` part: a bare envelope, text or error without a status is then
   * treated as a server-side failure of the stream and is retryable.
   */
  fromStreamPart?: boolean;
  /** Current time for HTTP-date `Retry-After` (defaults to `Date.now()`). */
  now?: number;
}

/** The seed's "solution" column, per kind; also used for `hint`. */
export const DEFAULT_HINTS: Readonly<Record<AlayaErrorKind, string>> = {
  bad_request: 'Check request body format and ensure all required fields are present',
  authentication: 'Check the Authorization header format and API Key',
  insufficient_quota: 'Upgrade plan or purchase a booster pack',
  permission_denied: 'Upgrade to a plan that supports the model',
  not_found: 'Check the URL path and model name',
  rate_limit: 'Reduce request frequency or upgrade plan. Check Retry-After header',
  internal_server: 'Retry the request. Contact support if it persists',
  bad_gateway: 'Retry later or switch to another model',
  service_unavailable: 'Retry later',
  unknown_status: 'Retry later if the status is 408, 409 or 5xx; otherwise check the request',
  connection: 'Check the network connection and the base URL, then retry',
  timeout: 'Retry the request; raise the timeout if it keeps happening',
  circuit_open:
    'The model failed repeatedly; wait until the circuit closes or use a fallback model',
};

type ErrorClass = new (options: AlayaErrorOptions) => AlayaError;

const CLASS_BY_STATUS: Record<number, ErrorClass> = {
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

/**
 * Envelope `code`s and `type`s that imply a status when no HTTP status is known (stream `error`
 * parts). The `code` is looked up first: it is the more specific of the two (OpenAI and Alaya send
 * `type: invalid_request_error` with `code: invalid_api_key` or `not_found`).
 */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  insufficient_quota: 402,
  billing_error: 402,
  permission_error: 403,
  permission_denied: 403,
  not_found_error: 404,
  not_found: 404,
  model_not_found: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  server_error: 500,
  api_error: 500,
  internal_error: 500,
  bad_gateway: 502,
  upstream_error: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
  overloaded_error: 529,
};

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
]);
const FETCH_FAILURE_MESSAGES = [
  'fetch failed',
  'failed to fetch',
  'terminated',
  'network error',
  'networkerror when attempting to fetch resource',
  'load failed',
  'the network connection was lost',
  'socket hang up',
  'other side closed',
  // The openai npm client's APIConnectionError without a cause:
  'connection error',
];
/** Timeout messages without a code (the openai npm client's APIConnectionTimeoutError). */
const TIMEOUT_MESSAGES = ['request timed out'];

/** True when the envelope's `code` or `type` says the account is out of quota (OpenAI, DeepSeek). */
export function isInsufficientQuota(envelope: ErrorEnvelope | undefined): boolean {
  return envelope?.code === 'insufficient_quota' || envelope?.type === 'insufficient_quota';
}

/**
 * Maps anything a model can throw (an `APICallError` from any provider, a failed `fetch`, a timeout,
 * the payload of a stream `error` part, an already-typed error, or any other value) to a typed
 * {@link AlayaError}. Never throws. Status decides the class (a 429 whose envelope says
 * `insufficient_quota` is an `InsufficientQuotaError`); the envelope fills `message`, `type`, `code`;
 * headers fill `retryAfterMs`, `requestId` and (`x-should-retry`) `isRetryable`. An already-typed
 * error keeps its class and is redacted again with `context.apiKey`.
 *
 * It does not know about the caller's abort signal: check for the caller's abort (see
 * `isCallerAbort`) before calling it, and rethrow such errors untouched.
 */
export function toAlayaError(error: unknown, context: ToAlayaErrorContext = {}): AlayaError {
  try {
    return finish(mapError(error, context, 0), context);
  } catch {
    return finish(
      new UnknownStatusError({
        message: 'Unknown error (the thrown value could not be read)',
        isRetryable: false,
      }),
      context,
    );
  }
}

function mapError(error: unknown, context: ToAlayaErrorContext, depth: number): AlayaError {
  if (AlayaError.isInstance(error)) return error;
  if (depth < 4 && isRetryErrorLike(error)) {
    return mapError((error as { lastError: unknown }).lastError, context, depth + 1);
  }
  if (APICallError.isInstance(error)) return fromApiCallError(error, context);
  if (
    error instanceof Error ||
    (typeof DOMException !== 'undefined' && error instanceof DOMException)
  ) {
    return fromError(error as Error, context);
  }
  if (typeof error === 'string') {
    return new UnknownStatusError({
      message: error === '' ? 'Unknown error (empty string thrown)' : error,
      isRetryable: context.fromStreamPart === true,
    });
  }
  if (error != null && typeof error === 'object') return fromPlainObject(error, context);
  return new UnknownStatusError({
    message: `Unknown error: ${safeString(error)}`,
    isRetryable: false,
  });
}

function fromApiCallError(error: APICallError, context: ToAlayaErrorContext): AlayaError {
  const headers = error.responseHeaders;
  const base: AlayaErrorOptions = {
    message: error.message,
    url: error.url,
    requestBodyValues: error.requestBodyValues,
    responseHeaders: headers,
    responseBody: error.responseBody,
    cause: error,
    data: error.data,
  };
  if (error.statusCode != null && error.statusCode >= 400) {
    const envelope = readErrorEnvelope(error.data) ?? readErrorEnvelopeFromBody(error.responseBody);
    return fromStatus(error.statusCode, envelope, headers, error.responseBody, base, context);
  }
  // No status, or a successful status whose body failed (connection dropped, invalid JSON).
  const network = classifyNetworkError(error);
  if (network) return new network.Class({ ...base, message: network.message(error.message) });
  const envelope = readErrorEnvelope(error.data);
  if (envelope) return fromEnvelope(envelope, base, context);
  const message =
    error.statusCode != null && error.responseBody !== undefined
      ? `${error.message || statusLine(error.statusCode)}: ${describeBody(error.responseBody, context)}`
      : error.message;
  return new UnknownStatusError({
    ...base,
    message,
    statusCode: error.statusCode,
    isRetryable: error.isRetryable,
  });
}

function fromError(error: Error, context: ToAlayaErrorContext): AlayaError {
  const record = error as unknown as Record<string, unknown>;
  const status = [record.statusCode, record.status].find(
    value => typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599,
  ) as number | undefined;
  const headers = toHeaderRecord((record.responseHeaders ?? record.headers) as HeadersLike);
  const body = typeof record.responseBody === 'string' ? record.responseBody : undefined;
  const data = record.data ?? record.error;
  const base: AlayaErrorOptions = {
    message: safeString(error.message),
    url: typeof record.url === 'string' ? record.url : undefined,
    responseHeaders: headers,
    responseBody: body,
    cause: error,
    data,
    requestId: typeof record.requestID === 'string' ? record.requestID : undefined,
  };
  if (status != null && status >= 400) {
    const envelope =
      readErrorEnvelope(data) ?? readErrorEnvelopeFromBody(body) ?? readErrorEnvelope(record);
    return fromStatus(status, envelope, headers, body, base, context);
  }
  const network = classifyNetworkError(error);
  if (network) return new network.Class({ ...base, message: network.message(base.message) });
  if (error.name === 'AbortError') {
    return new ConnectionError({
      ...base,
      message: `The request was aborted: ${base.message}`,
      isRetryable: false,
    });
  }
  // In a stream `error` part (an invalid chunk, a stream that ended without a finish reason) it is
  // a failure of that response, like an envelope without a status: retryable before content.
  return new UnknownStatusError({
    ...base,
    message: base.message || `${safeString(error.name)} without a message`,
    isRetryable: context.fromStreamPart === true,
  });
}

function fromPlainObject(value: object, context: ToAlayaErrorContext): AlayaError {
  const envelope = readErrorEnvelope(value);
  const base: AlayaErrorOptions = { message: '', data: value };
  if (envelope) return fromEnvelope(envelope, base, context);
  return new UnknownStatusError({
    ...base,
    message: `Unknown error: ${describeBody(safeJson(value), context)}`,
    isRetryable: context.fromStreamPart === true,
  });
}

function statusFor(name: string | undefined): number | undefined {
  return name != null && Object.hasOwn(STATUS_BY_TYPE, name) ? STATUS_BY_TYPE[name] : undefined;
}

/** An envelope without an HTTP status: a stream `error` part, or an error object without a response. */
function fromEnvelope(
  envelope: ErrorEnvelope,
  base: AlayaErrorOptions,
  context: ToAlayaErrorContext,
): AlayaError {
  const implied =
    envelope.status ??
    (isInsufficientQuota(envelope) ? 402 : undefined) ??
    statusFor(envelope.code) ??
    statusFor(envelope.type);
  const Class = (implied != null && CLASS_BY_STATUS[implied]) || UnknownStatusError;
  const isRetryable =
    implied === 402
      ? false
      : (envelope.isRetryable ??
        (implied != null ? isRetryableStatus(implied) : context.fromStreamPart === true));
  const message = envelope.message?.trim()
    ? envelope.message
    : `Error${envelope.type ? ` of type ${envelope.type}` : ''}${envelope.code ? ` (code ${envelope.code})` : ''}`;
  return new Class({
    ...base,
    message,
    statusCode: envelope.status,
    type: envelope.type,
    code: envelope.code,
    isRetryable,
  });
}

function fromStatus(
  statusCode: number,
  envelope: ErrorEnvelope | undefined,
  headers: Record<string, string> | undefined,
  body: string | undefined,
  base: AlayaErrorOptions,
  context: ToAlayaErrorContext,
): AlayaError {
  const quota = statusCode === 402 || (statusCode === 429 && isInsufficientQuota(envelope));
  const Class = quota
    ? InsufficientQuotaError
    : (CLASS_BY_STATUS[statusCode] ?? UnknownStatusError);
  const retryHeaders = parseRetryHeaders(headers, context.now);
  const message = envelope?.message?.trim()
    ? envelope.message
    : `${statusLine(statusCode)}: ${describeBody(body, context)}`;
  const isRetryable = quota
    ? false
    : (retryHeaders.shouldRetry ??
      (Class === UnknownStatusError ? isRetryableStatus(statusCode) : undefined));
  return new Class({
    ...base,
    message,
    statusCode,
    type: envelope?.type,
    code: envelope?.code,
    isRetryable,
    retryAfterMs: retryHeaders.retryAfterMs,
    requestId:
      getHeader(headers, 'x-request-id') ?? getHeader(headers, 'request-id') ?? base.requestId,
  });
}

/** {@link describeResponseBody} of the body with the key removed first: an excerpt may cut a key in two. */
function describeBody(body: string | undefined, context: ToAlayaErrorContext): string {
  const key = context.apiKey?.trim() || undefined;
  return describeResponseBody(body === undefined ? body : redactString(body, key));
}

interface NetworkClass {
  Class: ErrorClass;
  message: (original: string) => string;
}

/** Walks the `cause` chain for a socket/undici code, a timeout, or a `fetch` failure message. */
export function classifyNetworkError(error: unknown): NetworkClass | undefined {
  let current: unknown = error;
  let fetchFailure = false;
  for (let depth = 0; depth < 8 && current != null && typeof current === 'object'; depth++) {
    const record = current as Record<string, unknown>;
    const code = typeof record.code === 'string' ? record.code : undefined;
    const name = typeof record.name === 'string' ? record.name : '';
    const detail =
      typeof record.message === 'string' && record.message ? record.message : undefined;
    if (
      (code && TIMEOUT_CODES.has(code)) ||
      name === 'TimeoutError' ||
      name === 'ConnectTimeoutError'
    ) {
      return {
        Class: TimeoutError,
        message: original => `Request timed out${suffix(code, detail ?? original)}`,
      };
    }
    if (code && (CONNECTION_CODES.has(code) || code.startsWith('UND_ERR'))) {
      return {
        Class: ConnectionError,
        message: original => `Connection failed${suffix(code, detail ?? original)}`,
      };
    }
    const message = detail ? detail.toLowerCase().replace(/\.$/, '') : '';
    if (TIMEOUT_MESSAGES.includes(message)) {
      return { Class: TimeoutError, message: original => `Request timed out: ${original}` };
    }
    if (FETCH_FAILURE_MESSAGES.includes(message) || message.startsWith('cannot connect to api')) {
      fetchFailure = true;
    }
    current = record.cause;
  }
  if (fetchFailure) {
    return { Class: ConnectionError, message: original => `Connection failed: ${original}` };
  }
  return undefined;
}

function suffix(code: string | undefined, original: string): string {
  if (code && original.includes(code)) return `: ${original}`;
  return code ? ` (${code}): ${original}` : `: ${original}`;
}

function isRetryErrorLike(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'AI_RetryError' &&
    'lastError' in error &&
    (error as { lastError: unknown }).lastError != null
  );
}

function toHeaderRecord(headers: HeadersLike): Record<string, string> | undefined {
  if (headers == null || typeof headers !== 'object') return undefined;
  const result: Record<string, string> = {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, key) => {
      result[key.toLowerCase()] = value;
    });
    return result;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string') result[key.toLowerCase()] = value;
  }
  return result;
}

function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') return item.toString();
      if (item != null && typeof item === 'object') {
        if (seen.has(item)) return '[Circular]';
        seen.add(item);
      }
      return item;
    });
    if (json !== undefined) return json;
  } catch {
    // Fall through: a getter or toJSON threw.
  }
  return 'a value that cannot be serialised';
}

/** Redaction, context fields, hint and message suffix: applied to every result, idempotently. */
function finish(error: AlayaError, context: ToAlayaErrorContext): AlayaError {
  const key = context.apiKey?.trim() || undefined;
  const suffixText = context.messageSuffixes?.[error.kind];
  let message = redactString(error.message || `${error.name}`, key);
  if (suffixText && !message.includes(suffixText)) message = `${message} ${suffixText}`;
  const cause = error.cause;
  return rebuildAlayaError(error, {
    message,
    url: error.url ? redactUrl(error.url, key) : error.url,
    requestBodyValues:
      error.requestBodyValues === undefined ? undefined : redactValue(error.requestBodyValues, key),
    responseHeaders: redactHeaders(error.responseHeaders, key),
    responseBody:
      error.responseBody === undefined ? undefined : redactString(error.responseBody, key),
    data: error.data === undefined ? undefined : redactValue(error.data, key),
    cause:
      cause instanceof Error
        ? redactError(cause, key)
        : cause === undefined
          ? undefined
          : redactValue(cause, key),
    type: error.type === undefined ? undefined : redactString(error.type, key),
    code: error.code === undefined ? undefined : redactString(error.code, key),
    requestId: error.requestId === undefined ? undefined : redactString(error.requestId, key),
    hint: context.hints?.[error.kind] ?? error.hint ?? DEFAULT_HINTS[error.kind],
    modelId: error.modelId ?? context.modelId,
    provider: error.provider ?? context.provider,
  });
}
