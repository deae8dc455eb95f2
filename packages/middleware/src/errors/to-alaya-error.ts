import { AlayaError, type AlayaErrorBase } from './alaya-error';
import type { AlayaErrorKind, AlayaErrorOptions } from './alaya-error-options';
import { describeResponseBody, statusLine } from './describe-response-body';
import { impliedStatus, isInsufficientQuota } from './error-envelope';
import { hintFor } from './hints';
import { requestIdInMessage } from './message-request-id';
import { ConnectionError } from './network-errors';
import { type Failure, normalizeFailure } from './normalize-failure';
import { parseRetryHeaders } from './parse-retry-after';
import { buildRedacted, isRedactedFor, redactOptions } from './rebuild-alaya-error';
import { redactString } from './redact-text';
import { classForStatus, isRetryableStatus, UnknownStatusError } from './status-errors';

/** Extra knowledge the caller has when mapping an error. */
export interface ToAlayaErrorContext {
  /** The API key in use: every occurrence is removed from every field of the result. */
  apiKey?: string;
  /** Model that was called (set on the error when it has none). */
  modelId?: string;
  /**
   * Provider of the model that was called (set on the error when it has none). It also picks the
   * hints: Alaya's error guide for `alaya…` providers (and when none is known), generic ones otherwise.
   */
  provider?: string;
  /** Replaces the default `hint` for the given kinds. */
  hints?: Partial<Record<AlayaErrorKind, string>>;
  /**
   * Text appended (after a space) to the message of errors of the given kinds, once; e.g.
   * `{ not_found: 'Available models: glm-5.1, glm-5.' }`. The server's message stays the start.
   * Redacted like the rest of the message.
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

/** Kept here too for code that imported it from this file; its home is `./hints`. */
export { DEFAULT_HINTS } from './hints';

type ErrorClass = (new (options: AlayaErrorOptions) => AlayaErrorBase) & { kind: AlayaErrorKind };

/**
 * Maps anything a model can throw (an `APICallError` from any provider, a failed `fetch`, a timeout,
 * the payload of a stream `error` part, an already-typed error, or any other value) to a typed
 * {@link AlayaError}. Never throws. Status decides the class (a 429 whose envelope says
 * `insufficient_quota` is an `InsufficientQuotaError`, unless its message says the upstream is
 * saturated: see `isInsufficientQuota`); the envelope fills `message`, `type`, `code`; headers fill
 * `retryAfterMs`, `requestId` (else the message's `(request id: …)`) and (`x-should-retry`)
 * `isRetryable`. Redaction is the
 * last step: no field of the result holds `context.apiKey`, a credential shape, URL user-info or a
 * credential query parameter.
 *
 * An already-typed error keeps its class, and is returned as it is (the same object) when the
 * context adds nothing to it: it was mapped for the same key, and has its model, hint and suffix.
 *
 * It does not know about the caller's abort signal: check for the caller's abort (see
 * `isCallerAbort`) before calling it, and rethrow such errors untouched.
 */
export function toAlayaError(error: unknown, context: ToAlayaErrorContext = {}): AlayaError {
  const apiKey = context.apiKey?.trim() || undefined;
  try {
    const typed = unwrapRetryError(error);
    if (AlayaError.isInstance(typed)) return completeTyped(typed, context, apiKey);
    const failure = normalizeFailure(typed, { apiKey, fromStreamPart: context.fromStreamPart });
    const [Class, options] = decide(failure, context, apiKey);
    return finish(Class, Class.kind, options, context, apiKey);
  } catch {
    const options = { message: 'Unknown error (the thrown value could not be read)' };
    const { kind } = UnknownStatusError;
    return finish(UnknownStatusError, kind, { ...options, isRetryable: false }, context, apiKey);
  }
}

/** Decides the class and its options once, from the normalised failure. */
function decide(
  failure: Failure,
  context: ToAlayaErrorContext,
  apiKey: string | undefined,
): [ErrorClass, AlayaErrorOptions] {
  const { envelope, statusCode, network } = failure;
  const base: AlayaErrorOptions = {
    message: failure.message,
    url: failure.url,
    requestBodyValues: failure.requestBodyValues,
    responseHeaders: failure.headers,
    responseBody: failure.body,
    cause: failure.cause,
    data: failure.data,
    requestId:
      failure.requestId ??
      requestIdInMessage(envelope?.message) ??
      requestIdInMessage(failure.message),
    statusCode,
    type: envelope?.type,
    code: envelope?.code,
  };
  if (statusCode !== undefined && statusCode >= 400) {
    const quota = statusCode === 402 || (statusCode === 429 && isInsufficientQuota(envelope));
    const Class = classForStatus(statusCode, quota);
    const retryHeaders = parseRetryHeaders(failure.headers, context.now);
    const message = envelope?.message?.trim()
      ? envelope.message
      : `${statusLine(statusCode)}: ${describeResponseBody(failure.body, {
          apiKey,
          invalidJson: failure.invalidJson,
        })}`;
    const isRetryable = quota
      ? false
      : (retryHeaders.shouldRetry ??
        (Class === UnknownStatusError ? isRetryableStatus(statusCode) : undefined));
    return [Class, { ...base, message, isRetryable, retryAfterMs: retryHeaders.retryAfterMs }];
  }
  if (network) return [network.Class, { ...base, message: network.message(failure.message) }];
  if (failure.aborted) {
    const message = `The request was aborted: ${failure.message}`;
    return [ConnectionError, { ...base, message, isRetryable: false }];
  }
  if (envelope) {
    const implied = isInsufficientQuota(envelope) ? 402 : impliedStatus(envelope);
    const isRetryable =
      implied === 402
        ? false
        : (envelope.isRetryable ??
          (implied !== undefined ? isRetryableStatus(implied) : failure.isRetryable));
    const message = envelope.message?.trim()
      ? envelope.message
      : `Error${envelope.type ? ` of type ${envelope.type}` : ''}${envelope.code ? ` (code ${envelope.code})` : ''}`;
    const Class = classForStatus(implied, implied === 402);
    return [Class, { ...base, statusCode: envelope.status, message, isRetryable }];
  }
  return [UnknownStatusError, { ...base, isRetryable: failure.isRetryable }];
}

/** Context fields, hint and message suffix, then redaction as the last step; one construction. */
function finish(
  Class: new (options: AlayaErrorOptions) => AlayaErrorBase,
  kind: AlayaErrorKind,
  options: AlayaErrorOptions,
  context: ToAlayaErrorContext,
  apiKey: string | undefined,
): AlayaError {
  const provider = options.provider ?? context.provider;
  const suffix = context.messageSuffixes?.[kind];
  const message = options.message || 'Unknown error';
  const complete: AlayaErrorOptions = {
    ...options,
    message: suffix && !hasSuffix(message, suffix, apiKey) ? `${message} ${suffix}` : message,
    hint: context.hints?.[kind] ?? options.hint ?? hintFor(kind, provider),
    modelId: options.modelId ?? context.modelId,
    provider,
  };
  return buildRedacted(Class, redactOptions(complete, apiKey), apiKey) as AlayaError;
}

/** A typed error: the same object when the context adds nothing, else one redacted copy. */
function completeTyped(
  error: AlayaError,
  context: ToAlayaErrorContext,
  apiKey: string | undefined,
): AlayaError {
  const suffix = context.messageSuffixes?.[error.kind];
  const hint = context.hints?.[error.kind];
  const unchanged =
    isRedactedFor(error, apiKey) &&
    (!suffix || hasSuffix(error.message, suffix, apiKey)) &&
    (hint === undefined || hint === error.hint) &&
    (error.modelId !== undefined || context.modelId === undefined) &&
    (error.provider !== undefined || context.provider === undefined);
  if (unchanged) return error;
  const Class = error.constructor as new (options: AlayaErrorOptions) => AlayaErrorBase;
  return finish(Class, error.kind, error.toOptions(), context, apiKey);
}

/** True when the message already ends with the suffix, as given or as redaction left it. */
function hasSuffix(message: string, suffix: string, apiKey: string | undefined): boolean {
  return message.includes(suffix) || message.includes(redactString(suffix, apiKey));
}

/** The AI SDK's `RetryError` carries the real failure as `lastError` (nested at most 4 deep). */
function unwrapRetryError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4; depth++) {
    if (!(current instanceof Error) || current.name !== 'AI_RetryError') return current;
    const last = (current as { lastError?: unknown }).lastError;
    if (last == null) return current;
    current = last;
  }
  return current;
}
