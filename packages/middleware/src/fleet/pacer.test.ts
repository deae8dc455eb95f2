import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import { createGuardedStore } from './guarded-store';
import { PACE_MARGIN } from './learn-rate';
import { createMemoryStore } from './memory-store';
import { createPacer, type PaceEvent, type PacerSettings } from './pacer';
import type { ResilienceStore } from './resilience-store';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
const own = <E extends Error>(e: E) => e;
const pacer = (s: Partial<PacerSettings> = {}) =>
  createPacer({ store: createMemoryStore(), maxWaitMs: 60_000, own, ...s });

/** When the `n`th attempt beyond a full bucket goes, at `rpm` paced at {@link PACE_MARGIN} (ms). */
const slot = (n: number, rpm: number) => Math.ceil((n * 60_000) / (rpm * PACE_MARGIN));

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

  it('while no limit is known: one attempt first, one more in flight per success (slow start)', async () => {
    const p = pacer();
    const times = await admitted(p, 6, 100);
    expect(times).toEqual([0]);
    await p.learn('k', { limited: false }); // a success without headers: two may be in flight now
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toHaveLength(3);
    await p.learn('k', { limited: false });
    await p.learn('k', { limited: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toHaveLength(6);
  });

  it('thirty attempts while no limit is known and no answer comes: 2 s in, two have gone, not thirty (the window doubles per 2 s stall)', async () => {
    const p = pacer();
    const times = await admitted(p, 30, 2_000);
    expect(times).toEqual([0, 2_000]);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(times).toHaveLength(16);
  });

  it('no answer for 2 s: the slow start lets one more go exactly then, and an abort ends a wait', async () => {
    const p = pacer();
    const times = await admitted(p, 2, 1_999);
    expect(times).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 2_000]);
    const controller = new AbortController();
    const aborted = p.admit({ ...glm, signal: controller.signal }, 'k', 0).catch(e => e);
    controller.abort(new Error('user'));
    expect(await aborted).toMatchObject({ message: 'user' });
  });

  it('paces at 98 % of a stated limit, evenly spaced (no burst), first come first served', async () => {
    const events: PaceEvent[] = [];
    const p = pacer({ ceiling: { rpm: 120 }, onPace: e => events.push(e) });
    const times = await admitted(p, 10, 10_000);
    expect(times).toEqual([0, ...Array.from({ length: 9 }, (_, i) => slot(i + 1, 120))]);
    expect(times[9]).toBe(4592); // 9 gaps of 510.2 ms, not 500: room for jitter at the server
    expect(events[0]).toMatchObject({ modelId: 'glm-5.2', reason: 'stated_limit', waitMs: 511 });
    expect((await p.state())[0]).toMatchObject({ key: 'k', rpm: 120, waiting: 0 });
  });

  it('learns the limit from x-ratelimit headers and honours remaining', async () => {
    const p = pacer();
    await p.learn('k', { limited: false, report: { requests: { limit: 60, remaining: 0 } } });
    const times = await admitted(p, 3, 5_000);
    expect(times).toEqual([slot(1, 60), slot(2, 60), slot(3, 60)]);
    expect((await p.state())[0]).toMatchObject({ rpm: 60, reason: 'learned_limit' });
  });

  it('the first rate learned starts the bucket empty: the slow start’s request is in the window', async () => {
    const p = pacer();
    expect(await admitted(p, 1, 0)).toEqual([0]);
    // Plenty remaining, yet a full bucket on top of the request already sent would put 11 requests
    // into the server's window of 10 (paced at 98 %, the 11th lands just inside it).
    await p.learn('k', { limited: false, report: { requests: { limit: 60, remaining: 59 } } });
    expect(await admitted(p, 2, 5_000)).toEqual([slot(1, 60), slot(2, 60)]);
    // Learned once: a later answer with headers does not drain the bucket again.
    await vi.advanceTimersByTimeAsync(5_000);
    await p.learn('k', { limited: false, report: { requests: { limit: 60, remaining: 50 } } });
    expect(await admitted(p, 1, 0)).toEqual([0]);
  });

  it('without headers: the first 429 measures the rate, later ones slow down (×0.9), success speeds up', async () => {
    const p = pacer();
    expect(await admitted(p, 1, 0)).toEqual([0]);
    await p.learn('k', { limited: false });
    await p.learn('k', { limited: false });
    await admitted(p, 20, 500);
    // 2 successes, 500 ms after the first admission; the server frees its window in 4.5 s:
    // 2 requests per 5 s, 24 per minute.
    await p.learn('k', { limited: true, retryAfterMs: 4_500 });
    const measured = (await p.state())[0];
    expect(measured).toMatchObject({ rpm: 24, reason: 'adaptive' });
    // The slow start ended: the attempts it held took their turns in the bucket (reserved ahead).
    expect(measured?.available).toBeLessThan(-10);
    // The same burst's other 429s (within the Retry-After) do not cut the rate again.
    await p.learn('k', { limited: true, retryAfterMs: 4_000 });
    expect((await p.state())[0]?.rpm).toBeCloseTo(24);
    await vi.advanceTimersByTimeAsync(5_000);
    await p.learn('k', { limited: true });
    expect((await p.state())[0]?.rpm).toBeCloseTo(24 * 0.9);
    await p.learn('k', { limited: false });
    expect((await p.state())[0]?.rpm).toBeCloseTo(24 * 0.9 + 1);
  });

  it('without headers: a success of the same burst answering after the first 429 counts into its estimate', async () => {
    const p = pacer();
    expect(await admitted(p, 1, 0)).toEqual([0]);
    await p.learn('k', { limited: false });
    await p.learn('k', { limited: false });
    await vi.advanceTimersByTimeAsync(500);
    await p.learn('k', { limited: true, retryAfterMs: 4_500 }); // 2 successes per 5 s: 24 rpm
    await p.learn('k', { limited: false }); // sent before the 429, answered after it: 3 per 5 s
    expect((await p.state())[0]?.rpm).toBeCloseTo(36);
    await vi.advanceTimersByTimeAsync(4_500);
    // After the Retry-After, no 429 since the estimate: probing, one paced slot of a doubling every 10 s.
    await p.learn('k', { limited: false });
    expect((await p.state())[0]?.rpm).toBeCloseTo(36 * 2 ** (60_000 / 36 / 10_000));
  });

  it.each([
    ['a minute', 60_000],
    ['an hour', 3_600_000],
    ['1e15 ms', 1e15],
  ])(
    'without headers: a first 429 whose Retry-After is %s measures the rate over at most a minute and holds a minute at most',
    async (_, retryAfterMs) => {
      const p = pacer();
      expect(await admitted(p, 1, 0)).toEqual([0]);
      for (let i = 0; i < 20; i++) await p.learn('k', { limited: false });
      await vi.advanceTimersByTimeAsync(500);
      await p.learn('k', { limited: true, retryAfterMs });
      // 20 successes over the 500 ms since the first admission plus the window's minute: 19.8 rpm,
      // not 20 per hour (held at the 1 rpm floor for the hour, or for good).
      const measured = (20 * 60_000) / 60_500;
      expect((await p.state())[0]?.rpm).toBeCloseTo(measured);
      // Exactly a minute later the hold is over: a success grows the rate by one paced slot of a
      // doubling every 10 s (probing: no 429 since the estimate); within the hold it would add one
      // request over the estimate's span, 1/60 of that over an hour.
      await vi.advanceTimersByTimeAsync(60_000);
      await p.learn('k', { limited: false });
      expect((await p.state())[0]?.rpm).toBeCloseTo(measured * 2 ** (60_000 / measured / 10_000));
    },
  );

  it('after a minute idle at a learned 120 rpm, the pacer sends one at once, then one per slot (no burst)', async () => {
    const p = pacer({ ceiling: { rpm: 120 } });
    expect(await admitted(p, 2, slot(1, 120))).toEqual([0, slot(1, 120)]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await admitted(p, 3, slot(2, 120))).toEqual([0, slot(1, 120), slot(2, 120)]);
  });

  it('without headers: a 429 exactly when the hold of the last decrease ends cuts the rate again; one a millisecond earlier does not', async () => {
    const p = pacer();
    expect(await admitted(p, 1, 0)).toEqual([0]);
    await p.learn('k', { limited: false });
    await vi.advanceTimersByTimeAsync(500);
    await p.learn('k', { limited: true, retryAfterMs: 4_500 }); // first estimate: 12 rpm, held 4.5 s
    const rate = async () => (await p.state())[0]?.rpm;
    const measured = await rate();
    await vi.advanceTimersByTimeAsync(4_499);
    await p.learn('k', { limited: true });
    expect(await rate()).toBeCloseTo(measured as number);
    await vi.advanceTimersByTimeAsync(1);
    await p.learn('k', { limited: true });
    expect(await rate()).toBeCloseTo((measured as number) * 0.9);
  });

  it('paces tokens: each attempt takes its estimate, corrected by the usage reported', async () => {
    const p = pacer({ ceiling: { tpm: 6000 } }); // 100 tokens per second, paced at 98
    expect(await admitted(p, 2, slot(100, 6000), 100)).toEqual([0, slot(100, 6000)]);
    // Both went (the second after 100 tokens' time), 99 tokens are owed. The first used 20
    // tokens, not 100: 80 come back, so the next waits less.
    await p.learn('k', { limited: false, tokens: { estimated: 100, used: 20 } });
    expect((await p.state())[0]).toMatchObject({ tpm: 6000, tokens: -19 });
    const [next] = await admitted(p, 1, 1_000, 100);
    expect(next).toBeGreaterThan(slot(19, 6000)); // the 20 tokens missing, at 98 per second
    expect(next).toBeLessThanOrEqual(slot(20, 6000));
  });

  it.each([
    ['1e12', 1e12],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])(
    'a usage of %s tokens is believed up to a minute of the tokens limit: the next call waits a minute, not for good',
    async (_, used) => {
      const p = pacer({ ceiling: { tpm: 6000 }, maxWaitMs: 120_000 }); // paced at 98 tokens per second
      expect(await admitted(p, 1, 0, 100)).toEqual([0]);
      await p.learn('k', { limited: false, tokens: { estimated: 100, used } });
      // 6000 tokens used (a full minute's limit; the server refuses a larger call): 5999 owed.
      expect((await p.state())[0]).toMatchObject({ tokens: -5999 });
      const [next] = await admitted(p, 1, 62_000, 100);
      expect(next).toBe(slot(6000, 6000));
    },
  );

  it('a call estimated at 0 tokens goes at once on a token bucket, and waits only for tokens really used', async () => {
    const p = pacer({ ceiling: { tpm: 6000 } }); // 98 tokens per second
    expect(await admitted(p, 3, 0, 0)).toEqual([0, 0, 0]);
    // An estimate of 0 is still corrected by the usage: 50 tokens used, 49 owed beyond a full bucket.
    await p.learn('k', { limited: false, tokens: { estimated: 0, used: 50 } });
    expect((await p.state())[0]).toMatchObject({ tokens: -49 });
    expect(await admitted(p, 1, 1_000, 0)).toEqual([slot(49, 6000)]);
  });

  it('a wait below a millisecond (a huge rate met within one) is not slept', async () => {
    const events: PaceEvent[] = [];
    const p = pacer({ ceiling: { rpm: 1e9 }, onPace: e => events.push(e) });
    expect(await admitted(p, 3, 0)).toEqual([0, 0, 0]);
    expect(events).toEqual([]);
  });

  it('fails fast without sending when the wait is beyond maxWaitMs or the deadline', async () => {
    const p = pacer({ ceiling: { rpm: 1 }, maxWaitMs: 10_000 });
    await p.admit(glm, 'k', 0);
    const error = await p.admit(glm, 'k', 0).catch(e => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/paced at 1 requests per minute .*pacing\.maxWaitMs .* not sent/);
    const patient = pacer({ ceiling: { rpm: 1 }, maxWaitMs: 120_000 });
    await patient.admit(glm, 'k', 0);
    const late = await patient
      .admit({ ...glm, deadlineAt: Date.now() + 5_000 }, 'k', 0)
      .catch(e => e);
    expect(late.message).toContain("the call's deadline");
  });

  it('refuses a slot in the last tenth of the time left before the deadline (the answer needs it)', async () => {
    const p = pacer({ ceiling: { rpm: 60 } }); // slots 1021 ms apart
    await p.admit(glm, 'k', 0);
    // 1100 ms left: the slot at 1021 ms leaves 79 ms, less than a tenth (110 ms) for the answer.
    const edge = await p.admit({ ...glm, deadlineAt: Date.now() + 1_100 }, 'k', 0).catch(e => e);
    expect(RateLimitError.isInstance(edge)).toBe(true);
    expect(edge.message).toContain("the call's deadline (less a tenth of the time left");
    // 1200 ms left: 179 ms remain after the slot, more than the 120 ms kept for the answer.
    let admittedAt: number | undefined;
    const start = Date.now();
    void p
      .admit({ ...glm, deadlineAt: Date.now() + 1_200 }, 'k', 0)
      .then(() => (admittedAt = Date.now() - start));
    await vi.advanceTimersByTimeAsync(1_100);
    expect(admittedAt).toBe(slot(1, 60));
  });

  it('an abort ends the wait at once and gives its slot back', async () => {
    const p = pacer({ ceiling: { rpm: 60 } });
    await p.admit(glm, 'k', 0);
    const controller = new AbortController();
    const aborted = p.admit({ ...glm, signal: controller.signal }, 'k', 0).catch(e => e);
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(new Error('user'));
    expect(await aborted).toMatchObject({ message: 'user' });
    // The aborted attempt's slot (about 1 s from now) goes to the next one.
    expect(await admitted(p, 1, 2_000)).toEqual([slot(1, 60)]);
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
    expect(times).toEqual([0, 1, 2, 3, 4, 5].map(n => slot(n, 120))); // 120 rpm between them
    down = true;
    const alone = await admitted(a, 3, 10_000);
    expect(errors).toEqual(['takeFromRateBucket']);
    // Half of the fleet's recent requests were a's: it paces at 60 rpm alone.
    expect(alone).toEqual([0, slot(1, 60), slot(2, 60)]);
  });
});
