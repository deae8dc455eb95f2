import { isSecretName, REDACTED, redactString } from './redact-text';
import { safeGet, safeString } from './safe-stringify';

const MAX_DEPTH = 8;
/** Items kept per array or object: a hostile body parsed into a million entries costs what 1,000 do. */
const MAX_ENTRIES = 1000;

/**
 * Copies a header record with lower-case names: credential headers' values are replaced, and the
 * key and credential shapes are removed from every name and value (a server may echo the key in a
 * header name, e.g. `x-rejected-key-<key>`).
 */
export function redactHeaders(
  headers: Record<string, string> | undefined,
  apiKey?: string,
): Record<string, string> | undefined {
  if (headers == null) return undefined;
  const lowerKey = apiKey?.toLowerCase();
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lowerName = name.toLowerCase();
    result[redactString(lowerName, lowerKey)] = isSecretName(lowerName)
      ? REDACTED
      : redactString(safeString(value), apiKey);
  }
  return result;
}

/**
 * Deep copy of a JSON-like value: credential properties' values replaced, the key and credential
 * shapes removed from every string and every property name. Cycles and depth beyond 8 become
 * `'[Circular]'` / `'[Truncated]'`; entries beyond 1,000 per array or object are dropped (with a
 * note); class instances other than plain objects, arrays and errors become their (redacted)
 * string form; unreadable properties are dropped.
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
  try {
    return redactObject(value, apiKey, depth, seen);
  } catch {
    // A proxy whose traps throw, or an object whose prototype cannot be read.
    return '[Unreadable]';
  }
}

function redactObject(
  value: object,
  apiKey: string | undefined,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (value instanceof Error) return redactErrorInner(value, apiKey, depth, seen);
  if (Array.isArray(value)) {
    const items = value
      .slice(0, MAX_ENTRIES)
      .map(item => redactInner(item, apiKey, depth + 1, seen));
    if (value.length > MAX_ENTRIES)
      items.push(`[${value.length - MAX_ENTRIES} more items dropped]`);
    return items;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return redactString(safeString(value), apiKey);
  }
  const result: Record<string, unknown> = {};
  const names = Object.keys(value);
  for (const name of names.slice(0, MAX_ENTRIES)) {
    result[redactString(name, apiKey)] = isSecretName(name)
      ? REDACTED
      : redactInner(safeGet(value, name), apiKey, depth + 1, seen);
  }
  if (names.length > MAX_ENTRIES)
    result['…'] = `${names.length - MAX_ENTRIES} more properties dropped`;
  return result;
}

/**
 * A plain `Error` copy of `error` (same `name`, `message`, string `code`, redacted `stack` and
 * `cause` chain), safe to attach as a `cause`.
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
  const message = safeGet(error, 'message');
  const copy = new Error(
    redactString(typeof message === 'string' ? message : safeString(message), apiKey),
  );
  copy.name = redactString(safeString(safeGet(error, 'name')), apiKey);
  const code = safeGet(error, 'code');
  if (typeof code === 'string' || typeof code === 'number') {
    (copy as Error & { code?: unknown }).code =
      typeof code === 'string' ? redactString(code, apiKey) : code;
  }
  const stack = safeGet(error, 'stack');
  if (typeof stack === 'string') copy.stack = redactString(stack, apiKey);
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
