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
  return `${Math.round(ms / 100) / 10}s`;
}

/** Sliding-window RPM/TPM accounting, one window per key. */
export class RateLimiter {
  private limits: RateLimits;
  private readonly windows = new Map<string, KeyWindow>();

  constructor(
    limits: RateLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = validateLimits(limits);
  }

  /** The limits in force. */
  get current(): Readonly<RateLimits> {
    return this.limits;
  }

  /** Replaces the limits (windows already recorded are kept). */
  setLimits(limits: RateLimits): void {
    this.limits = validateLimits(limits);
  }

  /** Forgets every window. */
  clear(): void {
    this.windows.clear();
  }

  /**
   * Checks whether `key` may send a request estimated at `promptTokens` tokens and, when allowed,
   * counts the request. Tokens are recorded separately with {@link recordTokens}.
   */
  check(key: string, promptTokens: number): RateLimitDecision {
    const { rpm, tpm } = this.limits;
    if (rpm === undefined && tpm === undefined) return { allowed: true, headers: {} };
    const now = this.now();
    const window = this.prune(key, now);
    const windowMs = this.windowMs;
    if (rpm !== undefined && window.requests.length >= rpm) {
      const oldest = window.requests[window.requests.length - rpm] ?? now;
      return {
        allowed: false,
        limitedBy: 'requests',
        retryAfterMs: Math.max(1, oldest + windowMs - now),
        headers: this.headers(window, now),
      };
    }
    if (tpm !== undefined) {
      const used = sumTokens(window);
      if (used > 0 && used + promptTokens > tpm) {
        return {
          allowed: false,
          limitedBy: 'tokens',
          retryAfterMs: Math.max(1, this.tokenReleaseMs(window, promptTokens, tpm, now)),
          headers: this.headers(window, now),
        };
      }
    }
    window.requests.push(now);
    return { allowed: true, headers: this.headers(window, now) };
  }

  /** Records tokens used by `key` (after a response is produced). */
  recordTokens(key: string, tokens: number): void {
    if (tokens <= 0 || this.limits.tpm === undefined) return;
    const now = this.now();
    this.prune(key, now).tokens.push({ time: now, tokens });
  }

  /** The `x-ratelimit-*` headers for `key` right now. */
  headersFor(key: string): Record<string, string> {
    const now = this.now();
    return this.headers(this.prune(key, now), now);
  }

  private get windowMs(): number {
    return this.limits.windowMs ?? 60_000;
  }

  private prune(key: string, now: number): KeyWindow {
    let window = this.windows.get(key);
    if (!window) {
      window = { requests: [], tokens: [] };
      this.windows.set(key, window);
    }
    const cutoff = now - this.windowMs;
    let r = 0;
    while (r < window.requests.length && (window.requests[r] as number) <= cutoff) r++;
    if (r > 0) window.requests.splice(0, r);
    let t = 0;
    while (t < window.tokens.length && (window.tokens[t]?.time as number) <= cutoff) t++;
    if (t > 0) window.tokens.splice(0, t);
    return window;
  }

  private tokenReleaseMs(window: KeyWindow, needed: number, tpm: number, now: number): number {
    let used = sumTokens(window);
    for (const entry of window.tokens) {
      used -= entry.tokens;
      if (used + needed <= tpm || used <= 0) return entry.time + this.windowMs - now;
    }
    return this.windowMs;
  }

  private headers(window: KeyWindow, now: number): Record<string, string> {
    const { rpm, tpm } = this.limits;
    const headers: Record<string, string> = {};
    if (rpm !== undefined) {
      const first = window.requests[0];
      headers['x-ratelimit-limit-requests'] = String(rpm);
      headers['x-ratelimit-remaining-requests'] = String(Math.max(0, rpm - window.requests.length));
      headers['x-ratelimit-reset-requests'] = formatResetDuration(
        first === undefined ? 0 : first + this.windowMs - now,
      );
    }
    if (tpm !== undefined) {
      const first = window.tokens[0];
      headers['x-ratelimit-limit-tokens'] = String(tpm);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, tpm - sumTokens(window)));
      headers['x-ratelimit-reset-tokens'] = formatResetDuration(
        first === undefined ? 0 : first.time + this.windowMs - now,
      );
    }
    return headers;
  }
}

function sumTokens(window: KeyWindow): number {
  let total = 0;
  for (const entry of window.tokens) total += entry.tokens;
  return total;
}

function validateLimits(limits: RateLimits): RateLimits {
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
