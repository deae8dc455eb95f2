import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError, ServiceUnavailableError } from '../errors/status-errors';
import { createFleetGuard, type FleetGuard, type FleetState } from './fleet-guard';
import type { FleetOptions } from './fleet-options';
import { createMemoryStore } from './memory-store';

/** Distinct model ids a gateway passes through one guard (its callers choose them). */
const IDS = 100_000;
/** The documented caps: 256 models per table, 10 000 entries in a memory store (the most recent). */
const PER_MODEL_CAP = 256;
const STORE_CAP = 10_000;
/**
 * What may stay on the heap after 100 000 ids: the capped tables and a full memory store (about
 * 2 MB at most). Unbounded, the breaker alone kept 15.8 MB and the store several times that.
 */
const MAX_GROWTH_MB = 8;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MB. */
function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** The `i`-th id: a model of its own provider, as a gateway passing callers' ids through sees. */
const nth = (i: number): AttemptInfo => ({
  provider: `gateway-${i}`,
  modelId: `model-${i}`,
  attempt: 1,
});

/**
 * Drives {@link IDS} distinct ids through one guard with `options` (its own memory store) and
 * returns how much more heap is in use after, in MB, and the guard's state.
 */
async function drive(
  options: FleetOptions,
  step: (guard: FleetGuard, info: AttemptInfo) => Promise<unknown>,
): Promise<{ grownMb: number; state: FleetState }> {
  const guard = createFleetGuard({ cooldownSpreadMs: 0, ...options });
  const before = heapMb();
  for (let i = 0; i < IDS; i++) await step(guard, nth(i));
  const grownMb = heapMb() - before;
  return { grownMb, state: await guard.getState() };
}

const unavailable = (info: AttemptInfo) =>
  new ServiceUnavailableError({ message: '503', statusCode: 503, ...info });
const limited = (info: AttemptInfo) =>
  new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 60_000, ...info });

describe('every table keyed by a caller-chosen id is bounded (100 000 distinct ids)', {
  timeout: 120_000,
}, () => {
  it('the circuit breaker: a failure counted per model', async () => {
    const { grownMb, state } = await drive({ circuitBreaker: true }, async (guard, info) => {
      await guard.beforeAttempt(info);
      await guard.onFailure({ ...info, error: unavailable(info) });
    });
    expect(grownMb).toBeLessThan(MAX_GROWTH_MB);
    expect(state.models.length).toBeLessThanOrEqual(PER_MODEL_CAP);
    expect(state.models.length).toBeGreaterThan(0);
  });

  it('the shared cooldown: a 429 per model', async () => {
    const { grownMb, state } = await drive({}, async (guard, info) => {
      await guard.beforeAttempt(info);
      await guard.onFailure({ ...info, error: limited(info) });
    });
    expect(grownMb).toBeLessThan(MAX_GROWTH_MB);
    expect(state.models.length).toBeLessThanOrEqual(PER_MODEL_CAP);
    expect(state.models.length).toBeGreaterThan(0);
  });

  it('the retry budget: a retry paid per provider, which fails too', async () => {
    const { grownMb, state } = await drive({ retryBudget: true }, async (guard, info) => {
      await guard.beforeAttempt(info);
      await guard.onFailure({ ...info, error: unavailable(info) });
      await guard.allowRetry({ ...info, error: unavailable(info) });
      const retry = { ...info, attempt: 2 };
      await guard.beforeAttempt(retry);
      await guard.onFailure({ ...retry, error: unavailable(retry) });
    });
    expect(grownMb).toBeLessThan(MAX_GROWTH_MB);
    expect(state.retryBudgets.length).toBeLessThanOrEqual(PER_MODEL_CAP);
    expect(state.retryBudgets.length).toBeGreaterThan(0);
  });

  it('the pacer: a bucket and a slow start per model, its limit learned from headers', async () => {
    const headers = {
      'x-ratelimit-limit-requests': '600',
      'x-ratelimit-remaining-requests': '599',
    };
    const { grownMb, state } = await drive({ pacing: true }, async (guard, info) => {
      await guard.beforeAttempt(info);
      await guard.onSuccess({ ...info, responseHeaders: headers });
    });
    expect(grownMb).toBeLessThan(MAX_GROWTH_MB);
    expect(state.pacing.length).toBeLessThanOrEqual(PER_MODEL_CAP);
    expect(state.pacing.length).toBeGreaterThan(0);
  });

  it('the memory store: a cooldown, a budget, a breaker record and a rate bucket per id', async () => {
    const store = createMemoryStore();
    const bucket = { capacity: 10, ttlMs: 600_000 };
    const rates = { limits: { rpm: 600 }, burstMs: 1000, ttlMs: 600_000, maxWaitMs: 60_000 };
    const before = heapMb();
    for (let i = 0; i < IDS; i++) {
      await store.extendCooldown(`cooldown:${i}`, 60_000);
      await store.takeTokens(`budget:${i}`, 5, bucket);
      await store.compareAndSetBreaker(`breaker:${i}`, 0, { state: 'closed', failures: 1 }, 60_000);
      await store.takeFromRateBucket(`pace:${i}`, { requests: 1, tokens: 0 }, rates);
    }
    expect(heapMb() - before).toBeLessThan(MAX_GROWTH_MB);
    expect(store.size()).toBeLessThanOrEqual(STORE_CAP);
    // The most recent keys are the ones kept, whole.
    expect(await store.getCooldown(`cooldown:${IDS - 1}`)).toBeGreaterThan(59_000);
    expect(await store.getCooldown('cooldown:0')).toBe(0);
  });
});
