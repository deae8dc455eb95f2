import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors';
import { createLaneTurns } from './lane-turns';
import type { PaceAnswer } from './learn-rate';
import { createMemoryStore } from './memory-store';
import { createPacer } from './pacer';

afterEach(() => {
  vi.useRealTimers();
});

describe('a turn is never moved past what its call can afford (fake timers)', () => {
  it('a reserved wait stretched past its latest ends at once with the time it was moved to, leaving no timer', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    const start = Date.now();
    const ended = turns.reserve(start + 1_000, undefined, start + 1_500);
    await vi.advanceTimersByTimeAsync(500);
    turns.stretch(0.4); // 500 ms left become 1,250: the slot at 1,750 > 1,500
    expect(await ended).toBe(start + 1_750);
    expect(Date.now() - start).toBe(500);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stretched to exactly its latest, it still ends at its slot (the bound is inclusive)', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    const start = Date.now();
    let end: number | undefined | 'pending' = 'pending';
    const ended = turns.wait(start + 1_000, undefined, start + 1_500).then(at => {
      end = at;
    });
    await vi.advanceTimersByTimeAsync(500);
    turns.stretch(0.5); // 500 ms left become 1,000: the slot at exactly 1,500
    await vi.advanceTimersByTimeAsync(999);
    expect(end).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await ended;
    expect(end).toBeUndefined();
    expect(Date.now() - start).toBe(1_500);
  });

  it('an interactive slot stretched past its latest ends too; without a latest it waits the stretch out', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    const start = Date.now();
    const bounded = turns.front(start + 1_000, undefined, start + 1_200);
    const unbounded = turns.front(start + 1_000, undefined);
    turns.stretch(0.5);
    expect(await bounded).toBe(start + 2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await unbounded).toBeUndefined();
    expect(Date.now() - start).toBe(2_000);
  });

  it('a parked turn handed over past its latest wakes at its latest (to take again), not at the hand-over', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    const start = Date.now();
    let woke: number | undefined;
    const parked = turns.park('background:a', start + 1_000, undefined, start + 3_000).then(() => {
      woke = Date.now() - start;
    });
    turns.handOver(start + 10_000);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(woke).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await parked;
    expect(woke).toBe(3_000);
  });
});

describe('the pacer fails fast a call whose slot a cut moved past its bound (fake timers)', () => {
  const chat: AttemptInfo = { modelId: 'glm-5.1', provider: 'alaya.chat', attempt: 1 };
  const done: PaceAnswer = { limited: false };
  const refused: PaceAnswer = { limited: true, retryAfterMs: 1_000 };

  it('calls reserved up to 0.9 of pacing.maxWaitMs, then a 429 cuts the rate: those moved past it fail with RateLimitError at the cut, not sent; the rest are sent', async () => {
    vi.useFakeTimers();
    const maxWaitMs = 1_000;
    const p = createPacer({ store: createMemoryStore(), maxWaitMs, own: e => e });
    for (let i = 0; i < 20; i++) {
      await p.admit(chat, 'k', 0);
      await p.learn('k', done);
    }
    await p.admit(chat, 'k', 0);
    await p.learn('k', refused); // the first estimate
    await vi.advanceTimersByTimeAsync(1_000); // its hold
    const [first] = await p.state();
    const slotMs = 60_000 / (first?.rpm ?? 1);
    const start = Date.now();
    const outcomes: Array<{ at: number; error?: unknown }> = [];
    // Reserved up to 0.9 of the bound: a cut to 0.5 moves the later half past it.
    const calls = Math.floor((0.9 * maxWaitMs) / slotMs);
    expect(calls).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < calls; i++)
      void p.admit(chat, 'k', 0).then(
        () => outcomes.push({ at: Date.now() - start }),
        error => outcomes.push({ at: Date.now() - start, error }),
      );
    await vi.advanceTimersByTimeAsync(0);
    await p.learn('k', { limited: true, retryAfterMs: 1 }); // a cut while they wait
    const [after] = await p.state();
    const factor = (after?.rpm ?? 0) / (first?.rpm ?? 1);
    expect(factor).toBeLessThan(1);
    await vi.advanceTimersByTimeAsync(0);
    const failed = outcomes.filter(o => o.error !== undefined);
    // Failed at the cut, not at their slot: a reserved wait w becomes w / factor, past the bound
    // for those reserved beyond factor × maxWaitMs.
    const past = Math.floor(calls - (factor * maxWaitMs) / slotMs);
    expect(failed.length).toBeGreaterThanOrEqual(past - 1);
    expect(failed.length).toBeLessThanOrEqual(past + 1);
    for (const o of failed) {
      expect(RateLimitError.isInstance(o.error)).toBe(true);
      expect((o.error as RateLimitError).message).toContain('not sent');
      expect(o.at).toBe(0);
    }
    await vi.advanceTimersByTimeAsync(2 * maxWaitMs);
    expect(outcomes).toHaveLength(calls);
    for (const o of outcomes.filter(x => x.error === undefined))
      expect(o.at).toBeLessThanOrEqual(maxWaitMs);
  });
});
