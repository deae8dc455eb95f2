/** Replacement text for anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Credential names: `authorization`, `api-key`/`apiKey`/`x-api-key`, cookies, secrets, passwords and
 * names that end in `token` (`x-auth-token`, `access_token`, `accessToken`). Not `max_tokens` or the
 * `x-ratelimit-*-tokens` headers: those are counts the caller and the fleet guard need.
 */
const SECRET_HEADER =
  /authorization|api[-_]?key|cookie|secret|password|passwd|token$|(?:^|[-_])token[-_]/i;
/** URL query parameters that carry a credential: the names above, plus a bare `key` (`?key=`). */
const SECRET_QUERY_PARAM = /([?&])([^=&#]*)=([^&#]*)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const MAX_DEPTH = 8;

/** True for header names whose value is a credential (`authorization`, `x-api-key`, `api-key`, cookies, tokens). */
export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/**
 * Removes `apiKey` (every occurrence, when it is at least 4 characters; otherwise only a string equal
 * to it) and `Bearer …` credentials from a string.
 */
export function redactString(value: string, apiKey?: string): string {
  let result = value;
  if (apiKey) {
    if (apiKey.length >= 4) result = result.split(apiKey).join(REDACTED);
    else if (result === apiKey) result = REDACTED;
  }
  return result.replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`);
}

/**
 * Removes `apiKey` from a URL like {@link redactString}, and replaces the value of every query
 * parameter named like a credential (`api_key`, `key`, `access_token`, …), whatever the key.
 */
export function redactUrl(url: string, apiKey?: string): string {
  return redactString(url, apiKey).replace(
    SECRET_QUERY_PARAM,
    (match, separator: string, name: string) =>
      isSecretHeaderName(safeDecode(name)) || safeDecode(name).toLowerCase() === 'key'
        ? `${separator}${name}=${REDACTED}`
        : match,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Copies a header record with lower-case names, credential headers replaced and the key removed from values. */
export function redactHeaders(
  headers: Record<string, string> | undefined,
  apiKey?: string,
): Record<string, string> | undefined {
  if (headers == null) return undefined;
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name.toLowerCase()] = isSecretHeaderName(name)
      ? REDACTED
      : redactString(String(value), apiKey);
  }
  return result;
}

/**
 * Deep copy of a JSON-like value with credential keys replaced and the key removed from strings.
 * Cycles and depth beyond 8 become `'[Circular]'` / `'[Truncated]'`; class instances other than
 * plain objects, arrays and errors are dropped to their string form.
 */
export function redactValue(value: unknown, apiKey?: string): unknown {
  return redactInner(value, apiKey, 0, new WeakSet());
}

function redactInner(
  value: unknown,
  apiKey: string | undefined,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (typeof value === 'string') return redactString(value, apiKey);
  if (value == null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) return redactErrorInner(value, apiKey, depth, seen);
  if (Array.isArray(value)) return value.map(item => redactInner(item, apiKey, depth + 1, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return redactString(safeString(value), apiKey);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = isSecretHeaderName(key) ? REDACTED : redactInner(item, apiKey, depth + 1, seen);
  }
  return result;
}

/**
 * A plain `Error` copy of `error` (same `name`, `message`, string `code`, redacted `cause` chain),
 * safe to attach as a `cause`.
 */
export function redactError(error: Error, apiKey?: string): Error {
  return redactErrorInner(error, apiKey, 0, new WeakSet([error]));
}

function redactErrorInner(
  error: Error,
  apiKey: string | undefined,
  depth: number,
  seen: WeakSet<object>,
): Error {
  const copy = new Error(redactString(safeMessage(error), apiKey));
  copy.name = redactString(String(error.name), apiKey);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    (copy as Error & { code?: unknown }).code =
      typeof code === 'string' ? redactString(code, apiKey) : code;
  }
  if (error.stack) copy.stack = redactString(error.stack, apiKey);
  const cause = safeGet(error, 'cause');
  if (cause !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: depth + 1 >= MAX_DEPTH ? '[Truncated]' : redactInner(cause, apiKey, depth + 1, seen),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function safeMessage(error: Error): string {
  const message = safeGet(error, 'message');
  return typeof message === 'string' ? message : safeString(message);
}

function safeGet(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** `String(value)` that never throws. */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
