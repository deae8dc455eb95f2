import { describe, expect, it } from 'vitest';
import { MAX_COUNT, MIN_LIMIT, nextRequestRate, readRateLimitHeaders } from './rate-limits';

describe('readRateLimitHeaders', () => {
  it('reads limit, remaining and reset for requests and tokens', () => {
    expect(
      readRateLimitHeaders({
        'x-ratelimit-limit-requests': '120',
        'x-ratelimit-remaining-requests': '7',
        'x-ratelimit-reset-requests': '1.5s',
        'X-RateLimit-Limit-Tokens': '30000',
        'x-ratelimit-remaining-tokens': '0',
      }),
    ).toEqual({
      requests: { limit: 120, remaining: 7, resetMs: 1500 },
      tokens: { limit: 30000, remaining: 0 },
    });
  });

  it('says nothing without headers, and leaves out values it cannot read', () => {
    expect(readRateLimitHeaders({})).toBeUndefined();
    expect(readRateLimitHeaders(undefined)).toBeUndefined();
    expect(
      readRateLimitHeaders({
        'x-ratelimit-limit-requests': 'lots',
        'x-ratelimit-remaining-requests': '3',
      }),
    ).toEqual({ requests: { remaining: 3 } });
  });
});

describe('readRateLimitHeaders at the limits', () => {
  it('a value too large for a number is the largest count believed, never Infinity', () => {
    const huge = '9'.repeat(309);
    expect(
      readRateLimitHeaders({
        'x-ratelimit-limit-requests': huge,
        'x-ratelimit-remaining-requests': huge,
        'x-ratelimit-limit-tokens': `${huge}.5`,
      }),
    ).toEqual({
      requests: { limit: MAX_COUNT, remaining: MAX_COUNT },
      tokens: { limit: MAX_COUNT },
    });
  });

  it('a limit below the least believed is raised to it; a limit of exactly 0 is left out, remaining 0 kept', () => {
    expect(
      readRateLimitHeaders({
        'x-ratelimit-limit-requests': '0.5',
        'x-ratelimit-limit-tokens': '1',
      }),
    ).toEqual({
      requests: { limit: MIN_LIMIT.requests },
      tokens: { limit: MIN_LIMIT.tokens },
    });
    expect(
      readRateLimitHeaders({
        'x-ratelimit-limit-requests': '0',
        'x-ratelimit-remaining-requests': '0',
      }),
    ).toEqual({ requests: { remaining: 0 } });
  });

  it('a reset in the past is 0; one too large for a number is left out', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(
      readRateLimitHeaders(
        {
          'x-ratelimit-reset-requests': String(now / 1000 - 30),
          'x-ratelimit-reset-tokens': '9'.repeat(309),
        },
        now,
      ),
    ).toEqual({ requests: { resetMs: 0 } });
  });
});

describe('nextRequestRate', () => {
  it('takes the server’s stated limit, capped by a stated ceiling', () => {
    const report = { requests: { limit: 120 } };
    expect(nextRequestRate(undefined, { limited: false, report })).toBe(120);
    expect(nextRequestRate(500, { limited: true, report }, 60)).toBe(60);
  });

  it('without headers: the first 429 sets the measured estimate, later ones cut it by 0.7', () => {
    expect(nextRequestRate(undefined, { limited: false })).toBeUndefined();
    expect(nextRequestRate(undefined, { limited: true })).toBeUndefined();
    expect(nextRequestRate(undefined, { limited: true, estimate: 118 })).toBe(118);
    expect(nextRequestRate(100, { limited: true, estimate: 500 })).toBeCloseTo(70);
    expect(nextRequestRate(70, { limited: true })).toBeCloseTo(49);
    expect(nextRequestRate(49, { limited: false })).toBe(50);
    expect(nextRequestRate(1, { limited: true })).toBe(1);
  });

  it('a success of the burst the first estimate measured counts into it (one request over its span)', () => {
    // The estimate divided by a 30 s span: each late success of that burst adds 2 rpm, not 1.
    expect(nextRequestRate(40, { limited: false, burstSpanMs: 30_000 })).toBe(42);
    expect(nextRequestRate(59, { limited: false, burstSpanMs: 30_000 }, 60)).toBe(60);
    // The server's stated limit wins over any estimate.
    const report = { requests: { limit: 120 } };
    expect(nextRequestRate(40, { limited: false, report, burstSpanMs: 30_000 })).toBe(120);
  });

  it('a 429 of the congestion already answered (held) does not cut again', () => {
    expect(nextRequestRate(70, { limited: true, held: true })).toBe(70);
    expect(nextRequestRate(70, { limited: true, held: false })).toBeCloseTo(49);
  });

  it('a stated ceiling is the rate from the start', () => {
    expect(nextRequestRate(undefined, { limited: false }, 60)).toBe(60);
  });
});
