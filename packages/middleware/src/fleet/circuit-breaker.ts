import { ERROR_KINDS, isErrorKind } from '../errors/error-kinds';
import {
  checkOptionalFunction,
  checkOptionalNumber,
  checkOptionalObject,
} from '../util/check-option';
import type { BreakerRecord, BreakerState } from './resilience-store';

/** Circuit breaker per model, shared through the store. */
export interface CircuitBreakerOptions {
  /** Failures within `windowMs` (with no success between) that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Window in which failures are counted, in ms. Default 30000. */
  windowMs?: number;
  /** How long the breaker stays open before one probe may go through, in ms. Default 30000. */
  openMs?: number;
  /**
   * How long the single half-open probe may take before another instance may probe instead, in ms.
   * Default 30000.
   */
  probeTimeoutMs?: number;
  /**
   * Which errors count as failures. Default: 5xx, connection errors and timeouts (not 4xx: a 429
   * is handled by the shared cooldown, a 400 is the caller's fault).
   */
  isFailure?: (error: unknown) => boolean;
}

/** {@link CircuitBreakerOptions} with every default filled in. */
export type ResolvedCircuitBreaker = Required<CircuitBreakerOptions>;

/** What {@link decideBreaker} says about the next attempt. */
export type BreakerDecision =
  /** Send it. */
  | { action: 'allow' }
  /** Send it as the half-open probe, after storing `next` (which takes the probe's lease). */
  | { action: 'probe'; next: BreakerRecord }
  /** Do not send: the breaker is open (or another instance holds the probe). */
  | { action: 'reject'; state: Exclude<BreakerState, 'closed'>; retryInMs: number };

/** The default `isFailure`: 5xx responses, connection errors and timeouts. */
export function isBreakerFailure(error: unknown): boolean {
  if (error == null || typeof error !== 'object') return false;
  const { kind, statusCode } = error as { kind?: unknown; statusCode?: unknown };
  if (isErrorKind(kind) && ERROR_KINDS[kind].breakerFailure) return true;
  return typeof statusCode === 'number' && statusCode >= 500;
}

/** Fills in the defaults and checks every value (an `InvalidArgumentError` names a bad one). */
export function resolveCircuitBreaker(options: CircuitBreakerOptions = {}): ResolvedCircuitBreaker {
  checkOptionalObject('circuitBreaker', options);
  const number = (
    name: 'failureThreshold' | 'windowMs' | 'openMs' | 'probeTimeoutMs',
    fallback: number,
  ) =>
    checkOptionalNumber(`circuitBreaker.${name}`, options[name], { exclusiveMin: true }) ??
    fallback;
  return {
    failureThreshold: number('failureThreshold', 5),
    windowMs: number('windowMs', 30_000),
    openMs: number('openMs', 30_000),
    probeTimeoutMs: number('probeTimeoutMs', 30_000),
    isFailure:
      checkOptionalFunction<(error: unknown) => boolean>(
        'circuitBreaker.isFailure',
        options.isFailure,
      ) ?? isBreakerFailure,
  };
}

/** How long a breaker record lives in the store after its last write. */
export function breakerTtlMs(options: ResolvedCircuitBreaker): number {
  return 2 * (options.windowMs + options.openMs + options.probeTimeoutMs);
}

/** The state a health endpoint should show: an open breaker whose time is up reads as half-open. */
export function effectiveBreakerState(
  record: BreakerRecord | undefined,
  now: number,
  options: ResolvedCircuitBreaker,
): BreakerState {
  if (record === undefined) return 'closed';
  if (record.state === 'open' && now - (record.openedAt ?? 0) >= options.openMs) return 'half-open';
  return record.state;
}

/** Whether the next attempt may go out, given the stored record. */
export function decideBreaker(
  record: BreakerRecord | undefined,
  now: number,
  options: ResolvedCircuitBreaker,
): BreakerDecision {
  if (record === undefined || record.state === 'closed') return { action: 'allow' };
  if (record.state === 'open') {
    const retryInMs = (record.openedAt ?? 0) + options.openMs - now;
    if (retryInMs > 0) return { action: 'reject', state: 'open', retryInMs };
  } else if ((record.probeUntil ?? 0) > now) {
    return { action: 'reject', state: 'half-open', retryInMs: (record.probeUntil ?? 0) - now };
  }
  // Open and its time is up, or half-open with an expired probe lease: this attempt is the probe.
  return {
    action: 'probe',
    next: { ...record, state: 'half-open', probeUntil: now + options.probeTimeoutMs },
  };
}

/** The record after a counted failure, or `undefined` when it does not change. */
export function breakerAfterFailure(
  record: BreakerRecord | undefined,
  now: number,
  options: ResolvedCircuitBreaker,
): BreakerRecord | undefined {
  const current = record ?? { state: 'closed', failures: 0 };
  if (current.state === 'open') return undefined;
  if (current.state === 'half-open')
    return { state: 'open', failures: current.failures, openedAt: now };
  const inWindow =
    current.windowStartedAt !== undefined && now - current.windowStartedAt < options.windowMs;
  const failures = inWindow ? current.failures + 1 : 1;
  const windowStartedAt = inWindow ? current.windowStartedAt : now;
  if (failures >= options.failureThreshold) return { state: 'open', failures, openedAt: now };
  return { state: 'closed', failures, windowStartedAt };
}

/**
 * The record after a success, or `undefined` when it does not change: a success closes a
 * half-open breaker and clears a closed one's failure count; an open breaker ignores it (it was
 * sent before the breaker opened).
 */
export function breakerAfterSuccess(record: BreakerRecord | undefined): BreakerRecord | undefined {
  if (record === undefined || record.state === 'open') return undefined;
  if (record.state === 'closed' && record.failures === 0) return undefined;
  return { state: 'closed', failures: 0 };
}

/**
 * The record after the half-open probe whose lease ran to `probeUntil` ended without an answer (the
 * caller's abort, a lost hedge, never sent), or `undefined` when that probe no longer holds the
 * lease: the lease is dropped, so the next attempt probes at once. Nothing is counted.
 */
export function breakerAfterAbandonedProbe(
  record: BreakerRecord | undefined,
  probeUntil: number,
): BreakerRecord | undefined {
  if (record?.state !== 'half-open' || record.probeUntil !== probeUntil) return undefined;
  const { probeUntil: _lease, ...rest } = record;
  return rest;
}

/** A closed breaker with no failures is the same as no record: the store deletes it. */
export function isIdleBreaker(record: BreakerRecord): boolean {
  return record.state === 'closed' && record.failures === 0;
}
