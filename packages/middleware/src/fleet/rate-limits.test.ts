import { describe, expect, it } from 'vitest';
import { ALAYA_PLANS, nextRequestRate, readRateLimitHeaders } from './rate-limits';

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

describe('nextRequestRate', () => {
  it('takes the server’s stated limit, capped by a stated ceiling', () => {
    const report = { requests: { limit: 120 } };
    expect(nextRequestRate(undefined, { limited: false, report, sentLastMinute: 0 })).toBe(120);
    expect(nextRequestRate(500, { limited: true, report, sentLastMinute: 900 }, 60)).toBe(60);
  });

  it('without headers: multiplicative decrease on a 429, additive increase on success', () => {
    expect(nextRequestRate(undefined, { limited: false, sentLastMinute: 10 })).toBeUndefined();
    expect(nextRequestRate(undefined, { limited: true, sentLastMinute: 100 })).toBeCloseTo(70);
    expect(nextRequestRate(70, { limited: true, sentLastMinute: 100 })).toBeCloseTo(49);
    expect(nextRequestRate(49, { limited: false, sentLastMinute: 40 })).toBe(50);
    expect(nextRequestRate(1, { limited: true, sentLastMinute: 0 })).toBe(1);
  });

  it('a stated plan is the ceiling from the start', () => {
    expect(
      nextRequestRate(undefined, { limited: false, sentLastMinute: 0 }, ALAYA_PLANS.free.rpm),
    ).toBe(60);
    expect(ALAYA_PLANS).toEqual({
      free: { rpm: 60, tpm: 30_000 },
      pro: { rpm: 300, tpm: 150_000 },
      team: { rpm: 600, tpm: 500_000 },
    });
  });
});
