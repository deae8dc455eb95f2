import { describe, expect, it } from 'vitest';
import { judgeFigure } from './contention-goals';
import { callsPerMinute } from './contention-run';

describe('contention goals', () => {
  it('judges the median against the target, with the A/A noise scaled to the target', () => {
    expect(judgeFigure([0.01, 0.015, 0.03], 0.02, 'lower', [1, 1.05], 'x').kind).toBe('met');
    expect(judgeFigure([0.5, 0.6], 0.02, 'lower', [1, 1.05], 'x').kind).toBe('missed');
    // 0.955 misses 0.97 by 0.015; the A/A moved 2 % (half its 0.96–1.04 range is 0.04 → ±0.039 at 0.97).
    expect(judgeFigure([0.955], 0.97, 'higher', [0.96, 1.04], 'x').kind).toBe('noise');
    expect(judgeFigure([], 0.97, 'higher', [], 'no runs')).toEqual({
      kind: 'not measured',
      detail: 'no runs',
    });
  });

  it('knows which limit binds: requests, or tokens per call', () => {
    expect(callsPerMinute({ requestsPerWindow: 10, windowMs: 5_000 })).toBe(120);
    expect(
      callsPerMinute({
        requestsPerWindow: 20,
        tokensPerWindow: 10_000,
        windowMs: 5_000,
        tokensPerCall: 1_000,
      }),
    ).toBe(120);
    expect(
      callsPerMinute({
        requestsPerWindow: 5,
        tokensPerWindow: 10_000,
        windowMs: 5_000,
        tokensPerCall: 1_000,
      }),
    ).toBe(60);
  });
});
