/** Response headers as the AI SDK gives them (a record), or a fetch `Headers` object. */
export type HeadersLike = Record<string, string | undefined> | Headers | undefined | null;

/**
 * The one header normaliser: a record with lower-case names and string values, from a record or a
 * fetch `Headers` object; `undefined` for anything else. Never throws.
 */
export function toHeaderRecord(headers: unknown): Record<string, string> | undefined {
  if (headers == null || typeof headers !== 'object') return undefined;
  const result: Record<string, string> = {};
  try {
    if (typeof Headers !== 'undefined' && headers instanceof Headers) {
      headers.forEach((value, name) => {
        result[name.toLowerCase()] = value;
      });
      return result;
    }
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') result[name.toLowerCase()] = value;
    }
  } catch {
    // A hostile object (throwing getters or proxy traps): keep what was read.
  }
  return result;
}

/**
 * The request id a response carries in its headers: `x-request-id` (OpenAI, Alaya), `request-id`
 * (Anthropic), or `x-oneapi-request-id` (One API gateways), in that order.
 */
export function requestIdHeader(headers: HeadersLike): string | undefined {
  return (
    getHeader(headers, 'x-request-id') ??
    getHeader(headers, 'request-id') ??
    getHeader(headers, 'x-oneapi-request-id')
  );
}

/** Reads one header case-insensitively from a record or a `Headers` object. */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  if (headers == null) return undefined;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    return headers.get(name) ?? undefined;
  }
  const record = headers as Record<string, string | undefined>;
  const direct = record[name];
  if (typeof direct === 'string') return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) {
      const value = record[key];
      return typeof value === 'string' ? value : undefined;
    }
  }
  return undefined;
}
