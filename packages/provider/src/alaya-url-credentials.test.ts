import { describe, expect, it } from 'vitest';
import { hasUserInfo, isCredentialName, withoutUrlCredentials } from './alaya-url-credentials';

describe('isCredentialName', () => {
  it.each([
    'key',
    'api_key',
    'apiKey',
    'x-api-key',
    'ocp-apim-subscription-key',
    'x-auth',
    'Authorization',
    'access_token',
    'client_secret',
    'password',
    'Cookie',
    'sig',
  ])('%s is a credential name', name => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each(['x-team', 'x-tenant', 'api-version', 'monkey', 'keyboard', 'user'])(
    '%s is not',
    name => {
      expect(isCredentialName(name)).toBe(false);
    },
  );
});

describe('withoutUrlCredentials', () => {
  it.each([
    ['https://u:p@h/v1', 'https://h/v1'],
    ['https://h/v1?api_key=K', 'https://h/v1'],
    ['https://h/v1?x=1&key=K&y=2', 'https://h/v1?x=1&y=2'],
    ['https://h/v1?access%5Ftoken=K#frag', 'https://h/v1#frag'],
    ['/v1?token=K', '/v1'],
    ['https://h/v1', 'https://h/v1'],
  ])('%s -> %s', (url, expected) => {
    expect(withoutUrlCredentials(url)).toBe(expected);
  });

  it('detects user info only before the host', () => {
    expect(hasUserInfo('https://u@h/v1')).toBe(true);
    expect(hasUserInfo('https://h/v1?email=a@b')).toBe(false);
  });
});
