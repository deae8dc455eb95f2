import { APICallError } from '@ai-sdk/provider';
import { classifyNetworkError, type NetworkFailure } from './classify-network-error';
import { describeResponseBody, statusLine } from './describe-response-body';
import { type ErrorEnvelope, parseJsonBody, readErrorEnvelope } from './error-envelope';
import { requestIdHeader, toHeaderRecord } from './headers';
import { safeGet, safeJson, safeString } from './safe-stringify';

/** Everything `toAlayaError` reads from a thrown value, in one shape, whatever was thrown. */
export interface Failure {
  /** The message when nothing better (an envelope, a status) is known. */
  message: string;
  /** HTTP status; 400–599 decides the class. */
  statusCode?: number;
  envelope?: ErrorEnvelope;
  /** A connection failure or a timeout found on the value or its `cause` chain. */
  network?: NetworkFailure;
  /** The value is an `AbortError` that is not the caller's (checked before mapping). */
  aborted?: boolean;
  /** Retryable when nothing decides otherwise. */
  isRetryable: boolean;
  headers?: Record<string, string>;
  body?: string;
  /** The body looked like JSON and did not parse. */
  invalidJson?: boolean;
  url?: string;
  requestBodyValues?: unknown;
  data?: unknown;
  cause?: unknown;
  requestId?: string;
}

/** What normalising needs to know: the key (removed before a body is cut) and the stream flag. */
export interface NormalizeOptions {
  apiKey?: string | undefined;
  fromStreamPart?: boolean | undefined;
}

/**
 * Reads any thrown value into one {@link Failure}: an `APICallError` from any provider, an `Error`
 * (with `status`/`headers`/`error` like the `openai` client's, or a `fetch` failure), a
 * `DOMException`, a string, a plain object (an envelope or a stream `error` part), or anything else.
 * Every read is guarded: a throwing getter loses that field, never the status.
 */
export function normalizeFailure(error: unknown, options: NormalizeOptions): Failure {
  const fromStream = options.fromStreamPart === true;
  if (typeof error === 'string') {
    return { message: error || 'Unknown error (empty string thrown)', isRetryable: fromStream };
  }
  if (error == null || typeof error !== 'object') {
    return { message: `Unknown error: ${safeString(error)}`, isRetryable: false };
  }
  const isApiCall = APICallError.isInstance(error);
  if (!isApiCall && !isErrorLike(error)) {
    const envelope = readErrorEnvelope(error);
    const message = envelope
      ? ''
      : `Unknown error: ${describeResponseBody(safeJson(error), { ...options, invalidJson: false })}`;
    return { message, envelope, data: error, isRetryable: fromStream };
  }
  const read = (key: string) => safeGet(error, key);
  // An APICallError's status is taken as it is; on other errors only a plausible one counts.
  const statusCode = isApiCall
    ? numberOrUndefined(read('statusCode'))
    : [read('statusCode'), read('status')].find(isStatus);
  const headers = toHeaderRecord(read('responseHeaders') ?? read('headers'));
  const rawBody = read('responseBody');
  const body = typeof rawBody === 'string' ? rawBody : undefined;
  const parsed = statusCode !== undefined && statusCode >= 400 ? parseJsonBody(body) : {};
  const data = read('data') ?? (isApiCall ? undefined : read('error'));
  const rawMessage = safeString(read('message') ?? '');
  const name = safeString(read('name') ?? 'Error');
  const failure: Failure = {
    message: rawMessage || `${name} without a message`,
    statusCode,
    headers,
    body,
    invalidJson: parsed.invalid,
    data,
    cause: error,
    isRetryable: fromStream,
    url: stringOrUndefined(read('url')),
    requestBodyValues: read('requestBodyValues'),
    requestId: requestIdHeader(headers) ?? stringOrUndefined(read('requestID')),
  };
  if (statusCode !== undefined && statusCode >= 400) {
    failure.envelope =
      readErrorEnvelope(data) ??
      readErrorEnvelope(parsed.json) ??
      (isApiCall ? undefined : readErrorEnvelope(error));
    return failure;
  }
  failure.network = classifyNetworkError(error);
  failure.aborted = !isApiCall && name === 'AbortError';
  failure.envelope = readErrorEnvelope(isApiCall ? data : undefined);
  if (isApiCall) {
    failure.isRetryable = read('isRetryable') === true;
    failure.message =
      statusCode !== undefined && body !== undefined
        ? `${rawMessage || statusLine(statusCode)}: ${describeResponseBody(body, options)}`
        : rawMessage;
  }
  return failure;
}

function isErrorLike(value: object): boolean {
  try {
    return (
      value instanceof Error ||
      (typeof DOMException !== 'undefined' && value instanceof DOMException)
    );
  } catch {
    return false;
  }
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
