import { getHeader, type HeadersLike } from '../errors/headers';

/** The error fields a cooldown is read from (any `APICallError`/`AlayaError` has them). */
export interface RateLimitSignal {
  statusCode?: number;
  kind?: string;
  retryAfterMs?: number;
  responseHeaders?: HeadersLike;
}

const RESET_KINDS = ['requests', 'tokens'] as const;
const DURATION =
  /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
const NUMBER = /^\d+(?:\.\d+)?$/;
/** Bare numbers above this are epoch seconds, not a delta (2001-09-09). */
const EPOCH_SECONDS = 1e9;

/**
 * Parses an `x-ratelimit-reset-*` value into milliseconds from `now`: Go-style durations as
 * OpenAI-style APIs send them (`250ms`, `1s`, `12.5s`, `6m0s`, `1h2m3s`), bare seconds, epoch
 * seconds, or an ISO/HTTP date. `undefined` for anything else, a value too large to be a finite
 * number included; a time in the past is 0. How long it is believed is the consumer's cap
 * (`serverWait`).
 */
export function parseResetHeader(value: string, now: number = Date.now()): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (NUMBER.test(text)) {
    const seconds = Number(text);
    return finite(seconds > EPOCH_SECONDS ? seconds * 1000 - now : seconds * 1000);
  }
  const match = DURATION.exec(text);
  if (match?.slice(1).some(part => part !== undefined)) {
    const [, h = '0', m = '0', s = '0', ms = '0'] = match;
    return finite(Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(ms));
  }
  if (/\d{4}/.test(text)) {
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** A finite wait of at least 0, or `undefined` (digits enough to overflow a double). */
function finite(ms: number): number | undefined {
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/**
 * How long every instance should hold off a model after this error, in milliseconds, or
 * `undefined` when the error says nothing about it. Only a 429 counts (not one that means an
 * exhausted quota). The server's `Retry-After` / `retry-after-ms` (the error's `retryAfterMs`) is
 * the answer when present; otherwise the longest `x-ratelimit-reset-{requests,tokens}` whose
 * `x-ratelimit-remaining-*` is 0.
 */
export function cooldownFromError(error: unknown, now: number = Date.now()): number | undefined {
  if (error == null || typeof error !== 'object') return undefined;
  const signal = error as RateLimitSignal;
  if (signal.kind !== undefined ? signal.kind !== 'rate_limit' : signal.statusCode !== 429) {
    return undefined;
  }
  if (typeof signal.retryAfterMs === 'number' && Number.isFinite(signal.retryAfterMs)) {
    return Math.max(0, signal.retryAfterMs);
  }
  return cooldownFromHeaders(signal.responseHeaders, now);
}

/**
 * How long the rate limit in these response headers holds, in milliseconds from `now`: the longest
 * `x-ratelimit-reset-{requests,tokens}` whose `x-ratelimit-remaining-*` is exactly 0, or
 * `undefined` when no limit is used up or the values cannot be read. Works on any response, a
 * successful one included (its next request would be refused).
 */
export function cooldownFromHeaders(
  headers: HeadersLike | undefined,
  now: number = Date.now(),
): number | undefined {
  let wait: number | undefined;
  for (const kind of RESET_KINDS) {
    const remaining = getHeader(headers, `x-ratelimit-remaining-${kind}`)?.trim();
    const reset = getHeader(headers, `x-ratelimit-reset-${kind}`);
    if (!remaining || !NUMBER.test(remaining) || Number(remaining) !== 0 || reset === undefined) {
      continue;
    }
    const ms = parseResetHeader(reset, now);
    if (ms !== undefined && (wait === undefined || ms > wait)) wait = ms;
  }
  return wait;
}
