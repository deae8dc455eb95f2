import { getHeader, type HeadersLike } from './headers';

/** What the server said about retrying, parsed from its response headers. */
export interface RetryHeaders {
  /**
   * Wait in milliseconds from `retry-after-ms`, else `Retry-After` (delta seconds or HTTP date;
   * a date in the past gives 0). Absent when neither header is present or parseable, negative or
   * not finite.
   */
  retryAfterMs?: number;
  /** `x-should-retry: true|false` (case-insensitive); absent for anything else. */
  shouldRetry?: boolean;
}

const DELTA_SECONDS = /^\s*\d+(?:\.\d+)?\s*$/;
const NUMBER = /^\s*\+?\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*$/i;

/**
 * Parses `retry-after-ms` (milliseconds, may be fractional) and `Retry-After` (delta seconds or an
 * HTTP date) into milliseconds. `retry-after-ms` wins when both are valid. Garbage, negative and
 * non-finite values are ignored (`undefined`); huge values are returned as they are, so the caller
 * can compare them with its own cap.
 *
 * @param now - Current time in ms, used for HTTP dates (defaults to `Date.now()`).
 */
export function parseRetryAfter(
  headers: HeadersLike,
  now: number = Date.now(),
): number | undefined {
  const ms = getHeader(headers, 'retry-after-ms');
  if (ms != null && NUMBER.test(ms)) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = getHeader(headers, 'retry-after');
  if (retryAfter == null) return undefined;
  if (DELTA_SECONDS.test(retryAfter)) {
    const value = Number(retryAfter) * 1000;
    return Number.isFinite(value) ? value : undefined;
  }
  // HTTP-date: only strings that look like a date (a weekday or month name and a year), never bare numbers.
  if (!/[a-z]{3}/i.test(retryAfter) || !/\d{4}/.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Parses `x-should-retry`; `undefined` unless it is exactly `true` or `false` (any case, trimmed). */
export function parseShouldRetry(headers: HeadersLike): boolean | undefined {
  const value = getHeader(headers, 'x-should-retry')?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Both retry signals a server can send; see {@link parseRetryAfter} and {@link parseShouldRetry}. */
export function parseRetryHeaders(headers: HeadersLike, now: number = Date.now()): RetryHeaders {
  const result: RetryHeaders = {};
  const retryAfterMs = parseRetryAfter(headers, now);
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  const shouldRetry = parseShouldRetry(headers);
  if (shouldRetry !== undefined) result.shouldRetry = shouldRetry;
  return result;
}
