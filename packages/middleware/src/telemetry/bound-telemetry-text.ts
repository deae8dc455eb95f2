/** Longest string telemetry records (an error code, a model id): a longer one is cut to this. */
export const MAX_TELEMETRY_TEXT_LENGTH = 256;

/** Ends a string that was cut. */
const CUT_MARK = '…';
/** Objects are walked this deep (an event's model name is two levels down). */
const MAX_DEPTH = 3;

/**
 * `value` with every string in it cut to {@link MAX_TELEMETRY_TEXT_LENGTH} characters (the last
 * one `…`): a server chooses some of them (an error `code` of 100 KB would otherwise become a span
 * attribute, an event and a metric label). Plain objects are copied only where a string was cut;
 * anything else is returned as it is. The one bound on what reaches telemetry: applied to what the
 * middleware gives every observer, and again by `alayaOpenTelemetry` to what it is given.
 */
export function boundTelemetryText<T>(value: T): T {
  return bound(value, MAX_DEPTH) as T;
}

function bound(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cut(value);
  if (depth === 0 || !isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const bounded = bound(item, depth - 1);
    if (bounded !== item) {
      copy ??= { ...value };
      copy[key] = bounded;
    }
  }
  return copy ?? value;
}

function cut(text: string): string {
  if (text.length <= MAX_TELEMETRY_TEXT_LENGTH) return text;
  let end = MAX_TELEMETRY_TEXT_LENGTH - CUT_MARK.length;
  // Never leave half of a surrogate pair (an invalid string for an exporter).
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + CUT_MARK;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
