import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import { createGuardedStore } from './guarded-store';
import { createMemoryStore } from './memory-store';
import { createPacer, type PaceEvent, type PacerSettings } from './pacer';
import type { ResilienceStore } from './resilience-store';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
const own = <E extends Error>(e: E) => e;
const pacer = (s: Partial<PacerSettings> = {}) =>
  createPacer({ store: createMemoryStore(), maxWaitMs: 60_000, own, ...s });

/** Admits `n` attempts at once and returns when each was admitted (ms after the start). */
async function admitted(p: ReturnType<typeof pacer>, n: number, runMs: number, tokens = 0) {
  const start = Date.now();
  const times: number[] = [];
  for (let i = 0; i < n; i++)
    void p.admit(glm, 'k', tokens).then(() => times.push(Date.now() - start));
  await vi.advanceTimersByTimeAsync(runMs);
  return times;
}

describe('createPacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('does not hold anything back while no limit is known', async () => {
    expect(await admitted(pacer(), 50, 0)).toHaveLength(50);
  });

  it('paces at a stated limit: one second of it at once, then evenly, first come first served', async () => {
    const events: PaceEvent[] = [];
    const p = pacer({ ceiling: { rpm: 120 }, onPace: e => events.push(e) });
    const times = await admitted(p, 10, 10_000);
    expect(times).toEqual([0, 0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]);
    expect(events[0]).toMatchObject({ modelId: 'glm-5.2', reason: 'stated_limit', waitMs: 500 });
    expect((await p.state())[0]).toMatchObject({ key: 'k', rpm: 120, waiting: 0 });
  });

  it('learns the limit from x-ratelimit headers and honours remaining', async () => {
    const p = pacer();
    await p.learn('k', { limited: false, report: { requests: { limit: 60, remaining: 0 } } });
    const times = await admitted(p, 3, 5_000);
    expect(times).toEqual([1000, 2000, 3000]);
    expect((await p.state())[0]).toMatchObject({ rpm: 60, reason: 'learned_limit' });
  });

  it('without headers: slows down after a 429 (multiplicative) and speeds up on success', async () => {
    const p = pacer();
    await admitted(p, 100, 0);
    await p.learn('k', { limited: true });
    expect((await p.state())[0]).toMatchObject({ rpm: 70, reason: 'adaptive', available: 0 });
    await p.learn('k', { limited: false });
    expect((await p.state())[0]?.rpm).toBe(71);
  });

  it('paces tokens: each attempt takes its estimate, corrected by the usage reported', async () => {
    const p = pacer({ ceiling: { tpm: 6000 } }); // 100 tokens per second
    expect(await admitted(p, 2, 1_000, 100)).toEqual([0, 1000]);
    // The first used 20 tokens, not 100: 80 come back, so the next waits less.
    await p.learn('k', { limited: false, tokens: { estimated: 100, used: 20 } });
    expect((await p.state())[0]).toMatchObject({ tpm: 6000, tokens: 80 });
    expect(await admitted(p, 1, 1_000, 100)).toEqual([200]);
  });

  it('fails fast without sending when the wait is beyond maxWaitMs or the deadline', async () => {
    const p = pacer({ ceiling: { rpm: 1 }, maxWaitMs: 10_000 });
    await p.admit(glm, 'k', 0);
    const error = await p.admit(glm, 'k', 0).catch(e => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/paced at 1 requests per minute .*maxPaceWaitMs .* not sent/);
    const patient = pacer({ ceiling: { rpm: 1 }, maxWaitMs: 120_000 });
    await patient.admit(glm, 'k', 0);
    const late = await patient
      .admit({ ...glm, deadlineAt: Date.now() + 5_000 }, 'k', 0)
      .catch(e => e);
    expect(late.message).toContain("the call's deadline");
  });

  it('an abort ends the wait at once and gives its slot back', async () => {
    const p = pacer({ ceiling: { rpm: 60 } });
    await p.admit(glm, 'k', 0);
    const controller = new AbortController();
    const aborted = p.admit({ ...glm, signal: controller.signal }, 'k', 0).catch(e => e);
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(new Error('user'));
    expect(await aborted).toMatchObject({ message: 'user' });
    // The aborted attempt's slot (1 s from now) goes to the next one.
    expect(await admitted(p, 1, 2_000)).toEqual([1000]);
  });

  it('two pacers on one store pace as one; with the store down, each at its share', async () => {
    const shared = createMemoryStore();
    let down = false;
    const flaky: ResilienceStore = {
      ...shared,
      takeFromRateBucket: (...args) =>
        down ? Promise.reject(new Error('down')) : shared.takeFromRateBucket(...args),
      adjustRateBucket: (...args) =>
        down ? Promise.reject(new Error('down')) : shared.adjustRateBucket(...args),
    };
    const errors: unknown[] = [];
    const guarded = () =>
      createGuardedStore(flaky, {
        timeoutMs: 100,
        retryMs: 60_000,
        onStoreError: e => errors.push(e.operation),
      });
    const a = pacer({ store: guarded(), ceiling: { rpm: 120 } });
    const b = pacer({ store: guarded(), ceiling: { rpm: 120 } });
    const times: number[] = [];
    const start = Date.now();
    for (const p of [a, b, a, b, b, a])
      void p.admit(glm, 'k', 0).then(() => times.push(Date.now() - start));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(times).toEqual([0, 0, 500, 1000, 1500, 2000]); // 120 rpm between them
    down = true;
    const alone = await admitted(a, 3, 10_000);
    expect(errors).toEqual(['takeFromRateBucket']);
    // Half of the fleet's recent requests were a's: it paces at 60 rpm alone.
    expect(alone).toEqual([0, 1000, 2000]);
  });
});
