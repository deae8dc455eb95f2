import type { ModelRef } from '../attempt-guard';
import type { ToAlayaErrorContext } from '../errors/to-alaya-error';
import type { CallLane } from '../fleet/call-lane';
import type { TelemetryAttemptStart } from '../telemetry/alaya-telemetry';

/**
 * What the retry loop needs from one kind of call (`generate`, `stream`, `embed`): how to send an
 * attempt to a model of type `M` (a language or an embedding model: the loop reads only its
 * `provider` and `modelId`) and what to read from its result. Described once, as a plain object, by the file that owns the
 * operation; the loop calls forward into it and is never handed a callback of its own caller.
 */
export interface AttemptOperation<T, M extends ModelRef> {
  /** What telemetry calls the attempts. */
  readonly name: TelemetryAttemptStart['operation'];
  /**
   * Sends one attempt to `model` with `signal` (the caller's, combined with the deadline and the
   * per-attempt timeout); `context` maps its failures.
   */
  send(model: M, signal: AbortSignal | undefined, context: ToAlayaErrorContext): Promise<T>;
  /** The response headers of a successful attempt's result, for `guard.onSuccess`. */
  responseHeaders(result: T): Record<string, string> | undefined;
  /** The tokens a successful attempt used, for `guard.onSuccess` (unknown for a stream yet). */
  usedTokens?(result: T): number | undefined;
  /** Tokens the call is expected to use (for pacing; only asked when a guard is there to use it). */
  estimateTokens(): number;
  /** The call's lane and tenant, for the guard (`providerOptions.alayaMiddleware`). */
  readonly lane?: CallLane;
  /**
   * The result goes on reading through the signal `send` was given (a stream's body): the attempt's
   * signal then keeps following the call's signal after `send` resolved, which must therefore be the
   * call's own (not a caller's signal that outlives the call). Otherwise the attempt's link to the
   * call's signal is removed as soon as the attempt settles.
   */
  readonly readsAfterSend?: boolean;
  /** Releases the result of an attempt that lost to a parallel one (a stream's reader). */
  discard?(result: T): void;
}
