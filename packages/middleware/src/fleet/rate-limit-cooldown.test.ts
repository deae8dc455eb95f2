import { describe, expect, it } from 'vitest';
import { BadGatewayError, InsufficientQuotaError, RateLimitError } from '../errors/status-errors';
import { cooldownFromError, cooldownFromHeaders, parseResetHeader } from './rate-limit-cooldown';

const now = Date.UTC(2026, 0, 1);

describe('parseResetHeader', () => {
  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['12.5s', 12_500],
    ['6m0s', 360_000],
    ['1h2m3s', 3_723_000],
    ['2m59.56s', 179_560],
    ['20', 20_000],
    [' 1.5 ', 1500],
    [String(now / 1000 + 30), 30_000],
    [new Date(now + 5000).toISOString(), 5000],
  ])('%s → %d ms', (value, ms) => {
    expect(parseResetHeader(value, now)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'soon', '-1s', '1x', 'ms', 'NaN'])('rejects %j', value => {
    expect(parseResetHeader(value, now)).toBeUndefined();
  });

  it.each([
    ['309 digits of seconds', '9'.repeat(309)],
    ['309 digits of hours', `${'9'.repeat(309)}h`],
    ['309 digits of epoch seconds with a fraction', `${'9'.repeat(309)}.5`],
  ])('leaves out a value too large for a number (%s), never Infinity', (_, value) => {
    expect(parseResetHeader(value, now)).toBeUndefined();
  });

  it('a time in the past is 0; 1e9 is still a delta in seconds, one more an epoch second', () => {
    expect(parseResetHeader(String(now / 1000 - 30), now)).toBe(0);
    expect(parseResetHeader(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(parseResetHeader('1000000000', now)).toBe(1e12);
    expect(parseResetHeader('1000000001', now)).toBe(0); // 2001, long past
  });
});

describe('cooldownFromError', () => {
  const rateLimit = (headers: Record<string, string>, retryAfterMs?: number) =>
    new RateLimitError({ message: '429', statusCode: 429, responseHeaders: headers, retryAfterMs });

  it('uses retryAfterMs from a 429', () => {
    expect(cooldownFromError(rateLimit({}, 1500), now)).toBe(1500);
  });

  it('without Retry-After, uses x-ratelimit-reset-* where the remaining count is 0, the longest', () => {
    const headers = {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-remaining-tokens': '10',
      'x-ratelimit-reset-tokens': '40s',
    };
    expect(cooldownFromError(rateLimit(headers), now)).toBe(2000);
    expect(
      cooldownFromError(rateLimit({ ...headers, 'x-ratelimit-remaining-tokens': '0' }), now),
    ).toBe(40_000);
    expect(
      cooldownFromError(
        rateLimit({ 'X-RateLimit-Remaining-Tokens': '0', 'X-RateLimit-Reset-Tokens': '40s' }),
        now,
      ),
    ).toBe(40_000);
    // The server's Retry-After wins: it says when the next request can succeed.
    expect(cooldownFromError(rateLimit(headers, 1000), now)).toBe(1000);
  });

  it('says nothing for a 429 without timing, for other errors and for an exhausted quota', () => {
    expect(
      cooldownFromError(rateLimit({ 'x-ratelimit-remaining-requests': '' }), now),
    ).toBeUndefined();
    expect(
      cooldownFromError(
        new BadGatewayError({ message: 'x', statusCode: 502, retryAfterMs: 5000 }),
        now,
      ),
    ).toBeUndefined();
    expect(
      cooldownFromError(
        new InsufficientQuotaError({ message: 'x', statusCode: 429, retryAfterMs: 5000 }),
        now,
      ),
    ).toBeUndefined();
    expect(cooldownFromError(new Error('plain'), now)).toBeUndefined();
    expect(cooldownFromError(undefined, now)).toBeUndefined();
  });

  it('accepts any error with a 429 status (e.g. a plain APICallError)', () => {
    expect(
      cooldownFromError(
        { statusCode: 429, responseHeaders: { 'retry-after': '3' }, retryAfterMs: 3000 },
        now,
      ),
    ).toBe(3000);
  });
});

describe('cooldownFromHeaders', () => {
  const now = Date.UTC(2026, 0, 1);

  it('reads the longest reset whose remaining count is exactly 0, from a record or Headers', () => {
    const headers = {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '250ms',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    };
    expect(cooldownFromHeaders(headers, now)).toBe(360_000);
    expect(cooldownFromHeaders(new Headers(headers), now)).toBe(360_000);
    expect(
      cooldownFromHeaders(
        { 'X-RateLimit-Remaining-Requests': '0', 'X-RateLimit-Reset-Requests': '1.5' },
        now,
      ),
    ).toBe(1500);
  });

  it('remaining exactly 0 (also written 0.0) with a reset in the past holds for 0 ms', () => {
    expect(
      cooldownFromHeaders(
        { 'x-ratelimit-remaining-requests': '0.0', 'x-ratelimit-reset-requests': '2s' },
        now,
      ),
    ).toBe(2000);
    expect(
      cooldownFromHeaders(
        {
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': String(now / 1000 - 1),
        },
        now,
      ),
    ).toBe(0);
  });

  it('says nothing when no limit is used up or the values are garbage', () => {
    expect(cooldownFromHeaders(undefined, now)).toBeUndefined();
    expect(
      cooldownFromHeaders(
        { 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '1s' },
        now,
      ),
    ).toBeUndefined();
    for (const remaining of ['', 'zero', '0x0', '-0', '0 requests']) {
      expect(
        cooldownFromHeaders(
          { 'x-ratelimit-remaining-requests': remaining, 'x-ratelimit-reset-requests': '1s' },
          now,
        ),
      ).toBeUndefined();
    }
    expect(
      cooldownFromHeaders(
        { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': 'later' },
        now,
      ),
    ).toBeUndefined();
  });
});
