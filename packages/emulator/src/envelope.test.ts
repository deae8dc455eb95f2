import { describe, expect, it } from 'vitest';
import { errorEnvelope, STATUS_DEFAULTS, statusDefaults } from './envelope';

const GUIDE_STATUSES = [400, 401, 402, 403, 404, 429, 500, 502, 503];

describe('errorEnvelope', () => {
  it.each(GUIDE_STATUSES)('has message, type and code for error-guide status %i', status => {
    const { error } = errorEnvelope(status);
    expect(error.message.length).toBeGreaterThan(5);
    expect(error.type).toMatch(/^[a-z_]+$/);
    expect(error.code).toMatch(/^[a-z_]+$/);
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'type']);
  });

  it('uses realistic codes for rate limits and quota', () => {
    expect(errorEnvelope(429).error.code).toBe('rate_limit_exceeded');
    expect(errorEnvelope(402).error.code).toBe('insufficient_quota');
    expect(errorEnvelope(401).error.code).toBe('invalid_api_key');
  });

  it('applies overrides, including param', () => {
    expect(
      errorEnvelope(429, { code: 'insufficient_quota', message: 'm', param: 'model' }),
    ).toEqual({
      error: { message: 'm', type: 'rate_limit_error', code: 'insufficient_quota', param: 'model' },
    });
  });

  it('has a generic fallback for unlisted statuses', () => {
    expect(STATUS_DEFAULTS[418]).toBeUndefined();
    expect(statusDefaults(418)).toMatchObject({ type: 'api_error', code: 'http_418' });
    expect(statusDefaults(599)).toMatchObject({ type: 'server_error', code: 'http_599' });
  });

  it('gives a code its own message: a 429 insufficient_quota does not say rate limit', () => {
    const { error } = errorEnvelope(429, { code: 'insufficient_quota' });
    expect(error.message).not.toMatch(/rate limit/i);
    expect(error.message).toMatch(/quota/i);
    expect(error).toMatchObject({ type: 'rate_limit_error', code: 'insufficient_quota' });
    expect(errorEnvelope(429, { code: 'something_else' }).error.message).toMatch(/Rate limit/);
  });
});
