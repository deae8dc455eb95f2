import { APICallError } from '@ai-sdk/provider';
import type {
  AlayaAttempt,
  AlayaErrorKind,
  AlayaErrorOptions,
  AlayaExhaustedReason,
} from './alaya-error-options';
import type { CircuitOpenError } from './circuit-open-error';
import type { DimensionMismatchError } from './dimension-mismatch-error';
import { ERROR_KINDS } from './error-kinds';
import type { ConnectionError, TimeoutError } from './network-errors';
import type {
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

export { rebuildAlayaError } from './rebuild-alaya-error';
export type { AlayaAttempt, AlayaErrorKind, AlayaErrorOptions, AlayaExhaustedReason };

const MARKER_PREFIX = 'alaya-code.ai-sdk.error.';
const baseSymbol = Symbol.for(`${MARKER_PREFIX}AlayaError`);

/**
 * Every typed error of this package, discriminated by `kind`: `switch (error.kind)` narrows to the
 * class (`case 'circuit_open': error.retryInMs`). As a value, `AlayaError` is the base class:
 * `AlayaError.isInstance(error)` and `error instanceof AlayaError` narrow to this union.
 */
export type AlayaError =
  | BadRequestError
  | AuthenticationError
  | InsufficientQuotaError
  | PermissionDeniedError
  | NotFoundError
  | RateLimitError
  | InternalServerError
  | BadGatewayError
  | ServiceUnavailableError
  | UnknownStatusError
  | ConnectionError
  | TimeoutError
  | CircuitOpenError
  | DimensionMismatchError;

/** Every kind has its class in the union above: a kind added without one fails to compile here. */
// biome-ignore lint/correctness/noUnusedVariables: a compile-time check, read by the compiler only
type EveryKindHasAClass<K extends AlayaError['kind'] = AlayaErrorKind> = K;

/** The typed error of one kind: `AlayaErrorOf<'rate_limit'>` is `RateLimitError`. */
export type AlayaErrorOf<K extends AlayaErrorKind> = Extract<AlayaError, { kind: K }>;

/**
 * Base class of every typed error (exported as the value `AlayaError`). Extends the AI SDK's
 * `APICallError`, so `APICallError.isInstance` and the AI SDK's own retry logic keep working.
 */
export abstract class AlayaErrorBase extends APICallError {
  /** Discriminant, one per class (see the classes table in the README). */
  abstract readonly kind: AlayaErrorKind;
  /** Envelope `error.type`, when the server sent one. */
  readonly type?: string;
  /** Envelope `error.code`, when the server sent one. */
  readonly code?: string;
  /** What the user can do about it (for Alaya's models, the error guide's "solution" column). */
  readonly hint?: string;
  /** Wait the server asked for, in milliseconds (already parsed from the headers). */
  readonly retryAfterMs?: number;
  /** Request id from the `x-request-id`-style response headers, else from the message's `(request id: …)`. */
  readonly requestId?: string;
  /** Model that failed, when known. */
  readonly modelId?: string;
  /** Provider of the model that failed, when known. */
  readonly provider?: string;
  /** Attempt history, present when the retry loop gave up. */
  readonly attempts?: AlayaAttempt[];
  /** Why the retry loop gave up, present when it did. */
  readonly exhaustedReason?: AlayaExhaustedReason;

  constructor(options: AlayaErrorOptions, defaults: { name: string; isRetryable: boolean }) {
    super({
      message: options.message,
      url: options.url ?? '',
      requestBodyValues: options.requestBodyValues,
      statusCode: options.statusCode,
      responseHeaders: options.responseHeaders,
      responseBody: options.responseBody,
      cause: options.cause,
      isRetryable: options.isRetryable ?? defaults.isRetryable,
      data: options.data,
    });
    this.name = defaults.name;
    this.type = options.type;
    this.code = options.code;
    this.hint = options.hint;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.modelId = options.modelId;
    this.provider = options.provider;
    this.attempts = options.attempts;
    this.exhaustedReason = options.exhaustedReason;
  }

  /** True for any typed error from this package, including copies loaded twice. */
  static override isInstance(error: unknown): error is AlayaErrorBase {
    return hasMarker(error, baseSymbol);
  }

  /** The options this error was built from; `rebuildAlayaError` uses it to make modified copies. */
  toOptions(): AlayaErrorOptions {
    return {
      message: this.message,
      url: this.url,
      requestBodyValues: this.requestBodyValues,
      statusCode: this.statusCode,
      responseHeaders: this.responseHeaders,
      responseBody: this.responseBody,
      cause: this.cause,
      isRetryable: this.isRetryable,
      data: this.data,
      type: this.type,
      code: this.code,
      hint: this.hint,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      modelId: this.modelId,
      provider: this.provider,
      attempts: this.attempts,
      exhaustedReason: this.exhaustedReason,
    };
  }

  /** A JSON view without the request body, the raw response body or any credential. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      statusCode: this.statusCode,
      type: this.type,
      code: this.code,
      hint: this.hint,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      isRetryable: this.isRetryable,
      url: this.url || undefined,
      modelId: this.modelId,
      provider: this.provider,
      responseHeaders: this.responseHeaders,
      attempts: this.attempts,
      exhaustedReason: this.exhaustedReason,
    };
  }
}
mark(AlayaErrorBase, baseSymbol);

/** The value side of {@link AlayaError}: the abstract base class, whose checks narrow to the union. */
export type AlayaErrorConstructor = (abstract new (
  ...args: never[]
) => AlayaError) & {
  /** True for any typed error from this package, including copies loaded twice. */
  isInstance(error: unknown): error is AlayaError;
};

/**
 * The base class of every typed error, as a value: `AlayaError.isInstance(error)` (works across
 * duplicate copies of the package) and `error instanceof AlayaError` narrow to the union.
 */
export const AlayaError: AlayaErrorConstructor = AlayaErrorBase as unknown as AlayaErrorConstructor;

/** The constructor side of one typed error class, as {@link errorClass} builds it. */
export interface AlayaErrorClass<K extends AlayaErrorKind> {
  new (options: AlayaErrorOptions): AlayaErrorBase & { readonly kind: K };
  /** The `kind` of this class's errors. */
  readonly kind: K;
  /** True for this class, including copies of the package loaded twice. */
  isInstance(error: unknown): error is AlayaErrorOf<K>;
}

/**
 * The base of one typed error class: its `kind`, its `name` (`AI_${name}`), its default
 * `isRetryable` (the kind's row in `ERROR_KINDS`: a constant or a rule on the status) and its own
 * `Symbol.for` marker, read by the static `isInstance`. Each class is then one line:
 * `class RateLimitError extends errorClass('rate_limit', 'RateLimitError') {}`.
 */
export function errorClass<const K extends AlayaErrorKind>(
  kind: K,
  name: string,
): AlayaErrorClass<K> {
  const symbol = Symbol.for(`${MARKER_PREFIX}${name}`);
  const isRetryable = ERROR_KINDS[kind].retryable;
  class TypedError extends AlayaErrorBase {
    static readonly kind: K = kind;
    readonly kind: K = kind;
    constructor(options: AlayaErrorOptions) {
      const retryable =
        typeof isRetryable === 'function' ? isRetryable(options.statusCode) : isRetryable;
      super(options, { name: `AI_${name}`, isRetryable: retryable });
    }
    static override isInstance(error: unknown): error is AlayaErrorBase {
      return hasMarker(error, symbol);
    }
  }
  mark(TypedError, symbol);
  return TypedError as unknown as AlayaErrorClass<K>;
}

/** Puts a `Symbol.for` marker on a class's prototype (non-enumerable: never serialised). */
function mark(Class: abstract new (...args: never[]) => unknown, symbol: symbol): void {
  Object.defineProperty(Class.prototype, symbol, { value: true });
}

/** True when `error` carries the marker (own or inherited), the way the AI SDK's errors check. */
function hasMarker(error: unknown, symbol: symbol): boolean {
  return (
    error != null &&
    typeof error === 'object' &&
    symbol in error &&
    (error as Record<symbol, unknown>)[symbol] === true
  );
}
