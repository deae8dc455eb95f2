import type { ModelRef } from '../attempt-guard';
import type { AlayaAttempt, AlayaError } from '../errors/alaya-error';

/** Argument of `onRetry`: the attempt that failed and the wait before the next one. */
export interface RetryEvent extends Pick<AlayaAttempt, 'attempt'> {
  /** Why it failed. */
  error: AlayaError;
  /** How long the loop waits before the next attempt. */
  delayMs: number;
  /** The model that failed and will be called again. */
  model: ModelRef;
}

/** Argument of `onFallback`. */
export interface FallbackEvent {
  /** The model that kept failing. */
  from: ModelRef;
  /** The model tried next. */
  to: ModelRef;
  /** The last error of `from`. */
  error: AlayaError;
  /** Attempts made so far, across all models. */
  attempts: AlayaAttempt[];
}

/** Argument of `onHedge`: a slow attempt got a second one in parallel. */
export interface HedgeEvent extends Pick<AlayaAttempt, 'attempt'> {
  /** The slow attempt's model. */
  model: ModelRef;
  /** The model the hedge is sent to: `model` itself, or the next fallback model. */
  hedgeModel: ModelRef;
  /** How long the slow attempt had run without content, in ms. */
  waitedMs: number;
}
