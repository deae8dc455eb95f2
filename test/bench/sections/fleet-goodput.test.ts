import { describe, expect, it } from 'vitest';
import { steadyGoodput } from './fleet-goodput';

/** `count` 200s every `gapMs` from `at`. */
const paced = (at: number, count: number, gapMs: number) =>
  Array.from({ length: count }, (_, i) => ({ time: at + i * gapMs, status: 200 }));

describe('steadyGoodput', () => {
  it('is 1 for requests at exactly the limit, and the pace’s fraction below it', () => {
    // 10 per second: the limit's own spacing from the end of the first window on.
    expect(steadyGoodput(paced(0, 201, 100), 0, 50, 5_000)).toBeCloseTo(1, 5);
    // 98 % of the limit: 102 ms apart over the 15 s after the first window.
    expect(steadyGoodput(paced(5_000, 148, 102), 0, 50, 5_000)).toBeCloseTo(0.98, 2);
  });

  it('leaves out the first window, and 429s count only as the end of the demand', () => {
    const burst = paced(0, 50, 1);
    const steady = paced(5_000, 51, 100);
    const late429 = { time: 15_000, status: 429 };
    expect(steadyGoodput([...burst, ...steady], 0, 50, 5_000)).toBeCloseTo(1, 5);
    // The same 200s, with demand lasting 5 s longer: half the capacity of that span went unused.
    expect(steadyGoodput([...burst, ...steady, late429], 0, 50, 5_000)).toBeCloseTo(51 / 101, 5);
  });

  it('is 0 when nothing arrived after the first window', () => {
    expect(steadyGoodput(paced(0, 50, 1), 0, 50, 5_000)).toBe(0);
  });
});
