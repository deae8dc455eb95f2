import { InvalidArgumentError } from '@ai-sdk/provider';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  alayaRequestURL,
  DEFAULT_ALAYA_BASE_URL,
  hasVersionSegment,
  loadAlayaBaseURL,
} from './alaya-base-url';

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

describe('loadAlayaBaseURL normalisation', () => {
  it.each([
    ['http://h/v1//', 'http://h/v1'],
    ['http://h/v1///?x=y', 'http://h/v1?x=y'],
    ['/v1/?x=y', '/v1?x=y'],
    ['http://h/', 'http://h'],
  ])('%s -> %s', (input, expected) => {
    expect(loadAlayaBaseURL(input)).toBe(expected);
  });

  it('rejects user info with an InvalidArgumentError naming the source, not the password', () => {
    expect(() => loadAlayaBaseURL('https://u:hunter22@h/v1')).toThrowError(InvalidArgumentError);
    expect(() => loadAlayaBaseURL('https://u:hunter22@h/v1')).not.toThrowError(/hunter22/);
    vi.stubEnv('ALAYA_BASE_URL', 'https://u:hunter22@h/v1');
    expect(() => loadAlayaBaseURL(undefined)).toThrowError(/^ALAYA_BASE_URL must not/);
  });
});

describe('alayaRequestURL', () => {
  it.each([
    ['https://h/v1', 'https://h/v1/chat/completions'],
    ['https://h/v1?api-version=2', 'https://h/v1/chat/completions?api-version=2'],
    ['/v1?x=y&z=1', '/v1/chat/completions?x=y&z=1'],
  ])('%s + /chat/completions -> %s', (base, expected) => {
    expect(alayaRequestURL(base, '/chat/completions')).toBe(expected);
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
    ['https://example.com/v1?x=y', true],
    ['/v1?x=y', true],
    ['https://example.com?v=/v1', false],
  ])('%s -> %s', (url, expected) => {
    expect(hasVersionSegment(url)).toBe(expected);
  });
});
