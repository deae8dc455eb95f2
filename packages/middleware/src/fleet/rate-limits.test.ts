import { describe, expect, it } from 'vitest';
import { MAX_COUNT, MIN_LIMIT, readRateLimitHeaders } from './rate-limits';

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
