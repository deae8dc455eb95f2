/**
 * The hardening issue's defects in the error floor: secrets in places redaction did not look,
 * redaction as the last step of every message, throwing getters, hints that fit the provider, and
 * mapping a typed error once.
 */
import { inspect } from 'node:util';
import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from './network-errors';
import { rebuildAlayaError } from './rebuild-alaya-error';
import {
  AuthenticationError,
  InsufficientQuotaError,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
} from './status-errors';
import { toAlayaError } from './to-alaya-error';

const URL = 'http://127.0.0.1:4010/v1/chat/completions';
const KEY = 'sk-Alaya-Planted-0123456789abcdef';

/** Everything a user or a logger can see of an error. */
function rendered(error: Error): string {
  return [
    error.message,
    JSON.stringify(error),
    JSON.stringify((error as { toJSON?: () => unknown }).toJSON?.()),
    inspect(error, { depth: 10, showHidden: true }),
  ].join('\n');
}

const apiError = (fields: Partial<ConstructorParameters<typeof APICallError>[0]>) =>
  new APICallError({ message: 'failed', url: URL, requestBodyValues: {}, ...fields });

describe('secrets where redaction did not look', () => {
  it('the key as a response header name (with and without apiKey)', () => {
    const headers = { [`x-rejected-key-${KEY.toLowerCase()}`]: '1', 'x-request-id': 'req_1' };
    for (const apiKey of [KEY, undefined]) {
      const error = toAlayaError(apiError({ statusCode: 401, responseHeaders: headers }), {
        apiKey,
      });
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(rendered(error).toLowerCase()).not.toContain(KEY.toLowerCase().slice(3));
      expect(error.requestId).toBe('req_1');
    }
  });

  it('the key as a JSON property name inside data (the openai client shape)', () => {
    const thrown = Object.assign(new Error('401 Incorrect API key'), {
      status: 401,
      headers: {},
      error: { message: 'Incorrect API key', keys: { [KEY]: 'rejected' } },
    });
    const error = toAlayaError(thrown, { apiKey: KEY });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(rendered(error)).not.toContain(KEY);
    expect(inspect(error.data, { depth: 10 })).not.toContain(KEY);
  });

  it('a server message with an sk- key, when the middleware was not told the key', () => {
    const body = JSON.stringify({
      error: { message: `Invalid API key: ${KEY}`, code: 'invalid_api_key' },
    });
    const error = toAlayaError(apiError({ statusCode: 401, responseBody: body }));
    expect(error.message).toBe('Invalid API key: [REDACTED]');
    expect(rendered(error)).not.toContain(KEY);
    expect(error.responseBody).not.toContain(KEY);
  });

  it('URL user-info and credential query parameters never reach any field', () => {
    const secretURL = 'http://alice:hunter2@127.0.0.1:4010/v1?api_key=opaque-1&token=opaque-2';
    const cause = Object.assign(new Error(`connect ECONNREFUSED while fetching ${secretURL}`), {
      code: 'ECONNREFUSED',
    });
    const error = toAlayaError(new TypeError('fetch failed', { cause }));
    expect(error).toBeInstanceOf(ConnectionError);
    const all = rendered(error) + inspect(error.cause, { depth: 10 });
    expect(all).not.toMatch(/hunter2|alice|opaque-\d/);
    const http = toAlayaError(apiError({ statusCode: 503, url: `${secretURL}/chat/completions` }));
    expect(rendered(http)).not.toMatch(/hunter2|alice|opaque-\d/);
  });

  it('the key as the (request id: …) of a One API message, with and without apiKey', () => {
    const body = JSON.stringify({
      error: { message: `当前分组上游负载已饱和，请稍后再试 (request id: ${KEY})`, type: 'x' },
    });
    for (const apiKey of [KEY, undefined]) {
      const error = toAlayaError(apiError({ statusCode: 429, responseBody: body }), { apiKey });
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.requestId).toBe('[REDACTED]');
      expect(rendered(error)).not.toContain(KEY);
    }
  });
});

describe('redaction is the last step of every message', () => {
  it('message suffixes (the provider’s /v1 hint) and hint overrides are redacted', () => {
    const baseURL = 'https://bob:pw-123@proxy.example/api?api_key=KEY-0123456789&x=1';
    const error = toAlayaError(apiError({ statusCode: 404 }), {
      apiKey: 'KEY-0123456789',
      messageSuffixes: { not_found: `The base URL ${baseURL} does not end with /v1.` },
      hints: { not_found: `Try ${baseURL}/v1` },
    });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(rendered(error)).not.toMatch(/KEY-0123456789|pw-123|bob/);
    expect(error.message).toContain('does not end with /v1.');
  });

  it('rebuildAlayaError redacts what it adds, for the key the error was mapped with', () => {
    const error = toAlayaError(apiError({ statusCode: 503 }), { apiKey: KEY });
    const rebuilt = rebuildAlayaError(error, {
      message: `${error.message} (gave up; key ${KEY})`,
      url: 'http://u:p@h/v1?token=opaque-3',
      exhaustedReason: 'max_retries',
    });
    expect(rebuilt).toBeInstanceOf(ServiceUnavailableError);
    expect(rendered(rebuilt)).not.toMatch(new RegExp(`${KEY}|opaque-3|u:p@`));
    expect(rebuilt.exhaustedReason).toBe('max_retries');
  });
});

describe('a throwing getter never hides the status', () => {
  const throwing = () => {
    throw new Error('hostile getter');
  };

  it('inside requestBodyValues, data or headers', () => {
    const error = toAlayaError(
      apiError({
        statusCode: 503,
        requestBodyValues: Object.defineProperty({ model: 'glm-5.1' }, 'messages', {
          get: throwing,
          enumerable: true,
        }),
        data: Object.defineProperty({}, 'error', { get: throwing, enumerable: true }),
        responseHeaders: Object.defineProperty({}, 'retry-after', {
          get: throwing,
          enumerable: true,
        }),
      }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.statusCode).toBe(503);
    expect(error.isRetryable).toBe(true);
    expect(error.message).not.toMatch(/^Unknown error/);
  });

  it('as a field of the thrown error itself', () => {
    const thrown = apiError({ statusCode: 503 });
    for (const field of [
      'requestBodyValues',
      'data',
      'responseHeaders',
      'responseBody',
      'cause',
      'url',
    ]) {
      Object.defineProperty(thrown, field, { get: throwing });
    }
    const error = toAlayaError(thrown);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.statusCode).toBe(503);
  });
});

describe('hints fit the provider that failed', () => {
  const quota = () =>
    apiError({
      statusCode: 429,
      responseBody: JSON.stringify({
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      }),
    });

  it("OpenAI's 429 insufficient_quota does not say 'booster pack'", () => {
    const error = toAlayaError(quota(), { provider: 'openai.chat', modelId: 'gpt-5' });
    expect(error).toBeInstanceOf(InsufficientQuotaError);
    expect(error.hint).not.toMatch(/booster|upgrade plan/i);
    expect(error.hint).toMatch(/billing/);
    const rate = toAlayaError(apiError({ statusCode: 429 }), { provider: 'anthropic.messages' });
    expect(rate.hint).not.toMatch(/upgrade plan/i);
  });

  it("Alaya's models (and an unknown provider) get Alaya's error guide", () => {
    for (const provider of ['alaya.chat', 'alaya.embedding', undefined]) {
      expect(toAlayaError(quota(), { provider }).hint).toBe(
        'Upgrade plan or purchase a booster pack',
      );
    }
  });
});

describe('a typed error is mapped once', () => {
  it('is returned as it is when the context adds nothing', () => {
    const first = toAlayaError(apiError({ statusCode: 429 }), {
      apiKey: KEY,
      modelId: 'glm-5.1',
      provider: 'alaya.chat',
    });
    expect(first).toBeInstanceOf(RateLimitError);
    expect(toAlayaError(first)).toBe(first);
    expect(toAlayaError(first, { apiKey: KEY })).toBe(first);
    expect(toAlayaError(first, { apiKey: ` ${KEY} `, modelId: 'other', provider: 'other' })).toBe(
      first,
    );
    expect(toAlayaError(first, { hints: { rate_limit: first.hint as string } })).toBe(first);
  });

  it('a suffix that redaction changed is not added twice', () => {
    const context = {
      apiKey: 'KEY-0123456789',
      messageSuffixes: { not_found: 'Base URL https://h/api?api_key=KEY-0123456789 lacks /v1.' },
    };
    const first = toAlayaError(apiError({ statusCode: 404 }), context);
    expect(first.message.match(/lacks \/v1/g)).toHaveLength(1);
    expect(toAlayaError(first, context)).toBe(first);
  });

  it('is rebuilt once when the context has something to add', () => {
    const first = toAlayaError(apiError({ statusCode: 429 }));
    const withKey = toAlayaError(first, { apiKey: KEY });
    expect(withKey).not.toBe(first);
    expect(toAlayaError(withKey, { apiKey: KEY })).toBe(withKey);
    expect(toAlayaError(first, { modelId: 'glm-5.1' }).modelId).toBe('glm-5.1');
    const direct = new RateLimitError({ message: `built by hand with ${KEY}` });
    const mapped = toAlayaError(direct, { apiKey: KEY });
    expect(mapped).not.toBe(direct);
    expect(mapped.message).toBe('built by hand with [REDACTED]');
    expect(toAlayaError(mapped, { apiKey: KEY })).toBe(mapped);
  });
});
