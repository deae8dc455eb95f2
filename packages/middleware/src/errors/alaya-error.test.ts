import { APICallError } from '@ai-sdk/provider';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AlayaError, type AlayaErrorKind, type AlayaErrorOf } from './alaya-error';
import { type CircuitOpenError, circuitOpenError } from './circuit-open-error';
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

/** Every class with its kind, `name` and default `isRetryable` (the README's table). */
const CLASSES = [
  [BadRequestError, 'bad_request', false],
  [AuthenticationError, 'authentication', false],
  [InsufficientQuotaError, 'insufficient_quota', false],
  [PermissionDeniedError, 'permission_denied', false],
  [NotFoundError, 'not_found', false],
  [RateLimitError, 'rate_limit', true],
  [InternalServerError, 'internal_server', true],
  [BadGatewayError, 'bad_gateway', true],
  [ServiceUnavailableError, 'service_unavailable', true],
  [UnknownStatusError, 'unknown_status', false],
  [ConnectionError, 'connection', true],
  [TimeoutError, 'timeout', true],
] as const;

describe('the error tree', () => {
  it.each(CLASSES)('%o: kind, name, default isRetryable, its own marker', (Class, kind, retry) => {
    const error = new Class({ message: 'm' });
    expect(error.kind).toBe(kind);
    expect(Class.kind).toBe(kind);
    expect(error.name).toBe(`AI_${Class.name}`);
    expect(error.isRetryable).toBe(retry);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(AlayaError);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(AlayaError.isInstance(error)).toBe(true);
    expect(Symbol.for(`alaya-code.ai-sdk.error.${Class.name}`) in error).toBe(true);
    for (const [Other] of CLASSES) expect(Other.isInstance(error)).toBe(Other === Class);
    // isInstance works unbound (e.g. `errors.filter(RateLimitError.isInstance)`).
    const { isInstance } = Class;
    expect(isInstance(error)).toBe(true);
    // Our markers live on the prototypes, not enumerable: they never reach JSON or a spread.
    const own = Object.getOwnPropertySymbols({ ...error }).map(symbol => symbol.description);
    expect(own.filter(name => name?.startsWith('alaya-code'))).toEqual([]);
  });

  it('UnknownStatusError is retryable by default for 408, 409 and 5xx only', () => {
    expect(new UnknownStatusError({ message: 'm', statusCode: 504 }).isRetryable).toBe(true);
    expect(new UnknownStatusError({ message: 'm', statusCode: 409 }).isRetryable).toBe(true);
    expect(new UnknownStatusError({ message: 'm', statusCode: 413 }).isRetryable).toBe(false);
    expect(
      new UnknownStatusError({ message: 'm', statusCode: 504, isRetryable: false }).isRetryable,
    ).toBe(false);
  });
});

describe('kind narrows (compile-time checks; tsc --noEmit fails when narrowing breaks)', () => {
  const error: unknown = circuitOpenError({
    modelId: 'glm-5.1',
    provider: 'alaya.chat',
    breakerState: 'open',
    retryInMs: 1000,
  });

  it('switch (error.kind) narrows the union to the class', () => {
    if (!AlayaError.isInstance(error)) throw new Error('not typed');
    expectTypeOf(error).toEqualTypeOf<AlayaError>();
    switch (error.kind) {
      case 'circuit_open':
        expectTypeOf(error).toEqualTypeOf<CircuitOpenError>();
        expect(error.retryInMs).toBe(1000);
        break;
      case 'rate_limit':
        expectTypeOf(error).toEqualTypeOf<RateLimitError>();
        // @ts-expect-error a rate limit has no breaker state
        error.breakerState;
        break;
      default:
        expectTypeOf(error.kind).toEqualTypeOf<
          Exclude<AlayaErrorKind, 'circuit_open' | 'rate_limit'>
        >();
    }
  });

  it('isAlayaError(error, kind) narrows to that kind', () => {
    expect(isAlayaError(error, 'circuit_open')).toBe(true);
    if (isAlayaError(error, 'circuit_open')) expectTypeOf(error).toEqualTypeOf<CircuitOpenError>();
    const rate: unknown = new RateLimitError({ message: 'slow', retryAfterMs: 5 });
    if (isAlayaError(rate, 'rate_limit')) expectTypeOf(rate).toEqualTypeOf<RateLimitError>();
    if (isAlayaError(rate)) expectTypeOf(rate).toEqualTypeOf<AlayaError>();
    expectTypeOf<AlayaErrorOf<'timeout'>>().toEqualTypeOf<TimeoutError>();
  });

  it('instanceof and the classes’ isInstance narrow too', () => {
    const typed: unknown = toAlayaError(new Error('x'));
    if (typed instanceof AlayaError) expectTypeOf(typed).toEqualTypeOf<AlayaError>();
    if (RateLimitError.isInstance(typed)) expectTypeOf(typed.kind).toEqualTypeOf<'rate_limit'>();
    expect(typed instanceof AlayaError).toBe(true);
    // @ts-expect-error AlayaError is abstract: build errors through the classes or toAlayaError
    expect(() => new AlayaError({ message: 'x' })).toBeDefined();
  });
});
