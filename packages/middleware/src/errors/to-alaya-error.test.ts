import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { AlayaError } from './alaya-error';
import { DEFAULT_HINTS } from './hints';
import { isAlayaError } from './is-alaya-error';
import { ConnectionError, TimeoutError } from './network-errors';
import {
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  InsufficientQuotaError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  UnknownStatusError,
} from './status-errors';
import { toAlayaError } from './to-alaya-error';

const URL = 'http://127.0.0.1:4010/v1/chat/completions';

function apiError({
  status,
  body,
  headers,
  message = 'provider message',
  isRetryable,
}: {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  message?: string;
  isRetryable?: boolean;
}): APICallError {
  return new APICallError({
    message,
    url: URL,
    requestBodyValues: { model: 'glm-5.2', messages: [] },
    statusCode: status,
    responseHeaders: headers,
    responseBody: body,
    isRetryable,
  });
}

const envelope = (message: string, type: string, code: string | number | null = null) =>
  JSON.stringify({ error: { message, type, code } });

describe('toAlayaError: status decides the class', () => {
  const rows = [
    [400, BadRequestError, 'bad_request', false],
    [401, AuthenticationError, 'authentication', false],
    [402, InsufficientQuotaError, 'insufficient_quota', false],
    [403, PermissionDeniedError, 'permission_denied', false],
    [404, NotFoundError, 'not_found', false],
    [429, RateLimitError, 'rate_limit', true],
    [500, InternalServerError, 'internal_server', true],
    [502, BadGatewayError, 'bad_gateway', true],
    [503, ServiceUnavailableError, 'service_unavailable', true],
    [408, UnknownStatusError, 'unknown_status', true],
    [409, UnknownStatusError, 'unknown_status', true],
    [413, UnknownStatusError, 'unknown_status', false],
    [422, UnknownStatusError, 'unknown_status', false],
    [504, UnknownStatusError, 'unknown_status', true],
  ] as const;

  it.each(rows)('%i -> %o', (status, Class, kind, retryable) => {
    const error = toAlayaError(
      apiError({ status, body: envelope(`Alaya says ${status}`, 'some_type', 'some_code') }),
    );
    expect(Class.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(Class);
    expect(AlayaError.isInstance(error)).toBe(true);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.kind).toBe(kind);
    expect(error.statusCode).toBe(status);
    expect(error.isRetryable).toBe(retryable);
    expect(error.message).toBe(`Alaya says ${status}`);
    expect(error.type).toBe('some_type');
    expect(error.code).toBe('some_code');
    expect(error.hint).toBe(DEFAULT_HINTS[kind]);
    expect(error.url).toBe(URL);
  });

  it("uses the solution text of Alaya's error guide as hint", () => {
    expect(toAlayaError(apiError({ status: 502 })).hint).toBe(
      'Retry later or switch to another model',
    );
    expect(toAlayaError(apiError({ status: 402 })).hint).toBe(
      'Upgrade plan or purchase a booster pack',
    );
    expect(toAlayaError(apiError({ status: 429 })).hint).toBe(
      'Reduce request frequency or upgrade plan. Check Retry-After header',
    );
  });

  it('other classes are not instances of each other', () => {
    const error = toAlayaError(apiError({ status: 502 }));
    expect(ServiceUnavailableError.isInstance(error)).toBe(false);
    expect(RateLimitError.isInstance(error)).toBe(false);
    expect(isAlayaError(error, 'bad_gateway')).toBe(true);
    expect(isAlayaError(error, 'rate_limit')).toBe(false);
    expect(isAlayaError(new Error('x'))).toBe(false);
  });
});

describe('toAlayaError: insufficient_quota on 429', () => {
  it('code insufficient_quota (OpenAI) is InsufficientQuotaError, not retried', () => {
    const error = toAlayaError(
      apiError({
        status: 429,
        body: envelope(
          'You exceeded your current quota',
          'insufficient_quota',
          'insufficient_quota',
        ),
        headers: { 'retry-after': '1' },
      }),
    );
    expect(error).toBeInstanceOf(InsufficientQuotaError);
    expect(error.statusCode).toBe(429);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe('You exceeded your current quota');
  });

  it('type insufficient_quota with another code (DeepSeek style) too', () => {
    const error = toAlayaError(
      apiError({
        status: 429,
        body: envelope('Insufficient Balance', 'insufficient_quota', 'quota_1'),
      }),
    );
    expect(error.kind).toBe('insufficient_quota');
  });

  it('x-should-retry: true does not make quota retryable', () => {
    const error = toAlayaError(
      apiError({
        status: 429,
        body: envelope('quota', 'insufficient_quota', 'insufficient_quota'),
        headers: { 'x-should-retry': 'true' },
      }),
    );
    expect(error.isRetryable).toBe(false);
  });
});

describe('toAlayaError: bodies that are not an envelope', () => {
  it('an envelope with an empty or blank message still says what came back', () => {
    for (const message of ['', '   ']) {
      const error = toAlayaError(
        apiError({ status: 503, message: '', body: envelope(message, 'overloaded', 'busy') }),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(/^503 Service Unavailable: JSON response: .*overloaded/);
      expect(error.code).toBe('busy');
    }
  });

  it('HTML body: status text plus a tag-stripped excerpt', () => {
    const error = toAlayaError(
      apiError({
        status: 502,
        message: 'Bad Gateway',
        body: '<html><head><title>502</title><style>body{}</style></head><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>',
      }),
    );
    expect(error).toBeInstanceOf(BadGatewayError);
    expect(error.message).toBe('502 Bad Gateway: HTML response: "502 Bad Gateway nginx"');
    expect(error.message).not.toContain('<');
  });

  it('plain text body', () => {
    const error = toAlayaError(
      apiError({ status: 503, body: 'upstream connect error or disconnect' }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      '503 Service Unavailable: plain text response: "upstream connect error or disconnect"',
    );
  });

  it('empty body', () => {
    const error = toAlayaError(apiError({ status: 500, body: '' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe('500 Internal Server Error: empty response body');
  });

  it('truncated JSON body', () => {
    const error = toAlayaError(apiError({ status: 429, body: '{"error":{"message":"Rate lim' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toBe(
      '429 Too Many Requests: truncated or invalid JSON: {"error":{"message":"Rate lim',
    );
    expect(error.message).not.toMatch(/\[object Object\]|Unexpected|JSON at position/);
  });

  it('JSON that is not an envelope', () => {
    const error = toAlayaError(apiError({ status: 500, body: '[1,2,3]' }));
    expect(error.message).toBe('500 Internal Server Error: JSON response: [1,2,3]');
  });

  it('long bodies are cut to a short excerpt', () => {
    const error = toAlayaError(apiError({ status: 502, body: `<p>${'x'.repeat(5000)}</p>` }));
    expect(error.message.length).toBeLessThan(260);
    expect(error.message.endsWith('…"')).toBe(true);
  });

  it('envelope with an object message is never [object Object]', () => {
    const error = toAlayaError(
      apiError({ status: 400, body: JSON.stringify({ error: { message: { detail: 'bad' } } }) }),
    );
    expect(error.message).toBe('{"detail":"bad"}');
  });

  it('Anthropic 529 overloaded_error is a retryable UnknownStatusError', () => {
    const error = toAlayaError(
      apiError({
        status: 529,
        body: JSON.stringify({
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
        }),
        headers: { 'request-id': 'req_anthropic_1' },
      }),
    );
    expect(error).toBeInstanceOf(UnknownStatusError);
    expect(error.isRetryable).toBe(true);
    expect(error.type).toBe('overloaded_error');
    expect(error.message).toBe('Overloaded');
    expect(error.requestId).toBe('req_anthropic_1');
  });
});

describe('toAlayaError: headers', () => {
  it('reads retry-after-ms, Retry-After seconds and dates, x-request-id', () => {
    expect(
      toAlayaError(apiError({ status: 429, headers: { 'retry-after-ms': '1500' } })).retryAfterMs,
    ).toBe(1500);
    expect(
      toAlayaError(apiError({ status: 429, headers: { 'Retry-After': '2' } })).retryAfterMs,
    ).toBe(2000);
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    const date = new Date(now + 5000).toUTCString();
    expect(
      toAlayaError(apiError({ status: 503, headers: { 'retry-after': date } }), { now })
        .retryAfterMs,
    ).toBe(5000);
    expect(
      toAlayaError(apiError({ status: 503, headers: { 'x-request-id': 'req_42' } })).requestId,
    ).toBe('req_42');
    expect(toAlayaError(apiError({ status: 503 })).requestId).toBeUndefined();
  });

  it('x-should-retry overrides the class default both ways', () => {
    expect(
      toAlayaError(apiError({ status: 503, headers: { 'x-should-retry': 'false' } })).isRetryable,
    ).toBe(false);
    expect(
      toAlayaError(apiError({ status: 400, headers: { 'x-should-retry': 'true' } })).isRetryable,
    ).toBe(true);
    expect(
      toAlayaError(apiError({ status: 400, headers: { 'x-should-retry': 'maybe' } })).isRetryable,
    ).toBe(false);
  });
});

describe('toAlayaError: failed fetch and timeouts', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it.each([
    ['ECONNRESET', 'read ECONNRESET'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'],
    ['UND_ERR_SOCKET', 'other side closed'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid'],
  ])('TypeError fetch failed caused by %s is a ConnectionError', (code, message) => {
    const error = toAlayaError(new TypeError('fetch failed', { cause: withCode(message, code) }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.kind).toBe('connection');
    expect(error.isRetryable).toBe(true);
    expect(error.statusCode).toBeUndefined();
    expect(error.message).toContain(message);
    expect(error.message).toContain(code);
  });

  it.each([
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'ETIMEDOUT',
  ])('%s is a TimeoutError', code => {
    const error = toAlayaError(
      new TypeError('fetch failed', { cause: withCode('timed out', code) }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.isRetryable).toBe(true);
    expect(error.name).toBe('AI_TimeoutError');
  });

  it('the openai npm client: APIConnectionTimeoutError and a cause-less APIConnectionError', () => {
    // Same shape as openai's errors: status/headers undefined, name "Error", a fixed message.
    const openaiError = (message: string) =>
      Object.assign(new Error(message), {
        status: undefined,
        headers: undefined,
        error: undefined,
      });
    const timeout = toAlayaError(openaiError('Request timed out.'));
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(timeout.isRetryable).toBe(true);
    const connection = toAlayaError(openaiError('Connection error.'));
    expect(connection).toBeInstanceOf(ConnectionError);
    expect(connection.isRetryable).toBe(true);
  });

  it('a TimeoutError DOMException (not the caller abort) is a TimeoutError', () => {
    const error = toAlayaError(new DOMException('The operation timed out.', 'TimeoutError'));
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('the APICallError made by provider-utils handleFetchError is a ConnectionError', () => {
    const cause = withCode('other side closed', 'UND_ERR_SOCKET');
    const error = toAlayaError(
      new APICallError({
        message: 'Cannot connect to API: other side closed',
        url: URL,
        requestBodyValues: {},
        cause,
        isRetryable: true,
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.url).toBe(URL);
  });

  it('browser-style fetch failures without codes', () => {
    expect(toAlayaError(new TypeError('Failed to fetch')).kind).toBe('connection');
    expect(
      toAlayaError(new TypeError('NetworkError when attempting to fetch resource.')).kind,
    ).toBe('connection');
    expect(toAlayaError(new TypeError('terminated', { cause: new Error('x') })).kind).toBe(
      'connection',
    );
  });

  it('a programming error is a non-retryable UnknownStatusError', () => {
    const error = toAlayaError(new TypeError('x is not a function'));
    expect(error).toBeInstanceOf(UnknownStatusError);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe('x is not a function');
  });
});

describe('toAlayaError: stream error parts', () => {
  it('the inner envelope object openai-compatible emits', () => {
    const error = toAlayaError(
      { message: 'upstream overloaded', type: 'server_error', code: null },
      { fromStreamPart: true },
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toBe('upstream overloaded');
    expect(error.statusCode).toBeUndefined();
  });

  it('a full envelope with a numeric code carries the status', () => {
    const error = toAlayaError(
      { error: { message: 'Service Unavailable', type: 'service_unavailable', code: 503 } },
      { fromStreamPart: true },
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.statusCode).toBe(503);
    expect(error.code).toBe('503');
  });

  it('Anthropic stream error overloaded_error', () => {
    const error = toAlayaError(
      { type: 'overloaded_error', message: 'Overloaded' },
      { fromStreamPart: true },
    );
    expect(error).toBeInstanceOf(UnknownStatusError);
    expect(error.isRetryable).toBe(true);
  });

  it('quota in a stream part is not retryable', () => {
    const error = toAlayaError(
      { message: 'no money', type: 'insufficient_quota' },
      { fromStreamPart: true },
    );
    expect(error).toBeInstanceOf(InsufficientQuotaError);
    expect(error.isRetryable).toBe(false);
  });

  it('an unknown envelope in a stream is retryable, thrown elsewhere it is not', () => {
    expect(toAlayaError({ message: 'boom' }, { fromStreamPart: true }).isRetryable).toBe(true);
    expect(toAlayaError({ message: 'boom' }).isRetryable).toBe(false);
    expect(toAlayaError('text error', { fromStreamPart: true }).message).toBe('text error');
  });
});

describe('toAlayaError: redaction', () => {
  const key = 'sk-alaya-planted-0123456789';

  it('removes the key from every field and from toJSON', () => {
    const error = toAlayaError(
      new APICallError({
        message: `Incorrect API key provided: ${key}`,
        url: `${URL}?api_key=${key}`,
        requestBodyValues: { model: 'glm-5.2', apiKey: key, nested: { note: `key=${key}` } },
        statusCode: 401,
        responseHeaders: { authorization: `Bearer ${key}`, 'x-echo': key, 'api-key': key },
        responseBody: envelope(
          `Incorrect API key provided: ${key}`,
          'invalid_request_error',
          'invalid_api_key',
        ),
        cause: Object.assign(new Error(`bad ${key}`), { cause: new Error(key) }),
      }),
      { apiKey: key },
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('Incorrect API key provided: [REDACTED]');
    const everything = [
      error.message,
      error.url,
      JSON.stringify(error.requestBodyValues),
      JSON.stringify(error.responseHeaders),
      error.responseBody,
      JSON.stringify(error.data),
      String((error.cause as Error).message),
      String(((error.cause as Error).cause as Error).message),
      JSON.stringify(error),
      JSON.stringify(error.toJSON()),
      error.stack,
    ].join('\n');
    expect(everything).not.toContain(key);
    expect(error.responseHeaders?.authorization).toBe('[REDACTED]');
    expect(error.responseHeaders?.['api-key']).toBe('[REDACTED]');
  });

  it.each([
    ['a plain-text 500 body', 500, 'text'],
    ['a JSON 503 body that is no envelope', 503, 'json'],
    ['a body of a response without an error status', 200, 'text'],
  ])('redacts the key before cutting %s to an excerpt (no partial key)', (_name, status, shape) => {
    const filler = 'x'.repeat(190);
    const responseBody =
      shape === 'json' ? JSON.stringify({ info: `${filler}${key}` }) : `${filler}${key} tail`;
    const error = toAlayaError(apiError({ status, body: responseBody, message: '' }), {
      apiKey: key,
    });
    const secret = key.slice(key.lastIndexOf('-') + 1);
    const rendered = JSON.stringify([error.message, error.toJSON(), error.responseBody]);
    expect(rendered).not.toContain(secret.slice(0, 6));
    expect(error.message).toContain(filler.slice(0, 50));
  });

  it('redacts authorization headers and Bearer tokens even without the key', () => {
    const error = toAlayaError(
      apiError({
        status: 500,
        headers: { Authorization: 'Bearer abc.def' },
        body: 'auth was Bearer abc.def',
      }),
    );
    expect(JSON.stringify(error.responseHeaders)).not.toContain('abc.def');
    expect(error.message).not.toContain('abc.def');
  });

  it('keeps token counts and rate-limit headers; redacts token, key and secret fields by name', () => {
    const error = toAlayaError(
      new APICallError({
        message: 'Too Many Requests',
        url: `${URL}?api_key=opaque-1&key=opaque-2&access_token=opaque-3&model=glm-5.2`,
        requestBodyValues: {
          model: 'glm-5.2',
          max_tokens: 128,
          max_completion_tokens: 64,
          stream_options: { include_usage: true },
          access_token: 'opaque-4',
          clientSecret: 'opaque-5',
        },
        statusCode: 429,
        responseHeaders: {
          'x-ratelimit-limit-tokens': '1000',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '6s',
          'x-auth-token': 'opaque-6',
          'set-cookie': 'sid=opaque-7',
        },
        responseBody: '',
      }),
    );
    expect(error.responseHeaders).toMatchObject({
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6s',
      'x-auth-token': '[REDACTED]',
      'set-cookie': '[REDACTED]',
    });
    expect(error.requestBodyValues).toMatchObject({ max_tokens: 128, max_completion_tokens: 64 });
    const everything = JSON.stringify([error.url, error.requestBodyValues, error.toJSON()]);
    expect(everything).not.toMatch(/opaque-\d/);
    expect(error.url).toContain('model=glm-5.2');
  });

  it('toJSON has no request body or raw response body', () => {
    const json = toAlayaError(apiError({ status: 500, body: 'secret body' })).toJSON();
    expect(json).not.toHaveProperty('requestBodyValues');
    expect(json).not.toHaveProperty('responseBody');
    expect(json.kind).toBe('internal_server');
  });
});

describe('toAlayaError: typed input and context', () => {
  it('is idempotent: keeps the class, re-redacts with the key', () => {
    const first = toAlayaError(
      apiError({
        status: 404,
        body: envelope('model secret-key-123 not found', 'not_found', 'model_not_found'),
      }),
    );
    const second = toAlayaError(first, { apiKey: 'secret-key-123' });
    expect(second).toBeInstanceOf(NotFoundError);
    expect(second.message).toBe('model [REDACTED] not found');
    expect(second.code).toBe('model_not_found');
  });

  it('adds a message suffix once, after the server message', () => {
    const context = { messageSuffixes: { not_found: 'Available models: glm-5.2, glm-5.1.' } };
    const first = toAlayaError(
      apiError({ status: 404, body: envelope('Model not found', 'not_found', null) }),
      context,
    );
    expect(first.message).toBe('Model not found Available models: glm-5.2, glm-5.1.');
    expect(toAlayaError(first, context).message).toBe(first.message);
    expect(toAlayaError(apiError({ status: 500 }), context).message).not.toContain('Available');
  });

  it('overrides hints and fills modelId/provider', () => {
    const error = toAlayaError(apiError({ status: 404 }), {
      hints: { not_found: 'Add /v1 to the base URL' },
      modelId: 'glm-5.2',
      provider: 'alaya.chat',
    });
    expect(error.hint).toBe('Add /v1 to the base URL');
    expect(error.modelId).toBe('glm-5.2');
    expect(error.provider).toBe('alaya.chat');
  });

  it('unwraps the AI SDK RetryError to its last error', () => {
    const retryError = Object.assign(new Error('Failed after 3 attempts'), {
      name: 'AI_RetryError',
      lastError: apiError({ status: 503 }),
      errors: [],
    });
    expect(toAlayaError(retryError)).toBeInstanceOf(ServiceUnavailableError);
  });

  it('an error from another copy of the package (marker only) is recognised', () => {
    const foreign = toAlayaError(apiError({ status: 502 }));
    const copy = Object.create(null);
    copy[Symbol.for('alaya-code.ai-sdk.error.AlayaError')] = true;
    copy[Symbol.for('alaya-code.ai-sdk.error.BadGatewayError')] = true;
    expect(AlayaError.isInstance(copy)).toBe(true);
    expect(BadGatewayError.isInstance(copy)).toBe(true);
    expect(BadGatewayError.isInstance(foreign)).toBe(true);
    expect(BadGatewayError.isInstance({})).toBe(false);
  });

  it('generic errors with status and headers (openai npm client style)', () => {
    const error = toAlayaError(
      Object.assign(new Error('429 Rate limit reached'), {
        status: 429,
        headers: new Headers({ 'retry-after': '3', 'x-request-id': 'req_x' }),
        error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
      }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.requestId).toBe('req_x');
    expect(error.message).toBe('Rate limit reached');
  });

  it.each([undefined, null, 42, Symbol('s'), () => 1, '', {}])('odd value %s still maps', value => {
    const error = toAlayaError(value);
    expect(AlayaError.isInstance(error)).toBe(true);
    expect(error.message).not.toBe('');
    expect(error.message).not.toContain('[object Object]');
  });
});

describe('toAlayaError: failures after a successful status', () => {
  it('a body that breaks off after 200 (provider-utils wraps it with statusCode 200) is a ConnectionError', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const error = toAlayaError(
      new APICallError({
        message: 'Failed to process successful response',
        url: URL,
        requestBodyValues: {},
        statusCode: 200,
        cause: new TypeError('terminated', { cause: socket }),
        isRetryable: true,
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.isRetryable).toBe(true);
  });

  it('an invalid JSON 200 is a non-retryable UnknownStatusError that says what came back', () => {
    const error = toAlayaError(
      new APICallError({
        message: 'Invalid JSON response',
        url: URL,
        requestBodyValues: {},
        statusCode: 200,
        responseBody: '<html>maintenance</html>',
        isRetryable: false,
      }),
    );
    expect(error).toBeInstanceOf(UnknownStatusError);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe('Invalid JSON response: HTML response: "maintenance"');
  });
});

describe('toAlayaError: AI SDK provider stream errors', () => {
  it('honours statusCode and isRetryable of a createProviderStreamError object (Anthropic stream)', () => {
    const overloaded = toAlayaError(
      { message: 'Overloaded', type: 'overloaded_error', statusCode: 529, isRetryable: true },
      { fromStreamPart: true },
    );
    expect(overloaded).toBeInstanceOf(UnknownStatusError);
    expect(overloaded.statusCode).toBe(529);
    expect(overloaded.isRetryable).toBe(true);
    const tooLarge = toAlayaError(
      { message: 'too big', type: 'request_too_large', statusCode: 413, isRetryable: false },
      { fromStreamPart: true },
    );
    expect(tooLarge.isRetryable).toBe(false);
    expect(tooLarge.statusCode).toBe(413);
  });
});
