import type { AlayaAttempt, AlayaError } from './errors/alaya-error';
import type { PaceLane } from './fleet/resilience-store';
import type { AlayaTelemetry } from './telemetry/alaya-telemetry';

/**
 * A model as every hook, event and telemetry record names it: its provider and model id (the model
 * part of {@link AlayaAttempt}).
 */
export type ModelRef = Pick<AlayaAttempt, 'provider' | 'modelId'>;

/**
 * What the retry loop tells an {@link AttemptGuard} about an attempt: the identifying part of
 * {@link AlayaAttempt} (`provider`, `modelId`, 1-based `attempt` per model), plus the call's signal
 * and deadline.
 */
export interface AttemptInfo extends Pick<AlayaAttempt, 'provider' | 'modelId' | 'attempt'> {
  /** The caller's abort signal. */
  signal?: AbortSignal;
  /** Epoch ms at which `deadlineMs` runs out, when set. */
  deadlineAt?: number;
  /**
   * Tokens the call is expected to use (prompt estimate plus requested output, see
   * `estimateCallTokens`), for pacing by tokens per minute. Absent: unknown.
   */
  estimatedTokens?: number;
  /** The call's lane (`providerOptions.alayaMiddleware.priority`), when it has one. */
  lane?: PaceLane;
  /** The call's tenant (`providerOptions.alayaMiddleware.tenant`), raw: a guard stores its hash. */
  tenant?: string;
  /**
   * Written by a guard that paced the attempt (`createFleetGuard`): how long it waited for its
   * slot, its lane and its tenant's hash, for the attempt's telemetry span.
   */
  paced?: AttemptPace;
  /**
   * The telemetry of the middleware making the attempt, when it has any: a guard reports its own
   * events to it (the fleet guard: cooldown and pace waits, breaker transitions, refused retries),
   * so they reach the middleware's observers however the guard was built.
   */
  telemetry?: AlayaTelemetry;
}

/** What a pacer did before an attempt (see `AttemptInfo.paced`): never the raw tenant. */
export interface AttemptPace {
  /** Time waited for the slot (parked and reserved), in ms. */
  waitedMs: number;
  /** The call's lane, when it has one. */
  lane?: PaceLane;
  /** The hash of the call's tenant (16 hex digits), when it has one. */
  tenant?: string;
  /**
   * The pacer admitted it at a rate it is still learning from 429s (adaptive, or its slow start: no
   * limit stated, none in headers): a 429 it meets is that learning's cost, and its retry spends
   * none of `maxRetries` (see `decideRetry`).
   */
  learning?: true;
}

/** What the retry loop tells {@link AttemptGuard.onSuccess}: the attempt, plus its response headers. */
export interface AttemptSuccessInfo extends AttemptInfo {
  /**
   * Headers of the successful response when the provider reports them (`response.headers` of
   * `doGenerate`/`doStream`), e.g. `x-ratelimit-remaining-requests: 0`.
   */
  responseHeaders?: Record<string, string>;
  /** Tokens the attempt used as the provider reported them (prompt plus output), when known. */
  usedTokens?: number;
}

/**
 * What the retry loop tells {@link AttemptGuard.onAbandon}: an attempt that ended without an answer
 * the guard could learn from.
 */
export interface AbandonedAttemptInfo extends AttemptInfo {
  /**
   * The very object `beforeAttempt` received, when it let this attempt through (the attempt holds
   * what that took: a slot, the half-open probe). Absent: `beforeAttempt` never let it through.
   */
  admitted?: AttemptInfo;
  /** The failure whose retry `allowRetry` paid for with this attempt (a retry or a hedge), if any. */
  retryOf?: AlayaError;
}

/**
 * Advanced: hooks the retry loop calls around every attempt (shared cooldowns, retry budgets,
 * circuit breakers). The default does nothing. Exceptions other than typed errors thrown by a
 * guard are ignored.
 */
export interface AttemptGuard {
  /**
   * Before every attempt (first, retries, fallbacks). May wait (honouring signal/deadline) or throw a
   * typed error (e.g. circuit open), which counts as that model's failure and moves on to the next
   * fallback model.
   */
  beforeAttempt(info: AttemptInfo): Promise<void>;
  /** Whether a retry may be spent after `error` (retry budget). `false`: the error is thrown at once (exhausted). */
  allowRetry(info: AttemptInfo & { error: AlayaError }): boolean | Promise<boolean>;
  /**
   * After an attempt succeeded (for a stream: once its first content part arrived), with the
   * response headers when known.
   */
  onSuccess(info: AttemptSuccessInfo): void | Promise<void>;
  /** After an attempt failed with `error`. */
  onFailure(info: AttemptInfo & { error: AlayaError }): void | Promise<void>;
  /**
   * After an attempt ended with no answer: the caller aborted it (a stop button, a consumer that
   * cancelled the stream), a parallel attempt answered first (a lost hedge), or it was never sent
   * (the deadline ran out, its retry was paid for and then blocked). Gives back what it was admitted
   * with and counts nothing. Every attempt the guard admitted or paid for ends in exactly one of
   * `onSuccess`, `onFailure` and `onAbandon`.
   */
  onAbandon?(info: AbandonedAttemptInfo): void | Promise<void>;
}

/** The guard used when none is given: allows everything, records nothing. */
export const noopAttemptGuard: AttemptGuard = {
  beforeAttempt: async () => {},
  allowRetry: () => true,
  onSuccess: () => {},
  onFailure: () => {},
  onAbandon: () => {},
};
