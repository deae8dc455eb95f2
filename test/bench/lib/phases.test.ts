import { describe, expect, it } from 'vitest';
import { createBudget } from './budget';
import { createPhases, phaseShareMs, wantsAnotherRound } from './phases';

describe('phaseShareMs', () => {
  it('splits what is left by the weights of this phase and the ones after it', () => {
    expect(phaseShareMs(90_000, [1, 1, 1], 0)).toBe(30_000);
    // The first phase took 50 s of 90: the other two share the 40 s left.
    expect(phaseShareMs(40_000, [1, 1, 1], 1)).toBe(20_000);
    expect(phaseShareMs(20_000, [1, 1, 1], 2)).toBe(20_000);
    expect(phaseShareMs(100_000, [2, 3, 5], 1)).toBeCloseTo(37_500);
  });

  it('gives nothing when the budget is spent, and rejects a phase that does not exist', () => {
    expect(phaseShareMs(0, [1, 1], 0)).toBe(0);
    expect(phaseShareMs(-5, [1, 1], 1)).toBe(0);
    expect(() => phaseShareMs(1000, [1, 1], 2)).toThrow(RangeError);
  });
});

describe('wantsAnotherRound', () => {
  const base = { min: 2, max: 5, shareMs: 1000 };
  it('always runs the minimum, even with no time left', () => {
    expect(wantsAnotherRound({ ...base, done: 0, elapsedMs: 5000, shareMs: 0 })).toBe(true);
    expect(wantsAnotherRound({ ...base, done: 1, elapsedMs: 5000, shareMs: 0 })).toBe(true);
  });
  it('runs more only while one more round of the mean length fits', () => {
    expect(wantsAnotherRound({ ...base, done: 2, elapsedMs: 400 })).toBe(true); // 400 + 200 ≤ 1000
    expect(wantsAnotherRound({ ...base, done: 3, elapsedMs: 900 })).toBe(false); // 900 + 300 > 1000
  });
  it('never runs past the maximum', () => {
    expect(wantsAnotherRound({ ...base, done: 5, elapsedMs: 0 })).toBe(false);
  });
});

describe('createPhases', () => {
  it('gives a late phase its minimum rounds after an early phase spent the whole budget', async () => {
    const budget = createBudget(0);
    const phase = createPhases(budget, { first: 1, second: 1 });
    let ran = 0;
    const rounds = await phase('second').rounds({ min: 2, max: 10 }, async () => {
      ran++;
    });
    expect(rounds).toBe(2);
    expect(ran).toBe(2);
  });
});
