import type { AlayaErrorBase } from './alaya-error';
import type { AlayaErrorOptions } from './alaya-error-options';
import { redactError, redactHeaders, redactValue } from './redact';
import { redactString } from './redact-text';

/**
 * Errors whose every field went through redaction, with the key they were redacted for. Module
 * private: nothing reachable from an error holds the key.
 */
const redactedFor = new WeakMap<object, string | undefined>();

/** True when `error` was built by {@link buildRedacted} for this key (or without one, when none is given). */
export function isRedactedFor(error: object, apiKey: string | undefined): boolean {
  return redactedFor.has(error) && (apiKey === undefined || redactedFor.get(error) === apiKey);
}

/** Redacts every field of `options` that is present; fields that carry no text stay as they are. */
export function redactOptions<O extends Partial<AlayaErrorOptions>>(
  options: O,
  apiKey?: string,
): O {
  const result: Partial<AlayaErrorOptions> = { ...options };
  const text = (value: string | undefined) =>
    value === undefined ? undefined : redactString(value, apiKey);
  if ('message' in options) result.message = text(options.message) ?? '';
  for (const field of ['url', 'responseBody', 'type', 'code', 'hint', 'requestId'] as const) {
    if (field in options) result[field] = text(options[field]);
  }
  if ('modelId' in options) result.modelId = text(options.modelId);
  if ('provider' in options) result.provider = text(options.provider);
  if ('responseHeaders' in options) {
    result.responseHeaders = redactHeaders(options.responseHeaders, apiKey);
  }
  if (options.requestBodyValues !== undefined) {
    result.requestBodyValues = redactValue(options.requestBodyValues, apiKey);
  }
  if (options.data !== undefined) result.data = redactValue(options.data, apiKey);
  if (options.cause !== undefined) {
    result.cause =
      options.cause instanceof Error
        ? redactError(options.cause, apiKey)
        : redactValue(options.cause, apiKey);
  }
  return result as O;
}

/** Builds an error of `Class` from options that were fully redacted for `apiKey`, and remembers that. */
export function buildRedacted<E extends AlayaErrorBase>(
  Class: new (options: AlayaErrorOptions) => E,
  options: AlayaErrorOptions,
  apiKey: string | undefined,
): E {
  const error = new Class(options);
  redactedFor.set(error, apiKey);
  return error;
}

/**
 * A copy of `error` (same class, even from another copy of the package) with some options
 * replaced; the retry loop uses it to add `attempts` and `exhaustedReason` when it gives up. The
 * replaced fields are redacted for the key the error was redacted for, so a note or URL added
 * here cannot bring a secret back.
 */
export function rebuildAlayaError<E extends AlayaErrorBase>(
  error: E,
  overrides: Partial<AlayaErrorOptions>,
): E {
  const Class = error.constructor as new (options: AlayaErrorOptions) => E;
  const apiKey = redactedFor.get(error);
  const options = { ...error.toOptions(), ...redactOptions(overrides, apiKey) };
  return redactedFor.has(error) ? buildRedacted(Class, options, apiKey) : new Class(options);
}
