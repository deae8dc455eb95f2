import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import { createPacer, type PaceEvent, type PacerSettings } from './pacer';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
const own = <E extends Error>(e: E) => e;
const pacer = (s: Partial<PacerSettings> = {}) => createPacer({ maxWaitMs: 60_000, own, ...s });

/** Admits `n` attempts at once and returns when each was admitted (ms after the start). */
async function admitted(p: ReturnType<typeof pacer>, n: number, runMs: number) {
  const start = Date.now();
  const times: number[] = [];
  for (let i = 0; i < n; i++) void p.admit(glm, 'k').then(() => times.push(Date.now() - start));
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
    const p = pacer({ ceilingRpm: 120, onPace: e => events.push(e) });
    const times = await admitted(p, 10, 10_000);
    expect(times).toHaveLength(10);
    expect(times.slice(0, 2)).toEqual([0, 0]); // 2 per second at once
    for (let i = 2; i < 10; i++) expect(times[i]).toBeGreaterThanOrEqual((i - 1) * 500);
    expect(times[9]).toBeLessThanOrEqual(4_600);
    expect(events[0]).toMatchObject({ modelId: 'glm-5.2', reason: 'stated_limit' });
    expect(p.state()[0]).toMatchObject({ key: 'k', rpm: 120, waiting: 0 });
  });

  it('learns the limit from x-ratelimit headers and honours remaining', async () => {
    const p = pacer();
    p.learn('k', { limited: false, report: { requests: { limit: 60, remaining: 0 } } });
    const times = await admitted(p, 3, 5_000);
    expect(times).toEqual([1000, 2000, 3000]);
    expect(p.state()[0]).toMatchObject({ rpm: 60, reason: 'learned_limit' });
  });

  it('without headers: slows down after a 429 (multiplicative) and speeds up on success', async () => {
    const p = pacer();
    await admitted(p, 100, 0);
    p.learn('k', { limited: true });
    expect(p.state()[0]).toMatchObject({ rpm: 70, reason: 'adaptive', available: 0 });
    p.learn('k', { limited: false });
    expect(p.state()[0]?.rpm).toBe(71);
  });

  it('fails fast without sending when the wait is beyond maxWaitMs or the deadline', async () => {
    const p = pacer({ ceilingRpm: 1, maxWaitMs: 10_000 });
    await p.admit(glm, 'k');
    const error = await p.admit(glm, 'k').catch(e => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/maxPaceWaitMs .* not sent/);
    const patient = pacer({ ceilingRpm: 1, maxWaitMs: 120_000 });
    await patient.admit(glm, 'k');
    const late = await patient.admit({ ...glm, deadlineAt: Date.now() + 5_000 }, 'k').catch(e => e);
    expect(late.message).toContain("the call's deadline");
  });

  it('an abort ends the wait at once, and the next in line still gets its turn', async () => {
    const p = pacer({ ceilingRpm: 60 });
    await p.admit(glm, 'k');
    const controller = new AbortController();
    const aborted = p.admit({ ...glm, signal: controller.signal }, 'k').catch(e => e);
    const next = p.admit(glm, 'k');
    controller.abort(new Error('user'));
    expect(await aborted).toMatchObject({ message: 'user' });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBeUndefined();
  });
});
