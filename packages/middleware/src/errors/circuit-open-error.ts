import { errorClass } from './alaya-error';
import type { AlayaErrorOptions } from './alaya-error-options';
import { DEFAULT_HINTS } from './hints';

/** Constructor options of {@link CircuitOpenError}. */
export interface CircuitOpenErrorOptions extends AlayaErrorOptions {
  /** `open`, or `half-open` while another instance's probe is in flight. */
  breakerState: 'open' | 'half-open';
  /** Milliseconds until a probe may go through (a hint, not a promise). */
  retryInMs: number;
}

/**
 * The circuit breaker for this model is open: the call was not sent. The middleware moves on to
 * the next of `fallbackModels`, or throws this when there is none. Not retryable (the breaker
 * stays open for seconds); `retryInMs` says when a probe may go through.
 */
export class CircuitOpenError extends errorClass('circuit_open', 'CircuitOpenError') {
  /** `open`, or `half-open` while another instance's probe is in flight. */
  readonly breakerState: 'open' | 'half-open';
  /** Milliseconds until a probe may go through. */
  readonly retryInMs: number;

  constructor(options: CircuitOpenErrorOptions) {
    super(options);
    this.breakerState = options.breakerState;
    this.retryInMs = options.retryInMs;
  }

  override toOptions(): CircuitOpenErrorOptions {
    return { ...super.toOptions(), breakerState: this.breakerState, retryInMs: this.retryInMs };
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), breakerState: this.breakerState, retryInMs: this.retryInMs };
  }
}

/** Builds the error thrown when the breaker for `modelId` rejects an attempt. */
export function circuitOpenError(info: {
  modelId: string;
  provider: string;
  breakerState: 'open' | 'half-open';
  retryInMs: number;
}): CircuitOpenError {
  const seconds = Math.ceil(info.retryInMs / 1000);
  const reason =
    info.breakerState === 'open'
      ? `recent calls to it failed; a probe may go through in ${seconds}s`
      : `another instance is probing it (up to ${seconds}s)`;
  return new CircuitOpenError({
    message: `Circuit breaker for model ${info.modelId} (${info.provider}) is ${info.breakerState}: ${reason}. The call was not sent.`,
    hint: DEFAULT_HINTS.circuit_open,
    modelId: info.modelId,
    provider: info.provider,
    breakerState: info.breakerState,
    retryInMs: Math.max(0, Math.round(info.retryInMs)),
  });
}
