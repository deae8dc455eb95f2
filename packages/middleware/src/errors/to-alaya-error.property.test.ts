import { APICallError } from '@ai-sdk/provider';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlayaError } from './alaya-error';
import { toAlayaError } from './to-alaya-error';

/** Keys shaped like real ones; at least 8 characters so they are unmistakable in output. */
const apiKey = fc
  .string({
    minLength: 8,
    maxLength: 40,
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_'),
  })
  .map(s => `sk-${s}`);

/** A string that may contain the key anywhere. */
const withKey = (key: string) =>
  fc.tuple(fc.string(), fc.string()).map(([before, after]) => `${before}${key}${after}`);

const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
});

function leaks(error: AlayaError, key: string): string | undefined {
  const parts: Record<string, string | undefined> = {
    message: error.message,
    url: error.url,
    requestBodyValues: safeJson(error.requestBodyValues),
    responseHeaders: safeJson(error.responseHeaders),
    responseBody: error.responseBody,
    data: safeJson(error.data),
    cause: describeCause(error.cause),
    type: error.type,
    code: error.code,
    requestId: error.requestId,
    toJSON: safeJson(error.toJSON()),
    stringify: safeJson(error),
    stack: error.stack,
  };
  return Object.entries(parts).find(([, value]) => value?.includes(key))?.[0];
}

function describeCause(cause: unknown, depth = 0): string {
  if (depth > 10 || cause == null) return '';
  if (cause instanceof Error)
    return `${cause.name} ${cause.message} ${cause.stack ?? ''} ${describeCause(cause.cause, depth + 1)}`;
  return safeJson(cause) ?? '';
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}

describe('toAlayaError properties', () => {
  it('never throws and always returns an AlayaError, for any value', () => {
    fc.assert(
      fc.property(anyValue, fc.boolean(), (value, fromStreamPart) => {
        const error = toAlayaError(value, { fromStreamPart });
        expect(AlayaError.isInstance(error)).toBe(true);
        expect(typeof error.message).toBe('string');
        expect(error.message.length).toBeGreaterThan(0);
        expect(error.message).not.toContain('[object Object]');
        expect(typeof error.kind).toBe('string');
        expect(typeof error.isRetryable).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('maps any APICallError to the class its status implies, with a readable message', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: 599 }),
        fc.option(fc.oneof(fc.string(), fc.json(), fc.constant('<html><body>x</body></html>')), {
          nil: undefined,
        }),
        fc.dictionary(fc.string(), fc.string()),
        (status, body, headers) => {
          const error = toAlayaError(
            new APICallError({
              message: 'm',
              url: 'u',
              requestBodyValues: {},
              statusCode: status,
              responseBody: body,
              responseHeaders: headers,
            }),
          );
          expect(error.statusCode).toBe(status);
          expect(error.message).not.toContain('[object Object]');
          expect(error.message).not.toMatch(/Unexpected token|JSON at position/);
          if (status === 401) expect(error.kind).toBe('authentication');
          if (status === 502) expect(error.kind).toBe('bad_gateway');
          if (status === 503) expect(error.kind).toBe('service_unavailable');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never leaks a planted key, wherever it is planted', () => {
    fc.assert(
      fc.property(
        apiKey.chain(key =>
          fc.record({
            key: fc.constant(key),
            message: withKey(key),
            body: fc.oneof(
              withKey(key),
              withKey(key).map(m =>
                JSON.stringify({ error: { message: m, type: key, code: key } }),
              ),
            ),
            header: withKey(key),
            headerName: fc.constantFrom(
              'authorization',
              'x-api-key',
              'api-key',
              'x-echo',
              'x-request-id',
            ),
            bodyValue: fc.oneof(withKey(key), fc.constant({ nested: [{ deep: key }] })),
            status: fc.option(fc.integer({ min: 400, max: 599 }), { nil: undefined }),
            shape: fc.constantFrom('apiCallError', 'error', 'object', 'string', 'typed'),
          }),
        ),
        ({ key, message, body, header, headerName, bodyValue, status, shape }) => {
          let input: unknown;
          const api = new APICallError({
            message,
            url: `https://example.invalid/v1?key=${key}`,
            requestBodyValues: { prompt: bodyValue, key },
            statusCode: status,
            responseHeaders: { [headerName]: header },
            responseBody: body,
            cause: new Error(message, { cause: { token: key, text: message } }),
            data: { error: { message } },
          });
          switch (shape) {
            case 'apiCallError':
              input = api;
              break;
            case 'error':
              input = Object.assign(new Error(message), {
                status,
                headers: { [headerName]: header },
                error: { message, code: key },
              });
              break;
            case 'object':
              input = { error: { message, type: key, code: key } };
              break;
            case 'string':
              input = message;
              break;
            case 'typed':
              input = toAlayaError(api);
              break;
          }
          const error = toAlayaError(input, { apiKey: key });
          expect(leaks(error, key)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });
});
