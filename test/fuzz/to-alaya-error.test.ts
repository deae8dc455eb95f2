/**
 * `toAlayaError` on anything a model, a fetch or a hostile server can produce: arbitrary values
 * (including objects whose every property access throws, cycles and proxies), `APICallError`s with
 * any status, body and headers, and planted API keys. Pure properties: thousands of runs each.
 */
import { APICallError } from '@ai-sdk/provider';
import {
  AlayaError,
  type AlayaErrorKind,
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  InsufficientQuotaError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  toAlayaError,
  UnknownStatusError,
} from '@alaya-code/ai-sdk-middleware';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz.js';
import { findKeyLeaks, plantedKey } from '../support/leaks.js';

const RUNS = 3000;

const KINDS: readonly AlayaErrorKind[] = [
  'bad_request',
  'authentication',
  'insufficient_quota',
  'permission_denied',
  'not_found',
  'rate_limit',
  'internal_server',
  'bad_gateway',
  'service_unavailable',
  'unknown_status',
  'connection',
  'timeout',
];

/** The design's table: status → class and whether it is retried by default. */
const TABLE: Record<number, { is: (error: unknown) => boolean; retryable: boolean }> = {
  400: { is: BadRequestError.isInstance, retryable: false },
  401: { is: AuthenticationError.isInstance, retryable: false },
  402: { is: InsufficientQuotaError.isInstance, retryable: false },
  403: { is: PermissionDeniedError.isInstance, retryable: false },
  404: { is: NotFoundError.isInstance, retryable: false },
  429: { is: RateLimitError.isInstance, retryable: true },
  500: { is: InternalServerError.isInstance, retryable: true },
  502: { is: BadGatewayError.isInstance, retryable: true },
  503: { is: ServiceUnavailableError.isInstance, retryable: true },
};
const unknownStatusRetryable = (status: number) =>
  status === 408 || status === 409 || status >= 500;

const throwing = () => {
  throw new Error('hostile getter');
};

/**
 * Values built to break a mapper: every access throws, cycles, null prototypes, odd primitives.
 * Built inside the property from an index: fast-check itself would trip over the proxies.
 */
const hostileValues: ReadonlyArray<() => unknown> = [
  () =>
    new Proxy(
      {},
      {
        get: throwing,
        has: throwing,
        ownKeys: throwing,
        getPrototypeOf: throwing,
        getOwnPropertyDescriptor: throwing,
      },
    ),
  () =>
    Object.defineProperties(new Error('x'), {
      message: { get: throwing },
      name: { get: throwing },
      cause: { get: throwing },
    }),
  () =>
    Object.defineProperties(
      {},
      {
        statusCode: { get: throwing, enumerable: true },
        error: { get: throwing, enumerable: true },
      },
    ),
  () => {
    const error = new Error('cycle') as Error & { cause?: unknown };
    error.cause = error;
    return error;
  },
  () => {
    const value: Record<string, unknown> = { error: {} };
    (value.error as Record<string, unknown>).self = value;
    return value;
  },
  () => ({ toString: throwing, [Symbol.toPrimitive]: throwing }),
  () => Object.create(null),
  () => Symbol('s'),
  () => 10n,
  () => () => 'fn',
  () => new DOMException('The operation was aborted.', 'AbortError'),
  () => new DOMException('The operation timed out.', 'TimeoutError'),
  () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
  () => ({ error: { message: 42, type: ['x'], code: { nested: true } } }),
  () => ({ status: 'abc', statusCode: 1e9, error: 'text' }),
];

/** A recipe for a value: arbitrary data, a string, or one of the hostile values (built on use). */
const anyValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .anything({ withBigInt: true, withNullPrototype: true, withMap: true })
      .map(value => () => value),
  },
  {
    weight: 2,
    arbitrary: fc.nat({ max: hostileValues.length - 1 }).map(index => hostileValues[index]!),
  },
  { weight: 1, arbitrary: fc.string().map(value => () => value) },
);

/**
 * What a server or a proxy may send back as an error body. With a key, it is planted at any offset,
 * including across the point where a message excerpt gets cut.
 */
function body(key?: string) {
  const text = key
    ? fc
        .tuple(fc.nat({ max: 260 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }))
        .map(([pad, a, b]) => `${a}${'x'.repeat(pad)}${key}${b}`)
    : fc.string({ maxLength: 300 });
  return fc.oneof(
    text,
    fc
      .record({
        message: text,
        type: fc.string({ maxLength: 20 }),
        code: fc.string({ maxLength: 20 }),
      })
      .map(error => JSON.stringify({ error })),
    text.map(t => `<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>${t}</p></body></html>`),
    text.map(t => JSON.stringify({ error: { message: t } }).slice(0, 25)),
    fc.constant(''),
    fc.json(),
  );
}

function apiCallError(
  status: number,
  responseBody: string,
  headers: Record<string, string>,
  extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {},
) {
  return new APICallError({
    message: `status ${status}`,
    url: 'http://127.0.0.1:1/v1/chat/completions',
    requestBodyValues: { model: 'glm-5.2' },
    statusCode: status,
    responseHeaders: headers,
    responseBody,
    ...extra,
  });
}

describe('toAlayaError on arbitrary values', { retry: 0 }, () => {
  it('never throws and always returns a typed, serialisable AlayaError', async () => {
    await checkProperty(
      'toAlayaError total',
      fc.property(anyValue, fc.boolean(), (make, fromStreamPart) => {
        const error = toAlayaError(make(), { fromStreamPart });
        expect(AlayaError.isInstance(error)).toBe(true);
        expect(APICallError.isInstance(error)).toBe(true);
        expect(KINDS).toContain(error.kind);
        expect(typeof error.message).toBe('string');
        expect(error.message.length).toBeGreaterThan(0);
        expect(typeof error.isRetryable).toBe('boolean');
        expect(() => JSON.stringify(error)).not.toThrow();
        expect(() => String(error)).not.toThrow();
      }),
      RUNS,
    );
  });

  it('is idempotent: mapping a typed error again changes nothing a caller reads', async () => {
    await checkProperty(
      'toAlayaError idempotent',
      fc.property(anyValue, make => {
        const once = toAlayaError(make());
        const twice = toAlayaError(once);
        expect(twice.kind).toBe(once.kind);
        expect(twice.message).toBe(once.message);
        expect(twice.statusCode).toBe(once.statusCode);
        expect(twice.isRetryable).toBe(once.isRetryable);
        expect(twice.toJSON()).toEqual(once.toJSON());
      }),
      RUNS,
    );
  });
});

describe('toAlayaError on HTTP failures', { retry: 0 }, () => {
  it('the status picks the class and the default retryability, whatever the body', async () => {
    const status = fc.oneof(
      fc.constantFrom(...Object.keys(TABLE).map(Number)),
      fc.integer({ min: 400, max: 599 }),
    );
    await checkProperty(
      'status → class',
      fc.property(status, body(), (code, responseBody) => {
        const error = toAlayaError(apiCallError(code, responseBody, {}));
        expect(error.statusCode).toBe(code);
        const quota429 = code === 429 && /"(code|type)":"insufficient_quota"/.test(responseBody);
        const row = TABLE[code];
        if (quota429) {
          expect(InsufficientQuotaError.isInstance(error)).toBe(true);
        } else if (row) {
          expect(row.is(error), `${code} → ${error.name}`).toBe(true);
          expect(error.isRetryable).toBe(row.retryable);
        } else {
          expect(UnknownStatusError.isInstance(error)).toBe(true);
          expect(error.isRetryable).toBe(unknownStatusRetryable(code));
        }
        expect(error.message).not.toBe('');
      }),
      RUNS,
    );
  });

  it('an envelope’s message, type and code are carried through', async () => {
    const field = fc.string({ minLength: 1, maxLength: 40 }).filter(s => s.trim() !== '');
    await checkProperty(
      'envelope carried',
      fc.property(
        fc.constantFrom(...Object.keys(TABLE).map(Number)),
        field,
        field,
        field,
        (code, message, type, envelopeCode) => {
          const responseBody = JSON.stringify({ error: { message, type, code: envelopeCode } });
          const error = toAlayaError(apiCallError(code, responseBody, {}));
          expect(error.message).toBe(message);
          expect(error.type).toBe(type);
          expect(error.code).toBe(envelopeCode);
        },
      ),
      RUNS,
    );
  });

  it('x-should-retry overrides the default retryability of 4xx/5xx (quota stays final)', async () => {
    await checkProperty(
      'x-should-retry honoured',
      fc.property(
        fc.integer({ min: 400, max: 599 }).filter(c => c !== 402),
        fc.boolean(),
        (code, retry) => {
          const error = toAlayaError(apiCallError(code, '', { 'x-should-retry': String(retry) }));
          expect(error.isRetryable).toBe(retry);
        },
      ),
      RUNS,
    );
  });

  it('a planted API key appears in no message, field, cause, toJSON or inspect output', async () => {
    const key = plantedKey();
    const where = fc.record({
      message: fc.boolean(),
      header: fc.boolean(),
      url: fc.boolean(),
      requestBody: fc.boolean(),
      cause: fc.boolean(),
    });
    await checkProperty(
      'planted key never leaks (toAlayaError)',
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        body(key),
        where,
        fc.boolean(),
        (code, responseBody, at, withStatus) => {
          const error = apiCallError(
            code,
            responseBody,
            {
              authorization: `Bearer ${key}`,
              ...(at.header ? { 'x-echo': `key=${key}` } : {}),
            },
            {
              message: at.message ? `failed for ${key}` : 'failed',
              url: at.url
                ? `http://127.0.0.1:1/v1/chat/completions?key=${key}`
                : 'http://127.0.0.1:1/v1',
              requestBodyValues: at.requestBody ? { model: 'glm-5.2', apiKey: key, note: key } : {},
              cause: at.cause ? new Error(`socket said ${key}`) : undefined,
              statusCode: withStatus ? code : undefined,
            },
          );
          const mapped = toAlayaError(error, { apiKey: key });
          expect(findKeyLeaks(key, [mapped, mapped.toJSON(), mapped.cause])).toEqual([]);
        },
      ),
      RUNS,
    );
  });
});
