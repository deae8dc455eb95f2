import { getHeader, type HeadersLike } from '../errors/headers';
import { parseResetHeader } from './rate-limit-cooldown';

/** The window every rate of the fleet guard is counted over: requests and tokens are per minute. */
export const MINUTE_MS = 60_000;

/** A rate limit: requests and tokens per minute. */
export interface RateLimit {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute. */
  tpm?: number;
}

/** What one response's `x-ratelimit-*` headers say about one dimension (requests or tokens). */
export interface RateWindow {
  limit?: number;
  remaining?: number;
  /** Milliseconds until the window has refilled. */
  resetMs?: number;
}

/** What one response's `x-ratelimit-*` headers say, or `undefined` when it sent none. */
export interface RateLimitReport {
  requests?: RateWindow;
  tokens?: RateWindow;
}

const COUNT = /^\d+(?:\.\d+)?$/;
/**
 * The most a count from a server is believed (a limit or what is left, per minute): any more is as
 * good as unlimited, and a 309-digit value would be `Infinity` (a bucket of `NaN`).
 */
export const MAX_COUNT = 1e12;
/**
 * The least a stated limit per minute is believed, requests and tokens: below, one call would hold
 * the next ones for hours, and since nothing is sent then, nothing could correct it.
 */
export const MIN_LIMIT = { requests: 1, tokens: 1_000 } as const;

/** A count header, finite and within `[min, MAX_COUNT]`; `undefined` when it is not a plain number. */
function readCount(headers: HeadersLike, name: string, min: number): number | undefined {
  const text = getHeader(headers, name)?.trim();
  if (text === undefined || !COUNT.test(text)) return undefined;
  const count = Number(text);
  return Math.min(MAX_COUNT, Math.max(min, Number.isFinite(count) ? count : MAX_COUNT));
}

function readWindow(
  headers: HeadersLike,
  kind: 'requests' | 'tokens',
  now: number,
): RateWindow | undefined {
  const stated = readCount(headers, `x-ratelimit-limit-${kind}`, 0);
  // A limit of 0 says nothing usable (it is left out); a fraction is the least one believed.
  const limit =
    stated === undefined || stated === 0 ? undefined : Math.max(MIN_LIMIT[kind], stated);
  const remaining = readCount(headers, `x-ratelimit-remaining-${kind}`, 0);
  const reset = getHeader(headers, `x-ratelimit-reset-${kind}`);
  const resetMs = reset === undefined ? undefined : parseResetHeader(reset, now);
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined;
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetMs !== undefined ? { resetMs } : {}),
  };
}

/**
 * Reads `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (OpenAI style, sent by Alaya on every
 * answer, success or 429). Every number is finite and clamped: counts to at most {@link MAX_COUNT},
 * limits to at least {@link MIN_LIMIT}, resets to at least 0. Values that cannot be read are left
 * out; `undefined` when there are none.
 */
export function readRateLimitHeaders(
  headers: HeadersLike,
  now: number = Date.now(),
): RateLimitReport | undefined {
  const requests = readWindow(headers, 'requests', now);
  const tokens = readWindow(headers, 'tokens', now);
  if (requests === undefined && tokens === undefined) return undefined;
  return { ...(requests ? { requests } : {}), ...(tokens ? { tokens } : {}) };
}
