import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH, REDACTED, redactString } from './redact-text';

describe('redactString: URLs', () => {
  it.each([
    ['http://user:pass@127.0.0.1:4010/v1', 'http://[REDACTED]@127.0.0.1:4010/v1'],
    [
      'fetch https://tok3n@api.example.com/v1 failed',
      'fetch https://[REDACTED]@api.example.com/v1 failed',
    ],
    ['request to http://a%40b:p%3Ass@host/v1/chat', 'request to http://[REDACTED]@host/v1/chat'],
    [
      // undici's TypeError for a base URL with credentials (the hardening issue, item 4)
      'Request cannot be constructed from a URL that includes credentials: http://user:pass@127.0.0.1:4010/v1/chat/completions',
      'Request cannot be constructed from a URL that includes credentials: http://[REDACTED]@127.0.0.1:4010/v1/chat/completions',
    ],
  ])('removes URL user-info: %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    'api_key',
    'apikey',
    'api-key',
    'key',
    'token',
    'access_token',
    'refresh_token',
    'secret',
    'client_secret',
    'password',
    'pwd',
    'sig',
    'signature',
    'auth',
    'x-auth',
    'subscription-key',
  ])('replaces the value of the credential query parameter %s', name => {
    const text = `POST https://h/v1?model=glm-5.1&${name}=opaque-value-7/chat/completions failed`;
    const redacted = redactString(text);
    expect(redacted).not.toContain('opaque-value-7');
    expect(redacted).toContain(`${name}=${REDACTED}`);
    expect(redacted).toContain('model=glm-5.1');
  });

  it('keeps ordinary query parameters', () => {
    const text = 'GET /v1/models?limit=20&order=desc&max_tokens=4096&monkey=1';
    expect(redactString(text)).toBe(text);
  });
});

describe('redactString: credential shapes, with no key configured', () => {
  it.each([
    ['Invalid API key: sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e', 'sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e'],
    [
      'key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv-123 rejected',
      'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv-123',
    ],
    ['auth was Bearer abc.def', 'abc.def'],
    ['Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    [
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired',
      'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
    ],
    ['api key: 8f14e45fceea167a5a36dedd4bea2543', '8f14e45fceea167a5a36dedd4bea2543'],
    ['{"secret": "s3cr3t-value-abcdefgh"}', 's3cr3t-value-abcdefgh'],
    ['password is hunter2hunter2hunter2', 'hunter2hunter2hunter2'],
    ['token=ya29.a0AfH6SMBx3k9Zq', 'ya29.a0AfH6SMBx3k9Zq'],
  ])('%s', (text, secret) => {
    const redacted = redactString(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain(REDACTED);
  });

  it.each([
    'Model glm-5.1 is not available on your plan',
    'The model deepseek-v4-pro does not exist',
    'request req_8f14e45fceea167a5a36dedd4bea2543 failed',
    'x-request-id: 9f86d081884c7d659a2feaa0c55ad015',
    'Rate limit reached for tokens per min (TPM): Limit 30000, Used 29876, Requested 512',
    'max_tokens: 4096 is more than the model allows',
    'The API key is missing. Pass it using the Authorization header',
    'Incorrect API key provided: sk-abc***xyz',
    'token limit exceeded',
    'task-1234567890abcdefghijklmnop finished',
    'Please check your key and try again',
    'Upgrade plan or purchase a booster pack',
  ])('keeps ordinary text: %s', text => {
    expect(redactString(text)).toBe(text);
  });

  it('rule: a token right after key/token/secret/password is redacted when 16+ chars with a digit, or 32+', () => {
    expect(redactString('key: abcdefghijklmnop')).toBe('key: abcdefghijklmnop');
    expect(redactString('key: abcdefghijklmno1')).toBe(`key: ${REDACTED}`);
    expect(redactString(`key: ${'a'.repeat(32)}`)).toBe(`key: ${REDACTED}`);
    expect(redactString('key: short123')).toBe('key: short123');
  });
});

describe('redactString: the configured key', () => {
  const key = 'Alaya-Test-Key-0001';

  it('removes it as written, lower-cased (header names) and URL-encoded', () => {
    expect(redactString(`a ${key} b`, key)).toBe(`a ${REDACTED} b`);
    expect(redactString(`x-rejected-key-${key.toLowerCase()}`, key)).toBe(
      `x-rejected-key-${REDACTED}`,
    );
    const odd = 'k+y/with=chars';
    expect(redactString(`?q=${encodeURIComponent(odd)}`, odd)).toBe(`?q=${REDACTED}`);
  });

  it('a key shorter than 4 characters only replaces a text equal to it', () => {
    expect(redactString('abc', 'abc')).toBe(REDACTED);
    expect(redactString('abcdef', 'abc')).toBe('abcdef');
  });
});

describe('redactString: bounded work', () => {
  it('cuts text longer than MAX_TEXT_LENGTH, with a note, after removing secrets across the cut', () => {
    const key = 'Alaya-Test-Key-0001';
    const text = `${'a'.repeat(MAX_TEXT_LENGTH - 5)}${key}${'b'.repeat(10_000)}`;
    const redacted = redactString(text, key);
    expect(redacted.length).toBeLessThan(MAX_TEXT_LENGTH + 100);
    expect(redacted).toMatch(/… \[\d+ more characters dropped\]$/);
    expect(redacted).not.toContain(key.slice(0, 4));
    // A text that was cut is not cut again (redaction can run twice on one field).
    expect(redactString(redacted, key)).toBe(redacted);
  });
});
