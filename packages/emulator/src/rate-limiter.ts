/** Per-key request and token limits over a sliding window. */
export interface RateLimits {
  /** Requests per window per key. Default: unlimited. */
  rpm?: number;
  /** Tokens (prompt + completion) per window per key. Default: unlimited. */
  tpm?: number;
  /** Window length in ms. Default 60000; shrink it to scale time in load tests. */
  windowMs?: number;
}

/** The outcome of {@link RateLimiter.check}. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Which limit refused the request. */
  limitedBy?: 'requests' | 'tokens';
  /** Milliseconds until the refused request could succeed. */
  retryAfterMs?: number;
  /** `x-ratelimit-*` headers describing the key's state (empty when no limits are set). */
  headers: Record<string, string>;
}

interface KeyWindow {
  requests: number[];
  tokens: Array<{ time: number; tokens: number }>;
}

/** Formats a reset duration the way OpenAI-style APIs do: `250ms`, `1s`, `12.5s`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  return `${Math.ceil(ms / 100) / 10}s`; // rounded up: a client that trusts it is never early
}

/** Sliding-window RPM/TPM accounting, one window per key; a key may override the shared limits. */
export class RateLimiter {
  private limits: RateLimits;
  private readonly windows = new Map<string, KeyWindow>();

  constructor(
    limits: RateLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = validateLimits(limits);
  }

  /** The shared limits in force. */
  get current(): Readonly<RateLimits> {
    return this.limits;
  }

  /** Replaces the shared limits (windows already recorded are kept). */
  setLimits(limits: RateLimits): void {
    this.limits = validateLimits(limits);
  }

  /** Forgets every window. */
  clear(): void {
    this.windows.clear();
  }

  /**
   * Checks whether `key` may send a request estimated at `promptTokens` tokens and, when allowed,
   * counts the request. Tokens are recorded separately with {@link recordTokens}. `keyLimits`
   * (already validated) override the shared limits field by field.
   */
  check(key: string, promptTokens: number, keyLimits?: RateLimits): RateLimitDecision {
    const limits = this.effective(keyLimits);
    const { rpm, tpm } = limits;
    if (rpm === undefined && tpm === undefined) return { allowed: true, headers: {} };
    const now = this.now();
    const windowMs = limits.windowMs ?? DEFAULT_WINDOW_MS;
    const window = this.prune(key, now, windowMs);
    if (rpm !== undefined && window.requests.length >= rpm) {
      const oldest = window.requests[window.requests.length - rpm] ?? now;
      return {
        allowed: false,
        limitedBy: 'requests',
        retryAfterMs: Math.max(1, oldest + windowMs - now),
        headers: headersOf(window, limits, now),
      };
    }
    if (tpm !== undefined) {
      const used = sumTokens(window);
      if (used > 0 && used + promptTokens > tpm) {
        return {
          allowed: false,
          limitedBy: 'tokens',
          retryAfterMs: Math.max(1, tokenReleaseMs(window, promptTokens, tpm, windowMs, now)),
          headers: headersOf(window, limits, now),
        };
      }
    }
    window.requests.push(now);
    return { allowed: true, headers: headersOf(window, limits, now) };
  }

  /** Records tokens used by `key` (after a response is produced); a no-op without a TPM limit. */
  recordTokens(key: string, tokens: number, keyLimits?: RateLimits): void {
    const limits = this.effective(keyLimits);
    if (tokens <= 0 || limits.tpm === undefined) return;
    const now = this.now();
    this.prune(key, now, limits.windowMs ?? DEFAULT_WINDOW_MS).tokens.push({ time: now, tokens });
  }

  /** The `x-ratelimit-*` headers for `key` right now. */
  headersFor(key: string, keyLimits?: RateLimits): Record<string, string> {
    const limits = this.effective(keyLimits);
    const now = this.now();
    return headersOf(this.prune(key, now, limits.windowMs ?? DEFAULT_WINDOW_MS), limits, now);
  }

  private effective(keyLimits: RateLimits | undefined): RateLimits {
    return keyLimits ? { ...this.limits, ...keyLimits } : this.limits;
  }

  private prune(key: string, now: number, windowMs: number): KeyWindow {
    let window = this.windows.get(key);
    if (!window) {
      window = { requests: [], tokens: [] };
      this.windows.set(key, window);
    }
    const cutoff = now - windowMs;
    let r = 0;
    while (r < window.requests.length && (window.requests[r] as number) <= cutoff) r++;
    if (r > 0) window.requests.splice(0, r);
    let t = 0;
    while (t < window.tokens.length && (window.tokens[t]?.time as number) <= cutoff) t++;
    if (t > 0) window.tokens.splice(0, t);
    return window;
  }
}

const DEFAULT_WINDOW_MS = 60_000;

function tokenReleaseMs(
  window: KeyWindow,
  needed: number,
  tpm: number,
  windowMs: number,
  now: number,
): number {
  let used = sumTokens(window);
  for (const entry of window.tokens) {
    used -= entry.tokens;
    if (used + needed <= tpm || used <= 0) return entry.time + windowMs - now;
  }
  return windowMs;
}

function headersOf(window: KeyWindow, limits: RateLimits, now: number): Record<string, string> {
  const { rpm, tpm } = limits;
  const windowMs = limits.windowMs ?? DEFAULT_WINDOW_MS;
  const headers: Record<string, string> = {};
  if (rpm !== undefined) {
    const first = window.requests[0];
    headers['x-ratelimit-limit-requests'] = String(perMinute(rpm, windowMs));
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, rpm - window.requests.length));
    headers['x-ratelimit-reset-requests'] = formatResetDuration(
      first === undefined ? 0 : first + windowMs - now,
    );
  }
  if (tpm !== undefined) {
    const first = window.tokens[0];
    headers['x-ratelimit-limit-tokens'] = String(perMinute(tpm, windowMs));
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, tpm - sumTokens(window)));
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(
      first === undefined ? 0 : first.time + windowMs - now,
    );
  }
  return headers;
}

/**
 * A limit per window as the per-minute figure `x-ratelimit-limit-*` states (OpenAI style): the same
 * number with the default one-minute window; with a scaled window, the rate it allows per minute of
 * real time (10 per 5 s → 120), rounded down, so a client that paces itself from it keeps to the window.
 */
function perMinute(perWindow: number, windowMs: number): number {
  return Math.floor((perWindow * DEFAULT_WINDOW_MS) / windowMs);
}

function sumTokens(window: KeyWindow): number {
  let total = 0;
  for (const entry of window.tokens) total += entry.tokens;
  return total;
}

/** Validates limits: each present field must be a positive finite number. */
export function validateLimits(limits: RateLimits): RateLimits {
  const out: RateLimits = {};
  for (const name of ['rpm', 'tpm', 'windowMs'] as const) {
    const value = limits[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`limits.${name} must be a positive number, got ${String(value)}`);
    }
    out[name] = value;
  }
  return out;
}
