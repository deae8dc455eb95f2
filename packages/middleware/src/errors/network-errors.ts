import { AlayaError, type AlayaErrorOptions, hasMarker } from './alaya-error';

const connectionErrorMarker = 'alaya-code.ai-sdk.error.ConnectionError';
const connectionErrorSymbol = Symbol.for(connectionErrorMarker);

/** No HTTP response: connection refused or reset, DNS failure, socket closed mid-body (`ECONNRESET`, `ECONNREFUSED`, `UND_ERR_*`, `TypeError: fetch failed`). Retried. */
export class ConnectionError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [connectionErrorSymbol] = true;
  readonly kind = 'connection' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_ConnectionError', isRetryable: true });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is ConnectionError {
    return hasMarker(error, connectionErrorMarker);
  }
}

const timeoutErrorMarker = 'alaya-code.ai-sdk.error.TimeoutError';
const timeoutErrorSymbol = Symbol.for(timeoutErrorMarker);

/** The request timed out (a timeout that is not the caller's abort, or `deadlineMs`). Retried, except when the deadline was hit. Its `name` is `AI_TimeoutError`, so it is never mistaken for an abort. */
export class TimeoutError extends AlayaError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read through Symbol.for in isInstance
  private readonly [timeoutErrorSymbol] = true;
  readonly kind = 'timeout' as const;

  constructor(options: AlayaErrorOptions) {
    super(options, { name: 'AI_TimeoutError', isRetryable: true });
  }

  /** True for this class, including copies of the package loaded twice. */
  static override isInstance(error: unknown): error is TimeoutError {
    return hasMarker(error, timeoutErrorMarker);
  }
}
