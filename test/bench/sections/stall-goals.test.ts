import { describe, expect, it } from 'vitest';
import type { StallRun } from './stall-run';
import { stallGoals } from './stall-table';
import { stallPlan } from './stalls';

function run(contender: string, over: Partial<StallRun> = {}): StallRun {
  return {
    contender,
    faults: 'stalls',
    calls: 10,
    successes: 10,
    successRate: 1,
    intact: 10,
    altered: 0,
    requests: 12,
    serverRequests: 12,
    earlyRequests: 0,
    firstContentP50Ms: 200,
    firstContentP99Ms: 300,
    noContent: 0,
    endP50Ms: 500,
    endP99Ms: 900,
    stalled: { afterHeaders: 1, midStream: 1 },
    errors: {},
    wallMs: 1000,
    ...over,
  };
}

describe('stall schedule', () => {
  it('draws the same stalls for (call, attempt) every time, about 10 % of each kind', () => {
    const a = stallPlan(7, 500);
    const b = stallPlan(7, 500);
    const faults = Array.from({ length: 500 }, (_, i) => a(`call-${i}`, 0, 'glm-5.2'));
    expect(faults).toEqual(Array.from({ length: 500 }, (_, i) => b(`call-${i}`, 0, 'glm-5.2')));
    const headers = faults.filter(f => f?.stall === 'after-headers').length;
    const mid = faults.filter(f => f?.stall === 'mid-stream');
    expect(headers).toBeGreaterThan(25);
    expect(headers).toBeLessThan(75);
    expect(mid.length).toBeGreaterThan(25);
    expect(mid.length).toBeLessThan(75);
    expect(mid.every(f => (f?.afterChunks ?? 0) >= 3)).toBe(true);
  });

  it('judges the goals from the figures: met, missed, not measured', () => {
    const hedged = 'ours + hedging';
    const runs = [
      run('ours'),
      run(hedged, { requests: 14, firstContentP99Ms: 400 }),
      run(hedged, { faults: 'no stalls', requests: 10, firstContentP99Ms: 300 }),
      run('AI SDK built-in', { intact: 8, successes: 8, successRate: 0.8, requests: 10 }),
    ];
    const [success, latency, requests, early] = stallGoals(runs, hedged, undefined);
    expect(success?.verdict.kind).toBe('met');
    expect(latency?.verdict.kind).toBe('met'); // 400 / 300 = 1.33
    expect(requests?.verdict.kind).toBe('met'); // the built-in sends fewer by giving up
    expect(early?.verdict.kind).toBe('met');
    const slow = stallGoals(
      [...runs.slice(0, 1), run(hedged, { firstContentP99Ms: 900 }), ...runs.slice(2)],
      hedged,
      undefined,
    );
    expect(slow[1]?.verdict.kind).toBe('missed');
    expect(slow[1]?.verdict.detail).not.toContain('could not act');
    const floored = stallGoals(
      [...runs.slice(0, 1), run(hedged, { firstContentP99Ms: 900 }), ...runs.slice(2)],
      hedged,
      undefined,
      { afterMs: 350, healthy: { firstContentP99Ms: 320, calls: 300 } },
    );
    expect(floored[1]?.verdict.kind).toBe('missed');
    expect(floored[1]?.verdict.detail).toContain('= 1.83× at the least'); // (350 + 200) / 300
    // With afterMs not below the first-content limit, hedging could not act: no verdict, the figures.
    const healthy = { firstContentP99Ms: 1866, calls: 300 };
    const loaded = stallGoals(
      [...runs.slice(0, 1), run(hedged, { firstContentP99Ms: 900 }), ...runs.slice(2)],
      hedged,
      undefined,
      { afterMs: 1900, healthy },
    );
    expect(loaded[1]?.verdict.kind).toBe('not measured');
    expect(loaded[1]?.verdict.detail).toContain('hedging could not act: afterMs 1900 ms');
    expect(loaded[1]?.verdict.detail).toContain('3.00×');
    expect(stallGoals(runs.slice(0, 1), undefined, undefined)[1]?.verdict.kind).toBe(
      'not measured',
    );
  });
});
