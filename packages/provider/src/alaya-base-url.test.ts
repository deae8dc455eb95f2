import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ALAYA_BASE_URL, hasVersionSegment, loadAlayaBaseURL } from './alaya-base-url';

describe('loadAlayaBaseURL', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('defaults to the Alaya Code endpoint', () => {
    vi.stubEnv('ALAYA_BASE_URL', undefined);
    expect(loadAlayaBaseURL(undefined)).toBe('https://codingplan.alayanew.com/v1');
    expect(DEFAULT_ALAYA_BASE_URL).toBe('https://codingplan.alayanew.com/v1');
  });

  it('reads ALAYA_BASE_URL', () => {
    vi.stubEnv('ALAYA_BASE_URL', 'http://127.0.0.1:4010/v1/');
    expect(loadAlayaBaseURL(undefined)).toBe('http://127.0.0.1:4010/v1');
  });

  it('prefers the setting, trimmed and without a trailing slash', () => {
    vi.stubEnv('ALAYA_BASE_URL', 'http://127.0.0.1:1/v1');
    expect(loadAlayaBaseURL(' http://127.0.0.1:2/v1/ \n')).toBe('http://127.0.0.1:2/v1');
  });

  it('falls back to the default for a blank environment variable', () => {
    vi.stubEnv('ALAYA_BASE_URL', '   ');
    expect(loadAlayaBaseURL(undefined)).toBe(DEFAULT_ALAYA_BASE_URL);
  });
});

describe('hasVersionSegment', () => {
  it.each([
    ['https://codingplan.alayanew.com/v1', true],
    ['https://codingplan.alayanew.com/v1/', true],
    ['http://127.0.0.1:4010/proxy/v2', true],
    ['https://codingplan.alayanew.com', false],
    ['https://codingplan.alayanew.com/', false],
    ['http://127.0.0.1:4010/v1beta', false],
    ['https://example.com/v1/chat', false],
  ])('%s -> %s', (url, expected) => {
    expect(hasVersionSegment(url)).toBe(expected);
  });
});
