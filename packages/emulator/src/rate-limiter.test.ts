import { describe, expect, it } from 'vitest';
import { formatResetDuration, RateLimiter } from './rate-limiter';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('RateLimiter', () => {
  it('allows everything without limits and sends no headers', () => {
    const limiter = new RateLimiter({});
    for (let i = 0; i < 100; i++)
      expect(limiter.check('k', 10)).toEqual({ allowed: true, headers: {} });
  });

  it('enforces RPM over a sliding window and says when to retry', () => {
    const c = clock();
    const limiter = new RateLimiter({ rpm: 2, windowMs: 1000 }, c.now);
    expect(limiter.check('k', 1).allowed).toBe(true);
    c.state.now += 300;
    const second = limiter.check('k', 1);
    expect(second.allowed).toBe(true);
    expect(second.headers['x-ratelimit-remaining-requests']).toBe('0');
    // 2 per 1 s window, stated per minute as OpenAI-style headers are.
    expect(second.headers['x-ratelimit-limit-requests']).toBe('120');
    c.state.now += 100;
    const refused = limiter.check('k', 1);
    expect(refused).toMatchObject({ allowed: false, limitedBy: 'requests', retryAfterMs: 600 });
    expect(limiter.check('other', 1).allowed).toBe(true);
    c.state.now += 600;
    expect(limiter.check('k', 1).allowed).toBe(true);
    expect(limiter.check('k', 1).allowed).toBe(false);
  });

  it('enforces TPM with recorded tokens', () => {
    const c = clock();
    const limiter = new RateLimiter({ tpm: 100, windowMs: 10_000 }, c.now);
    expect(limiter.check('k', 30).allowed).toBe(true);
    limiter.recordTokens('k', 60);
    c.state.now += 1000;
    expect(limiter.check('k', 30).allowed).toBe(true);
    limiter.recordTokens('k', 30);
    expect(limiter.headersFor('k')['x-ratelimit-remaining-tokens']).toBe('10');
    const refused = limiter.check('k', 30);
    expect(refused).toMatchObject({ allowed: false, limitedBy: 'tokens', retryAfterMs: 9000 });
    c.state.now += 9000;
    expect(limiter.check('k', 30).allowed).toBe(true);
  });

  it('lets a key override the shared limits field by field', () => {
    const c = clock();
    const limiter = new RateLimiter({ rpm: 1, windowMs: 1000 }, c.now);
    expect(limiter.check('vip', 1, { rpm: 3 }).allowed).toBe(true);
    expect(limiter.check('vip', 1, { rpm: 3 }).allowed).toBe(true);
    const third = limiter.check('vip', 1, { rpm: 3 });
    expect(third.allowed).toBe(true);
    expect(third.headers['x-ratelimit-limit-requests']).toBe('180');
    expect(limiter.check('vip', 1, { rpm: 3 })).toMatchObject({
      allowed: false,
      retryAfterMs: 1000,
    });
    expect(limiter.check('basic', 1).allowed).toBe(true);
    expect(limiter.check('basic', 1).allowed).toBe(false);
    const tokens = new RateLimiter({}, c.now);
    tokens.recordTokens('t', 50);
    expect(tokens.headersFor('t')).toEqual({});
    tokens.recordTokens('t', 50, { tpm: 60 });
    expect(tokens.check('t', 20, { tpm: 60 })).toMatchObject({
      allowed: false,
      limitedBy: 'tokens',
    });
  });

  it('validates limits and can change or clear them', () => {
    expect(() => new RateLimiter({ rpm: 0 })).toThrow(/rpm/);
    expect(() => new RateLimiter({ windowMs: -1 })).toThrow(/windowMs/);
    const limiter = new RateLimiter({ rpm: 1 });
    expect(limiter.check('k', 1).allowed).toBe(true);
    expect(limiter.check('k', 1).allowed).toBe(false);
    limiter.clear();
    expect(limiter.check('k', 1).allowed).toBe(true);
    limiter.setLimits({});
    expect(limiter.check('k', 1).allowed).toBe(true);
    expect(limiter.current).toEqual({});
  });
});

describe('formatResetDuration', () => {
  it('formats like OpenAI-style headers', () => {
    expect(formatResetDuration(250)).toBe('250ms');
    expect(formatResetDuration(1000)).toBe('1s');
    expect(formatResetDuration(12_540)).toBe('12.6s'); // rounded up, never early
    expect(formatResetDuration(12_500)).toBe('12.5s');
    expect(formatResetDuration(-5)).toBe('0ms');
  });
});
