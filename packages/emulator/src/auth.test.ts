import { describe, expect, it } from 'vitest';
import { authenticate, authFailureMessage, keyFingerprint, normalizeApiKeys } from './auth';

const keys = normalizeApiKeys(['test-key', { key: 'plan-key', models: ['glm-5.1'] }]);

describe('authenticate', () => {
  it('accepts a known bearer key, scheme in any case', () => {
    expect(authenticate('Bearer test-key', keys)).toMatchObject({
      ok: true,
      config: { key: 'test-key' },
    });
    expect(authenticate('bearer plan-key', keys)).toMatchObject({
      ok: true,
      config: { models: ['glm-5.1'] },
    });
  });

  it('rejects missing, malformed and unknown keys', () => {
    expect(authenticate(undefined, keys)).toEqual({ ok: false, reason: 'missing' });
    expect(authenticate('Bearer ', keys)).toEqual({ ok: false, reason: 'missing' });
    expect(authenticate('Basic dGVzdA==', keys)).toEqual({ ok: false, reason: 'malformed' });
    expect(authenticate('Bearer nope', keys)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('rejects keys with extra whitespace instead of trimming them', () => {
    expect(authenticate('Bearer  test-key', keys)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(authenticate('Bearer test-key ', keys)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(authenticate('Bearer test-key\t', keys)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('never puts the key in failure messages', () => {
    for (const reason of ['missing', 'malformed', 'unknown'] as const) {
      expect(authFailureMessage(reason)).not.toContain('test-key');
    }
  });
});

describe('keyFingerprint', () => {
  it('is stable, short and does not contain the key', () => {
    const fingerprint = keyFingerprint('test-key');
    expect(fingerprint).toMatch(/^key_[0-9a-f]{8}$/);
    expect(keyFingerprint('test-key')).toBe(fingerprint);
    expect(keyFingerprint('other-key')).not.toBe(fingerprint);
  });
});

describe('normalizeApiKeys', () => {
  it('defaults to the test key and rejects empty keys', () => {
    expect(normalizeApiKeys(undefined)).toEqual([{ key: 'test-key' }]);
    expect(() => normalizeApiKeys([''])).toThrow(TypeError);
  });
});
