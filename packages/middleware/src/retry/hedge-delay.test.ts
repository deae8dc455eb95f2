import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTO_HEDGE, fixedHedgeDelay, learnedAfterMs, learnedHedgeDelay } from './hedge-delay';

const ascending = (values: number[]) => [...values].sort((a, b) => a - b);
const repeat = (value: number, n: number) => Array.from({ length: n }, () => value);

describe('learnedAfterMs (the decision)', () => {
  it('no hedge during the warm-up: undefined with minSamples - 1 samples, a delay at exactly minSamples', () => {
    expect(learnedAfterMs(repeat(400, AUTO_HEDGE.minSamples - 1))).toBeUndefined();
    expect(learnedAfterMs(repeat(400, AUTO_HEDGE.minSamples))).toBe(600);
    expect(learnedAfterMs([])).toBeUndefined();
  });

  it('a long tail: the 98th percentile (nearest rank) of the window', () => {
    // 1..100 ms ×10: p98 = 980, median 500 × 1.5 = 750.
    const samples = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
    expect(learnedAfterMs(samples)).toBe(980);
  });

  it('a tight distribution: 1.5 × the median, above the 98th percentile', () => {
    const samples = ascending([...repeat(200, 90), ...repeat(210, 10)]);
    expect(learnedAfterMs(samples)).toBe(300);
  });

  it('fast answers: never below the floor', () => {
    expect(learnedAfterMs(repeat(0, 100))).toBe(AUTO_HEDGE.floorMs);
    expect(learnedAfterMs(repeat(20, 100))).toBe(AUTO_HEDGE.floorMs);
  });
});

describe('learnedHedgeDelay', () => {
  const a = { provider: 'alaya.chat', modelId: 'a', operation: 'stream' } as const;
  const b = { provider: 'alaya.chat', modelId: 'b', operation: 'stream' } as const;
  const T0 = Date.UTC(2026, 11, 1);
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('learns per model: one model warm, another still warming up', () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.minSamples; i++) delay.learn(a, 400, T0);
    expect(delay.afterMs(a, T0)).toBe(600);
    expect(delay.afterMs(b, T0)).toBeUndefined();
    expect(delay.afterMs({ ...a, provider: 'other.chat' }, T0)).toBeUndefined();
  });

  it("a model's generate calls and its streams learn apart (an answer's time is no time to first content)", () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.minSamples; i++) {
      delay.learn(a, 400, T0);
      delay.learn({ ...a, operation: 'generate' }, 8000, T0);
    }
    expect(delay.afterMs(a, T0)).toBe(600);
    expect(delay.afterMs({ ...a, operation: 'generate' }, T0)).toBe(12_000);
  });

  it('refuses NaN and negative samples: they neither count toward the warm-up nor move the delay', () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.minSamples - 1; i++) delay.learn(a, 400, T0);
    delay.learn(a, Number.NaN, T0);
    delay.learn(a, -5, T0);
    delay.learn(a, Number.POSITIVE_INFINITY, T0);
    expect(delay.afterMs(a, T0)).toBeUndefined();
    delay.learn(a, 400, T0);
    expect(delay.afterMs(a, T0)).toBe(600);
  });

  it('follows a latency that triples: up within 3 slow answers, the median after half a window', () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.window; i++) delay.learn(a, 200, T0);
    expect(delay.afterMs(a, T0)).toBe(300);
    delay.learn(a, 600, T0);
    delay.learn(a, 600, T0);
    expect(delay.afterMs(a, T0)).toBe(300);
    delay.learn(a, 600, T0);
    expect(delay.afterMs(a, T0)).toBe(600);
    for (let i = 3; i < AUTO_HEDGE.window / 2 + 1; i++) delay.learn(a, 600, T0);
    expect(delay.afterMs(a, T0)).toBe(900);
  });

  it('after a long idle the model warms up again (old samples and its entry expire)', () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.window; i++) delay.learn(a, 400, T0);
    vi.setSystemTime(T0 + AUTO_HEDGE.maxAgeMs - 1);
    expect(delay.afterMs(a, Date.now())).toBe(600);
    vi.setSystemTime(T0 + AUTO_HEDGE.maxAgeMs);
    expect(delay.afterMs(a, Date.now())).toBeUndefined();
    vi.setSystemTime(T0 + 24 * 3_600_000);
    expect(delay.afterMs(a, Date.now())).toBeUndefined();
    for (let i = 0; i < AUTO_HEDGE.minSamples; i++) delay.learn(a, 100, Date.now());
    expect(delay.afterMs(a, Date.now())).toBe(150);
  });

  it('the table of models is bounded: the model not heard of longest is forgotten first', () => {
    const delay = learnedHedgeDelay();
    const ref = (i: number) => ({ provider: 'p', modelId: `m${i}`, operation: 'stream' as const });
    for (let m = 0; m < 1000; m++) {
      for (let i = 0; i < AUTO_HEDGE.minSamples; i++) delay.learn(ref(m), 400, T0);
    }
    expect(delay.afterMs(ref(999), T0)).toBe(600);
    expect(delay.afterMs(ref(0), T0)).toBeUndefined();
    const known = Array.from({ length: 1000 }, (_, m) => delay.afterMs(ref(m), T0));
    expect(known.filter(ms => ms !== undefined).length).toBeLessThanOrEqual(256);
  });
});

describe('fixedHedgeDelay', () => {
  it('is afterMs from the first call, whatever it learns', () => {
    const delay = fixedHedgeDelay(800);
    const ref = { provider: 'p', modelId: 'm', operation: 'generate' as const };
    expect(delay.afterMs(ref, 0)).toBe(800);
    delay.learn(ref, 5, 0);
    expect(delay.afterMs(ref, 0)).toBe(800);
  });
});
