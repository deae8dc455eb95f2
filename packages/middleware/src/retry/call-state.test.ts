import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AttemptGuard,
  type AttemptInfo,
  type ModelRef,
  noopAttemptGuard,
} from '../attempt-guard';
import { ConnectionError } from '../errors/network-errors';
import { RateLimitError } from '../errors/status-errors';
import { resolveOptions } from '../options/resolve-options';
import { createCallState } from './call-state';
import type { AttemptOperation } from './operation';

const CAP = 10_000;

const operation = (estimate = 42): AttemptOperation<string, ModelRef> => ({
  name: 'generate',
  send: async () => 'answer',
  responseHeaders: () => undefined,
  estimateTokens: vi.fn(() => estimate),
});

const callState = ({ continuing = false, guard = noopAttemptGuard, op = operation() } = {}) =>
  createCallState({
    models: [],
    operation: op,
    signal: undefined,
    settings: { ...resolveOptions({ maxRetryAfterMs: CAP }), guard },
    deadline: undefined,
    continuing,
  });

const info = (attempt: number): AttemptInfo => ({
  provider: 'mock.chat',
  modelId: 'm',
  attempt,
  signal: undefined,
  deadlineAt: undefined,
});

const limited = (retryAfterMs: number | undefined) =>
  new RateLimitError({ message: '429', statusCode: 429, retryAfterMs });

describe('call state: server wait', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a Retry-After exactly at maxRetryAfterMs is kept whole and runs out exactly at its end', () => {
    const call = callState();
    expect(call.serverWaitLeft()).toBe(0);
    call.noteServerWait(limited(CAP));
    expect(call.serverWaitLeft()).toBe(CAP);
    vi.advanceTimersByTime(CAP - 1);
    expect(call.serverWaitLeft()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(call.serverWaitLeft()).toBe(0);
  });

  it('a Retry-After beyond maxRetryAfterMs counts as the cap; after a long idle nothing is left (never negative)', () => {
    const call = callState();
    call.noteServerWait(limited(CAP * 100));
    expect(call.serverWaitLeft()).toBe(CAP);
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(call.serverWaitLeft()).toBe(0);
  });

  it('the longest wait seen wins; a missing, negative or non-finite one changes nothing', () => {
    const call = callState();
    call.noteServerWait(limited(5_000));
    vi.advanceTimersByTime(1_000);
    call.noteServerWait(limited(1_000));
    call.noteServerWait(limited(undefined));
    call.noteServerWait(limited(Number.NaN));
    call.noteServerWait(limited(Number.POSITIVE_INFINITY));
    call.noteServerWait(limited(-5));
    call.noteServerWait(new ConnectionError({ message: 'reset' }));
    expect(call.serverWaitLeft()).toBe(4_000);
  });
});

describe('call state: attempts', () => {
  it('hands out a copy of its history: only recordFailure changes it', () => {
    const call = callState();
    call.recordFailure(info(1), limited(1_000), 12, 1_000);
    call.recordFailure(info(2), new ConnectionError({ message: 'reset' }), 30);
    const seen = call.history();
    seen.push({ ...seen[0]! });
    seen[0]!.kind = 'timeout';
    expect(call.failures()).toBe(2);
    expect(call.history()).toEqual([
      {
        attempt: 1,
        provider: 'mock.chat',
        modelId: 'm',
        kind: 'rate_limit',
        statusCode: 429,
        durationMs: 12,
        delayMs: 1_000,
      },
      { attempt: 2, provider: 'mock.chat', modelId: 'm', kind: 'connection', durationMs: 30 },
    ]);
  });

  it('attemptCount is the failures, the abandoned and the one that answered', () => {
    const call = callState();
    expect(call.attemptCount()).toBe(1);
    call.recordFailure(info(1), limited(undefined), 5);
    call.noteAbandoned(1);
    call.noteAbandoned(2);
    expect(call.attemptCount()).toBe(5);
  });

  it('a first run may hedge once; a continuing run may not hedge at all', () => {
    const first = callState();
    expect(first.mayHedge()).toBe(true);
    first.markHedged();
    expect(first.mayHedge()).toBe(false);
    expect(callState({ continuing: true }).mayHedge()).toBe(false);
  });

  it('asks the operation for its token estimate once, and only when a guard is there to use it', () => {
    const unguarded = operation();
    expect(callState({ op: unguarded }).estimatedTokens).toBeUndefined();
    expect(unguarded.estimateTokens).not.toHaveBeenCalled();

    const guarded = operation(7);
    const guard: AttemptGuard = { ...noopAttemptGuard };
    expect(callState({ op: guarded, guard }).estimatedTokens).toBe(7);
    expect(guarded.estimateTokens).toHaveBeenCalledTimes(1);
  });
});
