import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { createLaneTurns } from './lane-turns';
import { type LearnedRate, PACE_MARGIN, type PaceAnswer } from './learn-rate';
import { createMemoryStore } from './memory-store';
import { createPacer } from './pacer';
import { rateCut } from './respace-waits';

afterEach(() => {
  vi.useRealTimers();
});

const tokens = (tpm: number): LearnedRate => ({ tpm, reason: 'adaptive', holdUntil: 0 });

describe('reserved waits re-spaced on a cut (LaneTurns, fake timers)', () => {
  it('a wait of 1 s whose rate is halved halfway ends at exactly 1.5 s, not 1 ms before', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    let done = false;
    const wait = turns.wait(Date.now() + 1_000, undefined).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(500);
    turns.stretch(0.5);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await wait;
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a wait that ended is not stretched, an uncut wait ends on time, and a factor of 1 or more is no cut', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    let at: number | undefined;
    const wait = turns.wait(Date.now() + 300, undefined).then(() => {
      at = Date.now();
    });
    const start = Date.now();
    turns.stretch(1);
    turns.stretch(2);
    await vi.advanceTimersByTimeAsync(300);
    await wait;
    expect((at as number) - start).toBe(300);
    turns.stretch(0.1); // nobody waits: nothing to stretch
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborted while stretched: rejects with the caller reason at once and leaves no timer', async () => {
    vi.useFakeTimers();
    const turns = createLaneTurns();
    const caller = new AbortController();
    const wait = turns.wait(Date.now() + 1_000, caller.signal).catch((error: unknown) => error);
    turns.stretch(0.5);
    await vi.advanceTimersByTimeAsync(100);
    caller.abort(new Error('caller gave up'));
    expect(await wait).toMatchObject({ message: 'caller gave up' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('rateCut', () => {
  it('a token rate cut to 0.9 with 100,000 tokens waiting: factor 0.9, the bucket owes 10,000 tokens more', () => {
    const cut = rateCut(tokens(1_000_000), tokens(900_000), { requests: 5, tokens: 100_000 });
    expect(cut?.factor).toBeCloseTo(0.9, 12);
    expect(cut?.change.tokens).toBeCloseTo(-10_000, 6);
    expect(cut?.change.requests).toBe(-0);
  });

  it('a rate that rose, stayed, or is first learned is no cut', () => {
    const waiting = { requests: 1, tokens: 1 };
    expect(rateCut(tokens(900_000), tokens(1_000_000), waiting)).toBeUndefined();
    expect(rateCut(tokens(900_000), tokens(900_000), waiting)).toBeUndefined();
    expect(rateCut({ holdUntil: 0 }, tokens(900_000), waiting)).toBeUndefined();
  });

  it('both rates cut: the deeper cut stretches the waits, each dimension owes its own', () => {
    const before: LearnedRate = { rpm: 100, tpm: 1_000_000, holdUntil: 0 };
    const after: LearnedRate = { rpm: 50, tpm: 900_000, holdUntil: 0 };
    const cut = rateCut(before, after, { requests: 4, tokens: 100_000 });
    expect(cut?.factor).toBe(0.5);
    expect(cut?.change.requests).toBe(-2);
    expect(cut?.change.tokens).toBeCloseTo(-10_000, 6);
  });
});

describe('the pacer re-spaces its reserved attempts on a cut (fake timers)', () => {
  const embed: AttemptInfo = { modelId: 'bge-m3', provider: 'alaya.embedding', attempt: 1 };
  const BATCH = 20_000;
  const done: PaceAnswer = { limited: false, tokens: { estimated: BATCH, used: BATCH } };
  const refused: PaceAnswer = { limited: true, retryAfterMs: 6_000, tokens: { estimated: BATCH } };

  for (const lane of [undefined, 'interactive'] as const)
    it(`ten batches${lane ? ` in the ${lane} lane` : ''} reserved at the first estimate, then a 429 cuts the rate: what was left of their waits stretches by the cut, to the millisecond`, async () => {
      vi.useFakeTimers();
      const p = createPacer({ store: createMemoryStore(), maxWaitMs: 3_600_000, own: e => e });
      await p.admit(embed, 'k', BATCH); // the slow start's first
      await p.learn('k', done);
      await p.admit(embed, 'k', BATCH);
      await p.learn('k', refused); // the first estimate: ten batches reserve at it
      const [first] = await p.state();
      const start = Date.now();
      const times: number[] = [];
      for (let i = 0; i < 10; i++)
        void p
          .admit(lane ? { ...embed, lane } : embed, 'k', BATCH)
          .then(() => times.push(Date.now() - start));
      await vi.advanceTimersByTimeAsync(0);
      const slotMs = (BATCH * 60_000) / ((first?.tpm ?? 0) * PACE_MARGIN);
      // Past the hold, five gone: a 429 cuts the rate (to what the last minute delivered).
      const cutAt = Math.ceil(4.5 * slotMs);
      await vi.advanceTimersByTimeAsync(cutAt);
      expect(times).toHaveLength(5);
      await p.learn('k', refused);
      const [after] = await p.state();
      const factor = (after?.tpm ?? 0) / (first?.tpm ?? 1);
      expect(factor).toBeLessThan(1);
      await vi.advanceTimersByTimeAsync(100 * slotMs);
      expect(times).toHaveLength(10);
      // The last reserved at 9 slots: 4.5 slots were left at the cut, now 4.5 / factor.
      const last = times[9] as number;
      expect(last).toBeGreaterThanOrEqual(cutAt + (9 * slotMs - cutAt) / factor - 5);
      expect(last).toBeLessThanOrEqual(cutAt + (9 * slotMs - cutAt) / factor + 5);
    });
});
