/** `String(value)` that never throws (a throwing `toString`, a revoked proxy, a symbol). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unreadable value]';
    }
  }
}

/**
 * `JSON.stringify` that never throws: cycles become `"[Circular]"`, bigints strings; a throwing
 * getter or `toJSON` gives a fixed description instead.
 */
export function safeJson(value: unknown): string {
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

/** `target[key]`, or `undefined` when the getter (or a proxy trap) throws. */
export function safeGet(target: unknown, key: string): unknown {
  if (target == null || (typeof target !== 'object' && typeof target !== 'function')) {
    return undefined;
  }
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
