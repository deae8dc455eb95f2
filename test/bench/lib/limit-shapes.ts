/**
 * Rate limiters the way real servers shape them, as pure functions of the arrival time: a sliding
 * window, a fixed window aligned to the clock, a token bucket. None of them says its limit: a refusal
 * carries only a `Retry-After` in whole seconds (what Alaya documents), never `x-ratelimit-*`.
 * Refused requests do not count against the limit.
 */

/** How a server counts. */
export type LimitShapeKind = 'sliding' | 'fixed' | 'bucket';

/** One server's limit: `limit` requests per `windowMs` (a bucket refills at that rate). */
export type LimitShape = {
  kind: LimitShapeKind;
  /** Requests per window (the limit, in requests per the bench's "minute"). */
  limit: number;
  windowMs: number;
  /** A token bucket's capacity (requests it admits at once when full). */
  capacity?: number;
};

/** A limiter's answer to one request arriving at `now`. */
export type Admission = { ok: true } | { ok: false; retryAfterS: number };

/** A limiter: admits or refuses each request as it arrives; the limit may change mid-run. */
export type Limiter = {
  admit(now: number): Admission;
  /** The plan changes at `now` (an upgrade, or another app sharing the key). */
  setLimit(limit: number, now: number): void;
};

/** Whole seconds until `ms` from now, at least 1 (a server never says "retry after 0"). */
export function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Sliding window: at most `limit` admitted in any `windowMs`; wait until the oldest leaves. */
function slidingWindow(shape: LimitShape): Limiter {
  let limit = shape.limit;
  const admitted: number[] = [];
  return {
    admit(now) {
      while (admitted.length > 0 && admitted[0]! <= now - shape.windowMs) admitted.shift();
      if (admitted.length < limit) {
        admitted.push(now);
        return { ok: true };
      }
      const frees = admitted[admitted.length - limit]! + shape.windowMs;
      return { ok: false, retryAfterS: wholeSeconds(frees - now) };
    },
    setLimit(next) {
      limit = next;
    },
  };
}

/** Fixed window aligned to the clock (`floor(now / windowMs)`): the count resets at each boundary. */
function fixedWindow(shape: LimitShape): Limiter {
  let limit = shape.limit;
  let window = Number.NaN;
  let count = 0;
  return {
    admit(now) {
      const current = Math.floor(now / shape.windowMs);
      if (current !== window) {
        window = current;
        count = 0;
      }
      if (count < limit) {
        count++;
        return { ok: true };
      }
      return { ok: false, retryAfterS: wholeSeconds((current + 1) * shape.windowMs - now) };
    },
    setLimit(next) {
      limit = next;
    },
  };
}

/** Token bucket of `capacity` (default 5), refilled at `limit` per `windowMs`, full at the start. */
function tokenBucket(shape: LimitShape): Limiter {
  const capacity = shape.capacity ?? 5;
  let perMs = shape.limit / shape.windowMs;
  let tokens = capacity;
  let at: number | undefined;
  const refill = (now: number) => {
    if (at !== undefined) tokens = Math.min(capacity, tokens + (now - at) * perMs);
    at = now;
  };
  return {
    admit(now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterS: wholeSeconds((1 - tokens) / perMs) };
    },
    setLimit(next, now) {
      refill(now);
      perMs = next / shape.windowMs;
    },
  };
}

/** The limiter of `shape`. */
export function createLimiter(shape: LimitShape): Limiter {
  switch (shape.kind) {
    case 'sliding':
      return slidingWindow(shape);
    case 'fixed':
      return fixedWindow(shape);
    case 'bucket':
      return tokenBucket(shape);
  }
}
