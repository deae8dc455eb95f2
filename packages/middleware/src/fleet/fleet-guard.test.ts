import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { CircuitOpenError } from '../errors/circuit-open-error';
import { BadGatewayError, RateLimitError } from '../errors/status-errors';
import { createFleetGuard } from './fleet-guard';
import type { FleetOptions } from './fleet-options';
import { createMemoryStore } from './memory-store';
import type { ResilienceStore } from './resilience-store';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
const flash: AttemptInfo = { modelId: 'deepseek-v4-flash', provider: 'alaya.chat', attempt: 1 };
const rateLimited = (retryAfterMs: number) =>
  new RateLimitError({ message: '429', statusCode: 429, retryAfterMs, modelId: glm.modelId });
const badGateway = () => new BadGatewayError({ message: '502', statusCode: 502 });

/** Two instances sharing one store, as two processes sharing Redis would. */
function fleet(options: FleetOptions = {}) {
  const store = options.store ?? createMemoryStore();
  const a = createFleetGuard({ cooldownSpreadMs: 0, ...options, store });
  const b = createFleetGuard({ cooldownSpreadMs: 0, ...options, store });
  return { a, b, store };
}

/** Settles a promise into a readable state without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    value => Object.assign(state, { settled: true, value }),
    error => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('createFleetGuard', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('shared cooldown', () => {
    it('holds every instance off a model until the Retry-After of one instance’s 429 has passed', async () => {
      const events: unknown[] = [];
      const { a, b } = fleet({ onCooldown: event => events.push(event) });
      await a.onFailure({ ...glm, error: rateLimited(2000) });
      expect(events).toEqual([
        {
          modelId: 'glm-5.2',
          provider: 'alaya.chat',
          origin: 'response',
          waitMs: 2000,
          reason: 'rate_limit_error',
        },
      ]);

      const waiting = track(b.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(1999);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting).toEqual({ settled: true, value: undefined });
      expect(events[1]).toMatchObject({ origin: 'shared', waitMs: 2000 });

      // Another model, and the same model once the cooldown is over, go straight through.
      const other = track(b.beforeAttempt(flash));
      const again = track(a.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(0);
      expect(other.settled && again.settled).toBe(true);
    });

    it('reads the wait from x-ratelimit headers when the remaining count is 0', async () => {
      const { a, b } = fleet();
      await a.onFailure({
        ...glm,
        error: new RateLimitError({
          message: '429',
          statusCode: 429,
          responseHeaders: {
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': '1.5s',
          },
        }),
      });
      const waiting = track(b.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(1499);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting.settled).toBe(true);
    });

    it('starts the cooldown from a successful response whose remaining count is 0, before any 429', async () => {
      const events: unknown[] = [];
      const { a, b } = fleet({ onCooldown: event => events.push(event) });
      await a.onSuccess({
        ...glm,
        responseHeaders: {
          'x-ratelimit-limit-requests': '3',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '2s',
          'x-ratelimit-remaining-tokens': '9000',
          'x-ratelimit-reset-tokens': '6m0s',
        },
      });
      expect(events).toEqual([
        {
          modelId: 'glm-5.2',
          provider: 'alaya.chat',
          origin: 'response',
          waitMs: 2000,
          reason: 'success_headers',
        },
      ]);
      const waiting = track(b.beforeAttempt(glm));
      const self = track(a.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(1999);
      expect(waiting.settled || self.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting).toEqual({ settled: true, value: undefined });
      expect(self).toEqual({ settled: true, value: undefined });
      // Another model is not held off.
      const other = track(b.beforeAttempt(flash));
      await vi.advanceTimersByTimeAsync(0);
      expect(other.settled).toBe(true);
    });

    it.each([
      [
        'remaining 1',
        { 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '2s' },
      ],
      ['remaining 0 without a reset', { 'x-ratelimit-remaining-requests': '0' }],
      [
        'a garbage reset',
        { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': 'soon' },
      ],
      [
        'a garbage remaining',
        { 'x-ratelimit-remaining-requests': 'none', 'x-ratelimit-reset-requests': '2s' },
      ],
      [
        'an empty remaining',
        { 'x-ratelimit-remaining-requests': ' ', 'x-ratelimit-reset-requests': '2s' },
      ],
      ['no headers', undefined],
    ])('starts no cooldown from a successful response with %s', async (_, responseHeaders) => {
      const events: unknown[] = [];
      const { a, b } = fleet({ onCooldown: event => events.push(event) });
      await a.onSuccess({ ...glm, responseHeaders });
      const next = track(b.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(0);
      expect(next).toEqual({ settled: true, value: undefined });
      expect(events).toEqual([]);
    });

    it('keeps keys apart: another API key fingerprint is not held off', async () => {
      vi.useRealTimers(); // the key is hashed by Web Crypto, which answers on a real event-loop turn
      const store = createMemoryStore();
      const a = createFleetGuard({ store, apiKey: 'key-one' });
      const b = createFleetGuard({ store, apiKey: 'key-two' });
      const c = createFleetGuard({ store, apiKey: 'key-one' });
      await a.onFailure({ ...glm, error: rateLimited(5000) });
      const started = Date.now();
      await b.beforeAttempt(glm);
      expect(Date.now() - started).toBeLessThan(2500); // not the 5 s cooldown of the other key
      expect((await c.getState()).models).toEqual([]);
      const controller = new AbortController();
      const sameKey = await Promise.race([
        c.beforeAttempt({ ...glm, signal: controller.signal }).then(
          () => 'sent',
          () => 'aborted',
        ),
        new Promise(resolve => setTimeout(() => resolve('waiting'), 100)),
      ]);
      controller.abort();
      expect(sameKey).toBe('waiting');
    });

    it('spreads the wake-up of waiting callers over cooldownSpreadMs', async () => {
      const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const { a, b } = fleet({ cooldownSpreadMs: 400 });
      await a.onFailure({ ...glm, error: rateLimited(1000) });
      const waiting = track(b.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(1199);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting.settled).toBe(true);
      random.mockRestore();
    });

    it('also spreads attempts that arrive just as a cooldown ends (retries that slept Retry-After)', async () => {
      const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const { a } = fleet({ cooldownSpreadMs: 400 });
      await a.onFailure({ ...glm, error: rateLimited(1000) });
      await vi.advanceTimersByTimeAsync(1000); // the retry loop slept the Retry-After itself
      const retry = track(a.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(199);
      expect(retry.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(retry.settled).toBe(true);
      // Once the spread is over, attempts go straight through.
      await vi.advanceTimersByTimeAsync(400);
      const later = track(a.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(0);
      expect(later.settled).toBe(true);
      random.mockRestore();
    });

    it('fails fast, without sending, when the cooldown is beyond maxCooldownWaitMs or the deadline', async () => {
      const { a, b } = fleet({ maxCooldownWaitMs: 1000 });
      await a.onFailure({ ...glm, error: rateLimited(3000) });
      const error = await b.beforeAttempt(glm).catch(e => e);
      expect(RateLimitError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ isRetryable: false, retryAfterMs: 3000, modelId: 'glm-5.2' });
      expect(error.message).toContain('maxCooldownWaitMs');

      await a.onFailure({ ...flash, error: rateLimited(800) });
      const late = await b.beforeAttempt({ ...flash, deadlineAt: Date.now() + 500 }).catch(e => e);
      expect(late.message).toContain('deadline');

      // The guard's own error is not a new 429: it does not extend the cooldown or cost a retry.
      await b.onFailure({ ...glm, error });
      expect(await b.allowRetry({ ...glm, error })).toBe(false);
      expect((await b.getState()).models.find(m => m.modelId === 'glm-5.2')?.cooldownMs).toBe(3000);
    });

    it('keeps the last tenth of the time before the deadline for the answer', async () => {
      const { a, b } = fleet();
      await a.onFailure({ ...glm, error: rateLimited(800) });
      // 850 ms left: the cooldown would end 50 ms before the deadline, inside the 85 ms kept for the answer.
      const edge = await b.beforeAttempt({ ...glm, deadlineAt: Date.now() + 850 }).catch(e => e);
      expect(RateLimitError.isInstance(edge)).toBe(true);
      expect(edge.message).toContain("the call's deadline (less a tenth of the time left");
      // 1000 ms left: 200 ms remain after the cooldown, more than the 100 ms kept.
      const waiting = track(b.beforeAttempt({ ...glm, deadlineAt: Date.now() + 1_000 }));
      await vi.advanceTimersByTimeAsync(799);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting).toMatchObject({ settled: true, value: undefined });
    });

    it('stops waiting when the caller aborts', async () => {
      const { a, b } = fleet();
      await a.onFailure({ ...glm, error: rateLimited(10_000) });
      const controller = new AbortController();
      const waiting = track(b.beforeAttempt({ ...glm, signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(100);
      controller.abort();
      await vi.advanceTimersByTimeAsync(0);
      expect(waiting.settled).toBe(true);
      expect((waiting.error as Error).name).toBe('AbortError');
    });

    it("rejects with the caller's own abort reason, in the wait and in the spread after it", async () => {
      const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const { a } = fleet({ cooldownSpreadMs: 400 });
      // Arriving 0 ms into the 1000 ms cooldown: it waits 1200 ms. Arriving as it ends: the
      // spread alone, 200 ms. Either wait is aborted 100 ms in.
      for (const arriveAfterMs of [0, 1000]) {
        await a.onFailure({ ...glm, error: rateLimited(1000) });
        await vi.advanceTimersByTimeAsync(arriveAfterMs);
        const controller = new AbortController();
        const reason = new Error(`stop button, ${arriveAfterMs} ms after the 429`);
        const waiting = track(a.beforeAttempt({ ...glm, signal: controller.signal }));
        await vi.advanceTimersByTimeAsync(100);
        expect(waiting.settled).toBe(false);
        controller.abort(reason);
        await vi.advanceTimersByTimeAsync(0);
        expect(waiting.error).toBe(reason);
        await vi.advanceTimersByTimeAsync(2000);
      }
      random.mockRestore();
    });

    it('caps a huge Retry-After at maxCooldownMs', async () => {
      const { a } = fleet({ maxCooldownMs: 10_000 });
      await a.onFailure({ ...glm, error: rateLimited(86_400_000) });
      expect((await a.getState()).models).toEqual([]);
      await a.beforeAttempt(flash);
      const state = await a.getState();
      expect(state.models).toEqual([
        { modelId: 'deepseek-v4-flash', provider: 'alaya.chat', cooldownMs: 0 },
      ]);
    });
  });

  describe('retry budget', () => {
    it('refuses retries once the shared bucket is empty, tells once, and refills on success', async () => {
      const exhausted: unknown[] = [];
      const { a, b } = fleet({
        retryBudget: { capacity: 10, retryCost: 5, timeoutRetryCost: 10 },
        onBudgetExhausted: event => exhausted.push(event),
      });
      const error = badGateway();
      expect(await a.allowRetry({ ...glm, error })).toBe(true);
      expect(await b.allowRetry({ ...glm, error })).toBe(true);
      expect(await a.allowRetry({ ...glm, error })).toBe(false);
      expect(await a.allowRetry({ ...glm, error })).toBe(false);
      expect(exhausted).toEqual([
        { modelId: 'glm-5.2', provider: 'alaya.chat', remaining: 0, cost: 5, error },
      ]);

      await b.onSuccess({ ...glm, attempt: 2 }); // a retried success refunds a retry
      expect((await a.getState()).retryBudgets).toEqual([]);
      await a.beforeAttempt(glm);
      expect((await a.getState()).retryBudgets).toEqual([
        { provider: 'alaya.chat', tokens: 5, capacity: 10 },
      ]);
      expect(await a.allowRetry({ ...glm, error })).toBe(true);
      expect(await a.allowRetry({ ...glm, error })).toBe(false);
      expect(exhausted).toHaveLength(2);
    });

    it('lets every retry through when turned off', async () => {
      const { a } = fleet({ retryBudget: false });
      for (let i = 0; i < 200; i++)
        expect(await a.allowRetry({ ...glm, error: badGateway() })).toBe(true);
    });
  });

  describe('circuit breaker', () => {
    const breakerOptions = {
      failureThreshold: 2,
      windowMs: 10_000,
      openMs: 5000,
      probeTimeoutMs: 3000,
    };

    it('opens for every instance, lets one probe through, and closes on its success', async () => {
      const changes: unknown[] = [];
      const { a, b } = fleet({
        circuitBreaker: breakerOptions,
        onBreakerStateChange: event => changes.push(event),
      });
      await a.beforeAttempt(glm);
      await a.onFailure({ ...glm, error: badGateway() });
      await b.onFailure({ ...glm, error: badGateway() });
      expect(changes).toEqual([
        { modelId: 'glm-5.2', provider: 'alaya.chat', from: 'closed', to: 'open' },
      ]);

      const rejected = await a.beforeAttempt(glm).catch(e => e);
      expect(CircuitOpenError.isInstance(rejected)).toBe(true);
      expect(rejected).toMatchObject({
        kind: 'circuit_open',
        breakerState: 'open',
        retryInMs: 5000,
      });
      await a.beforeAttempt(flash); // other models are unaffected

      await vi.advanceTimersByTimeAsync(5000);
      const results = await Promise.allSettled([a.beforeAttempt(glm), b.beforeAttempt(glm)]);
      const passed = results.filter(r => r.status === 'fulfilled');
      const failed = results.filter(r => r.status === 'rejected');
      expect(passed).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({
        breakerState: 'half-open',
      });

      const prober = results[0]?.status === 'fulfilled' ? a : b;
      await prober.onSuccess(glm);
      await a.beforeAttempt(glm);
      await b.beforeAttempt(glm);
      const state = await a.getState();
      expect(state.models.find(m => m.modelId === 'glm-5.2')).toMatchObject({
        breaker: 'closed',
        breakerFailures: 0,
      });
      expect(changes.at(-1)).toMatchObject({ to: 'closed' });
    });

    it('closes a half-open breaker when the probe gets an answer that is not a failure (e.g. a 429)', async () => {
      const { a } = fleet({ circuitBreaker: breakerOptions });
      await a.onFailure({ ...glm, error: badGateway() });
      await a.onFailure({ ...glm, error: badGateway() });
      await vi.advanceTimersByTimeAsync(5000);
      await a.beforeAttempt(glm); // the probe
      await a.onFailure({ ...glm, error: rateLimited(0) });
      expect((await a.getState()).models[0]).toMatchObject({
        breaker: 'closed',
        breakerFailures: 0,
      });
    });

    it('reopens when the probe fails, and ignores 4xx and its own errors', async () => {
      const { a } = fleet({ circuitBreaker: breakerOptions });
      await a.onFailure({ ...glm, error: rateLimited(0) });
      await a.onFailure({ ...glm, error: rateLimited(0) });
      await a.beforeAttempt(glm);
      await a.onFailure({ ...glm, error: badGateway() });
      await a.onFailure({ ...glm, error: badGateway() });
      const rejected = await a.beforeAttempt(glm).catch(e => e);
      await a.onFailure({ ...glm, error: rejected });
      await vi.advanceTimersByTimeAsync(5000);
      expect((await a.getState()).models[0]).toMatchObject({ breaker: 'half-open' });
      await a.beforeAttempt(glm); // the probe
      await a.onFailure({ ...glm, error: badGateway() });
      const again = await a.beforeAttempt(glm).catch(e => e);
      expect(again).toMatchObject({ kind: 'circuit_open', breakerState: 'open', retryInMs: 5000 });
    });
  });

  describe('onAbandon gives back what an attempt was admitted with', () => {
    const breakerOptions = { failureThreshold: 1, openMs: 5000, probeTimeoutMs: 60_000 };

    it('the half-open probe: the next attempt probes at once; an older attempt abandoned leaves it held', async () => {
      const { a, b } = fleet({ circuitBreaker: breakerOptions });
      const older = { ...glm };
      await a.beforeAttempt(older); // let through while closed
      await a.onFailure({ ...glm, error: badGateway() });
      await vi.advanceTimersByTimeAsync(5000);
      const probe = { ...glm };
      await a.beforeAttempt(probe);
      await a.onAbandon?.({ ...older, admitted: older });
      expect(await b.beforeAttempt(glm).catch(e => e)).toMatchObject({
        breakerState: 'half-open',
      });
      await a.onAbandon?.({ ...probe, admitted: probe });
      await b.beforeAttempt(glm); // the next probe, at once
      expect((await a.getState()).models[0]).toMatchObject({
        breaker: 'half-open',
        breakerFailures: 1,
      });
    });

    it('the half-open probe, when the cooldown wait after it is aborted (never let through)', async () => {
      const { a, b } = fleet({ circuitBreaker: breakerOptions });
      await a.onFailure({ ...glm, error: badGateway() });
      await vi.advanceTimersByTimeAsync(5000);
      await a.onFailure({ ...glm, error: rateLimited(1000) }); // a cooldown, the breaker still open
      const controller = new AbortController();
      const waiting = track(a.beforeAttempt({ ...glm, signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(100);
      controller.abort(new Error('stop button'));
      await vi.advanceTimersByTimeAsync(0);
      expect(waiting.error).toBeDefined();
      const next = track(b.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(1000); // the rest of the cooldown
      expect(next).toEqual({ settled: true, value: undefined });
    });

    it('the slow-start slot: the attempt held for it goes at once', async () => {
      const guard = createFleetGuard({ pacing: true, cooldownSpreadMs: 0 });
      const first = { ...glm };
      await guard.beforeAttempt(first); // the slow start's one slot
      const second = track(guard.beforeAttempt({ ...glm }));
      await guard.onAbandon?.({ ...first }); // not admitted: gives back nothing
      await vi.advanceTimersByTimeAsync(100);
      expect(second.settled).toBe(false);
      await guard.onAbandon?.({ ...first, admitted: first });
      await vi.advanceTimersByTimeAsync(0);
      expect(second.settled).toBe(true);
    });
  });

  describe('store failures', () => {
    function failingStore(mode: 'reject' | 'hang'): ResilienceStore & { calls: number } {
      const store = {
        calls: 0,
      } as ResilienceStore & { calls: number };
      for (const name of [
        'getCooldown',
        'extendCooldown',
        'takeTokens',
        'addTokens',
        'getBreaker',
        'compareAndSetBreaker',
        'takeFromRateBucket',
        'adjustRateBucket',
      ] as const) {
        (store as any)[name] = () => {
          store.calls++;
          return mode === 'reject'
            ? Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'))
            : new Promise(() => {});
        };
      }
      return store;
    }

    it('falls back to local state, says so once, and keeps the cooldowns it knew', async () => {
      const errors: unknown[] = [];
      const store = failingStore('reject');
      const guard = createFleetGuard({
        store,
        cooldownSpreadMs: 0,
        circuitBreaker: true,
        onStoreError: event => errors.push(event),
      });
      await guard.beforeAttempt(glm);
      expect(await guard.allowRetry({ ...glm, error: badGateway() })).toBe(true);
      await guard.onFailure({ ...glm, error: rateLimited(1000) });
      await guard.onSuccess(glm);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ operation: 'getBreaker', retryInMs: 2000 });
      expect(store.calls).toBe(1); // the store is left alone for storeRetryMs

      const waiting = track(guard.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(999);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting.settled).toBe(true);

      const state = await guard.getState();
      expect(state.store).toMatchObject({
        healthy: false,
        lastError: 'ECONNREFUSED 127.0.0.1:6379',
      });
    });

    it('bounds a hanging store by storeTimeoutMs', async () => {
      const errors: unknown[] = [];
      const guard = createFleetGuard({
        store: failingStore('hang'),
        storeTimeoutMs: 50,
        onStoreError: event => errors.push(event),
      });
      const attempt = track(guard.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(49);
      expect(attempt.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(2); // the timeout, then one timer turn for a late answer
      expect(attempt).toEqual({ settled: true, value: undefined });
      expect((errors[0] as { error: Error }).error.message).toContain('longer than 50ms');
      // Later calls do not wait at all while the store is being left alone.
      const next = track(guard.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(0);
      expect(next.settled).toBe(true);
    });

    it('counts an answer that arrives as the timeout fires (a blocked event loop), not a failure', async () => {
      const errors: unknown[] = [];
      const memory = createMemoryStore();
      await memory.extendCooldown('cooldown:alaya.chat:-:glm-5.2', 10_000);
      const slow = new Proxy(memory, {
        get:
          (target, name: keyof ResilienceStore) =>
          (...args: unknown[]) =>
            // The answer is due at the same instant as the timeout, and queued after it.
            Promise.resolve().then(
              () =>
                new Promise(resolve =>
                  setTimeout(() => resolve((target[name] as any)(...args)), 50),
                ),
            ),
      });
      const guard = createFleetGuard({
        store: slow,
        storeTimeoutMs: 50,
        onStoreError: e => errors.push(e),
      });
      const attempt = track(guard.beforeAttempt(glm));
      await vi.advanceTimersByTimeAsync(60);
      expect(attempt.settled).toBe(false); // it saw the cooldown and waits for it
      expect(errors).toEqual([]);
    });

    it('does not end an outage on an answer to a call made before it', async () => {
      const errors: unknown[] = [];
      const memory = createMemoryStore();
      const mixed: ResilienceStore = {
        ...memory,
        takeTokens: () => Promise.reject(new Error('down')),
        getCooldown: key =>
          new Promise<number>(resolve => setTimeout(() => resolve(memory.getCooldown(key)), 20)),
      };
      const guard = createFleetGuard({ store: mixed, onStoreError: e => errors.push(e) });
      const before = track(guard.beforeAttempt(glm)); // a slow read, started while healthy
      expect(await guard.allowRetry({ ...glm, error: badGateway() })).toBe(true); // fails: outage
      await vi.advanceTimersByTimeAsync(20);
      expect(before.settled).toBe(true); // the slow read answered...
      expect((await guard.getState()).store.healthy).toBe(false); // ...but it does not end the outage
      expect(errors).toHaveLength(1);
    });

    it('tries the store again after storeRetryMs and reports a new outage again', async () => {
      const errors: unknown[] = [];
      const healthy = createMemoryStore();
      let down = true;
      const flaky = new Proxy(healthy, {
        get:
          (target, name: keyof ResilienceStore) =>
          (...args: unknown[]) =>
            down ? Promise.reject(new Error('down')) : (target[name] as any)(...args),
      });
      const guard = createFleetGuard({
        store: flaky,
        storeRetryMs: 1000,
        onStoreError: e => errors.push(e),
      });
      await guard.beforeAttempt(glm);
      down = false;
      await vi.advanceTimersByTimeAsync(1000);
      await guard.beforeAttempt(glm);
      expect((await guard.getState()).store).toEqual({ healthy: true });
      down = true;
      await guard.beforeAttempt(glm);
      expect(errors).toHaveLength(2);
    });
  });

  it('never hands the API key to the store, only its fingerprint', async () => {
    const keys: string[] = [];
    const memory = createMemoryStore();
    const recording = new Proxy(memory, {
      get:
        (target, name: keyof ResilienceStore) =>
        (key: string, ...rest: unknown[]) => {
          keys.push(key);
          return (target[name] as any)(key, ...rest);
        },
    });
    const guard = createFleetGuard({
      store: recording,
      apiKey: 'sk-very-secret',
      circuitBreaker: true,
    });
    await guard.beforeAttempt(glm);
    await guard.onFailure({ ...glm, error: rateLimited(10) });
    await guard.allowRetry({ ...glm, error: rateLimited(10) });
    expect(keys.length).toBeGreaterThan(2);
    expect(keys.join(' ')).not.toContain('sk-very-secret');
    expect(keys).toContain('cooldown:alaya.chat:e7f15906532b67bd:glm-5.2');
  });
});
