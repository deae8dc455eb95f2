import { InvalidArgumentError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors/network-errors';
import { BadGatewayError, BadRequestError, RateLimitError } from '../errors/status-errors';
import {
  breakerAfterAbandonedProbe,
  breakerAfterFailure,
  breakerAfterSuccess,
  decideBreaker,
  effectiveBreakerState,
  isBreakerFailure,
  resolveCircuitBreaker,
} from './circuit-breaker';
import type { BreakerRecord } from './resilience-store';

const options = resolveCircuitBreaker({
  failureThreshold: 3,
  windowMs: 1000,
  openMs: 5000,
  probeTimeoutMs: 2000,
});

function fail(times: number, start: number, step: number, record?: BreakerRecord) {
  let current = record;
  for (let i = 0; i < times; i++)
    current = breakerAfterFailure(current, start + i * step, options) ?? current;
  return current;
}

describe('circuit breaker transitions', () => {
  it('opens after failureThreshold failures inside the window', () => {
    expect(fail(2, 0, 100)).toEqual({ state: 'closed', failures: 2, windowStartedAt: 0 });
    expect(fail(3, 0, 100)).toEqual({ state: 'open', failures: 3, openedAt: 200 });
  });

  it('starts counting again when the window has passed', () => {
    expect(fail(3, 0, 600)).toEqual({ state: 'closed', failures: 1, windowStartedAt: 1200 });
  });

  it('rejects while open, then lets exactly one probe through', () => {
    const open = fail(3, 0, 0)!;
    expect(decideBreaker(open, 4999, options)).toEqual({
      action: 'reject',
      state: 'open',
      retryInMs: 1,
    });
    const probe = decideBreaker(open, 5000, options);
    expect(probe).toEqual({
      action: 'probe',
      next: { state: 'half-open', failures: 3, openedAt: 0, probeUntil: 7000 },
    });
    const halfOpen = (probe as { next: BreakerRecord }).next;
    expect(decideBreaker(halfOpen, 6000, options)).toEqual({
      action: 'reject',
      state: 'half-open',
      retryInMs: 1000,
    });
    // The probe's lease ran out (its instance died): another may probe.
    expect(decideBreaker(halfOpen, 7000, options).action).toBe('probe');
  });

  it('closes on a probe success and reopens on a probe failure', () => {
    const halfOpen: BreakerRecord = {
      state: 'half-open',
      failures: 3,
      openedAt: 0,
      probeUntil: 7000,
    };
    expect(breakerAfterSuccess(halfOpen)).toEqual({ state: 'closed', failures: 0 });
    expect(breakerAfterFailure(halfOpen, 6000, options)).toEqual({
      state: 'open',
      failures: 3,
      openedAt: 6000,
    });
  });

  it('ignores failures and successes while open, and needs no write for a clean closed breaker', () => {
    const open: BreakerRecord = { state: 'open', failures: 3, openedAt: 0 };
    expect(breakerAfterFailure(open, 10, options)).toBeUndefined();
    expect(breakerAfterSuccess(open)).toBeUndefined();
    expect(breakerAfterSuccess(undefined)).toBeUndefined();
    expect(breakerAfterSuccess({ state: 'closed', failures: 0 })).toBeUndefined();
    expect(breakerAfterSuccess({ state: 'closed', failures: 2, windowStartedAt: 0 })).toEqual({
      state: 'closed',
      failures: 0,
    });
  });

  it('reports an open breaker whose time is up as half-open', () => {
    const open: BreakerRecord = { state: 'open', failures: 3, openedAt: 0 };
    expect(effectiveBreakerState(undefined, 0, options)).toBe('closed');
    expect(effectiveBreakerState(open, 4999, options)).toBe('open');
    expect(effectiveBreakerState(open, 5000, options)).toBe('half-open');
  });

  it('counts 5xx, connection errors and timeouts as failures, not 4xx', () => {
    expect(isBreakerFailure(new BadGatewayError({ message: 'x', statusCode: 502 }))).toBe(true);
    expect(isBreakerFailure(new ConnectionError({ message: 'x' }))).toBe(true);
    expect(isBreakerFailure({ statusCode: 504 })).toBe(true);
    expect(isBreakerFailure(new RateLimitError({ message: 'x', statusCode: 429 }))).toBe(false);
    expect(isBreakerFailure(new BadRequestError({ message: 'x', statusCode: 400 }))).toBe(false);
    expect(isBreakerFailure(new Error('x'))).toBe(false);
  });

  it('an abandoned probe drops its own lease only: the next attempt probes at once', () => {
    const probing: BreakerRecord = { state: 'half-open', failures: 3, probeUntil: 7000 };
    const released = breakerAfterAbandonedProbe(probing, 7000);
    expect(released).toEqual({ state: 'half-open', failures: 3 });
    expect(decideBreaker(released, 5001, options)).toMatchObject({ action: 'probe' });
    // Another probe's lease, a breaker that closed or reopened meanwhile: left as it is.
    expect(breakerAfterAbandonedProbe({ ...probing, probeUntil: 7100 }, 7000)).toBeUndefined();
    expect(breakerAfterAbandonedProbe({ state: 'closed', failures: 0 }, 7000)).toBeUndefined();
    expect(
      breakerAfterAbandonedProbe({ state: 'open', failures: 3, openedAt: 6000 }, 7000),
    ).toBeUndefined();
    expect(breakerAfterAbandonedProbe(undefined, 7000)).toBeUndefined();
  });

  it('rejects bad options with an InvalidArgumentError naming them', () => {
    expect(() => resolveCircuitBreaker({ openMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => resolveCircuitBreaker({ openMs: 0 })).toThrow(/circuitBreaker\.openMs/);
    expect(() => resolveCircuitBreaker({ failureThreshold: Number.NaN })).toThrow(
      /failureThreshold/,
    );
  });
});
