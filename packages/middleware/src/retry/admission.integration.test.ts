import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import {
  type AbandonedAttemptInfo,
  type AttemptGuard,
  type AttemptInfo,
  noopAttemptGuard,
} from '../attempt-guard';
import { createFleetGuard } from '../fleet/fleet-guard';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';
import { useEmulator } from '../test-support/emulator-fixture';

const API_KEY = 'sk-admission-ledger-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

/** Held by the emulator long enough for any abort to land mid-flight. */
const HELD = { firstByteDelayMs: 30_000 };

/** A guard that records, per attempt number, how each admitted or paid-for attempt was settled. */
function ledgerGuard() {
  const admitted = new Map<number, AttemptInfo>();
  const settled = new Map<number, string[]>();
  const abandoned: AbandonedAttemptInfo[] = [];
  const note = (attempt: number, how: string) => {
    settled.set(attempt, [...(settled.get(attempt) ?? []), how]);
  };
  const guard: AttemptGuard = {
    ...noopAttemptGuard,
    beforeAttempt: async info => void admitted.set(info.attempt, info),
    onSuccess: info => note(info.attempt, 'success'),
    onFailure: info => note(info.attempt, 'failure'),
    onAbandon: info => {
      abandoned.push(info);
      note(info.attempt, info.retryOf ? `abandon, paid by ${info.retryOf.kind}` : 'abandon');
    },
  };
  return { guard, admitted, settled, abandoned };
}

/** Runs one call with `options`, aborting it (`abort`) once `abortAt` requests were logged. */
async function call(
  guard: AttemptGuard,
  options: AlayaMiddlewareOptions,
  abortAt?: number,
): Promise<unknown> {
  const controller = new AbortController();
  const running = generateText({
    model: model({ guard, ...options }),
    prompt: 'Hi',
    abortSignal: controller.signal,
    maxRetries: 0,
  }).catch((error: unknown) => error);
  if (abortAt !== undefined) {
    for (let i = 0; i < 500 && chat().length < abortAt; i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    await new Promise(resolve => setTimeout(resolve, 50));
    controller.abort(new Error('stop button'));
  }
  return running;
}

describe('every attempt the guard admitted or paid for is settled exactly once', () => {
  it('a failure then a success: onFailure, then onSuccess', async () => {
    const ledger = ledgerGuard();
    fixture.emulator.enqueueFaults({ status: 500 });
    await call(ledger.guard, {});
    expect(Object.fromEntries(ledger.settled)).toEqual({ 1: ['failure'], 2: ['success'] });
  });

  it("the caller's abort mid-flight: onAbandon, with the object beforeAttempt received", async () => {
    const ledger = ledgerGuard();
    fixture.emulator.enqueueFaults(HELD);
    expect(await call(ledger.guard, {}, 1)).toMatchObject({ message: 'stop button' });
    expect(Object.fromEntries(ledger.settled)).toEqual({ 1: ['abandon'] });
    expect(ledger.abandoned[0]?.admitted).toBe(ledger.admitted.get(1));
  });

  it("the caller's abort during a paid retry's backoff: the retry is abandoned, not admitted, its payment named", async () => {
    const ledger = ledgerGuard();
    fixture.emulator.enqueueFaults({ status: 500 });
    await call(ledger.guard, { initialDelayMs: 30_000 }, 1);
    expect(Object.fromEntries(ledger.settled)).toEqual({
      1: ['failure'],
      2: ['abandon, paid by internal_server'],
    });
    expect(ledger.abandoned[0]?.admitted).toBeUndefined();
  });

  it('a deadline that ran out while beforeAttempt waited: never sent, onAbandon', async () => {
    const ledger = ledgerGuard();
    const admit = ledger.guard.beforeAttempt;
    // A guard that lets the attempt through only after the call's deadline (a slow store, say).
    ledger.guard.beforeAttempt = async info => {
      await new Promise(resolve => setTimeout(resolve, 150));
      await admit(info);
    };
    expect(await call(ledger.guard, { deadlineMs: 100 })).toMatchObject({ kind: 'timeout' });
    expect(chat()).toHaveLength(0);
    expect(Object.fromEntries(ledger.settled)).toEqual({ 1: ['abandon'] });
  });

  it('a hedge that loses: onAbandon, paid by its timeout', async () => {
    const ledger = ledgerGuard();
    fixture.emulator.enqueueFaults([{ firstByteDelayMs: 400 }, HELD]);
    await call(ledger.guard, { hedge: { afterMs: 100 } });
    expect(chat()).toHaveLength(2);
    expect(Object.fromEntries(ledger.settled)).toEqual({
      1: ['success'],
      2: ['abandon, paid by timeout'],
    });
    expect(ledger.abandoned[0]?.admitted).toBe(ledger.admitted.get(2));
  });

  it('a first attempt that loses to its hedge: onAbandon', async () => {
    const ledger = ledgerGuard();
    fixture.emulator.enqueueFaults(HELD);
    await call(ledger.guard, { hedge: { afterMs: 100 } });
    expect(Object.fromEntries(ledger.settled)).toEqual({ 1: ['abandon'], 2: ['success'] });
  });
});

describe('the fleet retry budget gets back what an unanswered retry cost', () => {
  const budget = { capacity: 10, retryCost: 5 };

  it("the caller's abort during the backoff before a paid retry", async () => {
    const guard = createFleetGuard({ retryBudget: budget });
    fixture.emulator.enqueueFaults({ status: 500 });
    await call(guard, { initialDelayMs: 30_000 }, 1);
    expect((await guard.getState()).retryBudgets[0]?.tokens).toBe(10);
  });

  it('a paid retry that the circuit breaker then blocks (never sent)', async () => {
    const guard = createFleetGuard({
      retryBudget: budget,
      circuitBreaker: { failureThreshold: 1, openMs: 60_000 },
    });
    fixture.emulator.enqueueFaults({ status: 500 });
    expect(await call(guard, {})).toMatchObject({ kind: 'circuit_open' });
    expect(chat()).toHaveLength(1);
    expect((await guard.getState()).retryBudgets[0]?.tokens).toBe(10);
  });
});
