import { describe, expect, it } from 'vitest';
import { DRIFT_STREAM, type DriftPhase, driftPlan, driftTable } from './hedge-drift';
import type { StallRun } from './stall-run';
import { hedgeGoals } from './stall-table';

describe('drift schedule (g)', () => {
  it('the second half, and only it, gets the head 3× later; stalls after headers about 10 %, the same each time', () => {
    const calls = 400;
    const plan = driftPlan(7, calls);
    const again = driftPlan(7, calls);
    const first = Array.from({ length: calls }, (_, i) => plan(`call-${i}`, 0, 'glm-5.2'));
    expect(first).toEqual(
      Array.from({ length: calls }, (_, i) => again(`call-${i}`, 0, 'glm-5.2')),
    );
    const later = 2 * DRIFT_STREAM.firstByteDelayMs;
    expect(first.slice(0, calls / 2).some(f => f?.firstByteDelayMs !== undefined)).toBe(false);
    expect(first.slice(calls / 2).every(f => f?.firstByteDelayMs === later)).toBe(true);
    // A hedge (attempt 1) after the drift gets the later head too.
    expect(plan(`call-${calls - 1}`, 1, 'glm-5.2')?.firstByteDelayMs).toBe(later);
    const stalls = first.filter(f => f?.stall === 'after-headers').length;
    expect(stalls).toBeGreaterThan(20);
    expect(stalls).toBeLessThan(60);
    expect(plan('warm-3', 0, 'glm-5.2')).toBeUndefined();
  });

  it('its table shows the extra requests against the allowance and the latency bound per half', () => {
    const phase: DriftPhase = {
      contender: 'auto',
      phase: 'after',
      calls: 100,
      successes: 100,
      requests: 118,
      stalled: 10,
      hedges: 14,
      hedgeWaitP50Ms: 950,
      hedgeWaitMaxMs: 1200,
      stalledP99Ms: 2100,
      healthyP50Ms: 920,
      healthyP99Ms: 1000,
    };
    const [row] = driftTable(1, 200, 10, 650, [phase]).rows;
    expect(row).toEqual([
      'auto',
      'after (head 900 ms)',
      '100 %',
      '118',
      '18 (18 %)',
      '15 (10 stalled)',
      '14 (950 ms / 1200 ms)',
      '920 ms / 1000 ms',
      '2100 ms',
      '2200 ms',
    ]);
  });
});

function run(over: Partial<StallRun>): StallRun {
  return {
    contender: 'auto',
    faults: 'stalls',
    calls: 60,
    successes: 60,
    successRate: 1,
    intact: 60,
    altered: 0,
    requests: 72,
    serverRequests: 72,
    earlyRequests: 0,
    firstContentP50Ms: 200,
    firstContentP99Ms: 900,
    noContent: 0,
    endP50Ms: 500,
    endP99Ms: 1500,
    stalled: { afterHeaders: 6, midStream: 6 },
    errors: {},
    wallMs: 1000,
    hedges: { count: 6, waitedP50Ms: 400, waitedMaxMs: 500 },
    ...over,
  };
}

describe('hedge goals (issue 28 item 3)', () => {
  const clean = run({
    faults: 'no stalls',
    requests: 63,
    stalled: { afterHeaders: 0, midStream: 0 },
    firstContentP99Ms: 400,
  });

  it('met exactly at the allowance: 5 % of calls + the stalled attempts', () => {
    const [cost, cleanCost, latency] = hedgeGoals([run({ requests: 75 }), clean], ['auto']);
    expect(cost?.verdict.kind).toBe('met'); // 15 extra = 3 + 12 stalled
    expect(cleanCost?.verdict.kind).toBe('met'); // 3 extra = 5 % of 60
    expect(latency?.verdict.kind).toBe('met'); // 900 <= 500 + 400
  });

  it('missed one request over the allowance, and 1 ms over the bound', () => {
    const [cost, cleanCost, latency] = hedgeGoals(
      [run({ requests: 76, firstContentP99Ms: 901 }), { ...clean, requests: 64 }],
      ['auto'],
    );
    expect(cost?.verdict.kind).toBe('missed');
    expect(cleanCost?.verdict.kind).toBe('missed');
    expect(latency?.verdict.kind).toBe('missed');
  });

  it('not measured without a hedge or a reference run; nothing for a contender that did not run', () => {
    const [, , latency] = hedgeGoals(
      [run({ hedges: { count: 0, waitedP50Ms: Number.NaN, waitedMaxMs: Number.NaN } }), clean],
      ['auto'],
    );
    expect(latency?.verdict.kind).toBe('not measured');
    expect(hedgeGoals([run({})], ['auto'])[2]?.verdict.kind).toBe('not measured');
    expect(hedgeGoals([], [undefined])).toEqual([]);
  });
});
