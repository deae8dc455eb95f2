import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../lib/run-calls';
import { dealCallers, lanesFleetRunMs, mergeGroupRuns } from './lanes-fleet-figures';
import type { CallerGroup } from './lanes-run';

const group = (name: string, callers: number): CallerGroup => ({
  name,
  callers,
  lane: { priority: 'background', tenant: name },
  everyMs: 0,
  startAfterMs: 0,
});

const outcome = (callId: string): CallOutcome => ({
  callId,
  ok: true,
  ms: 1,
  beforeDeadline: true,
  error: undefined,
  stopped: false,
});

describe('lanes fleet figures', () => {
  it('deal: 40 background callers give 10 to each of 4 processes, the interactive one goes to the first', () => {
    const dealt = dealCallers([group('background', 40), group('interactive', 1)], 4);
    expect(dealt.map(p => p.map(g => `${g.name} ${g.callers}`))).toEqual([
      ['background 10', 'interactive 1'],
      ['background 10'],
      ['background 10'],
      ['background 10'],
    ]);
    // Everything but the count is the group's own (lane, pace, start).
    expect(dealt[0]![0]).toEqual({ ...group('background', 40), callers: 10 });
  });

  it('deal: tenants of 40 and 2 callers, the small one on two processes; every caller dealt once', () => {
    const dealt = dealCallers([group('big', 40), group('small', 2)], 4);
    const of = (name: string) => dealt.map(p => p.find(g => g.name === name)?.callers ?? 0);
    expect(of('big')).toEqual([10, 10, 10, 10]);
    expect(of('small')).toEqual([1, 1, 0, 0]);
  });

  it('deal: uneven counts continue where the last group stopped; one process takes all; 0 processes is an error', () => {
    const dealt = dealCallers([group('a', 5), group('b', 3)], 4);
    expect(dealt.map(p => p.map(g => `${g.name} ${g.callers}`))).toEqual([
      ['a 2'],
      ['a 1', 'b 1'],
      ['a 1', 'b 1'],
      ['a 1', 'b 1'],
    ]);
    expect(dealCallers([group('a', 5)], 1)).toEqual([[group('a', 5)]]);
    expect(() => dealCallers([group('a', 5)], 0)).toThrow(RangeError);
    expect(() => dealCallers([group('a', 5)], 1.5)).toThrow(RangeError);
  });

  it('merge: each group gets its calls from every process, in process order; the inputs are left as they were', () => {
    const first = [
      { name: 'background', calls: [{ outcome: outcome('b-0'), endedAtMs: 10 }] },
      { name: 'interactive', calls: [{ outcome: outcome('i-0'), endedAtMs: 20 }] },
    ];
    const second = [{ name: 'background', calls: [{ outcome: outcome('b-1'), endedAtMs: 5 }] }];
    const merged = mergeGroupRuns([first, second]);
    expect(merged.map(g => [g.name, g.calls.map(c => c.outcome.callId)])).toEqual([
      ['background', ['b-0', 'b-1']],
      ['interactive', ['i-0']],
    ]);
    expect(first[0]!.calls).toHaveLength(1);
    expect(mergeGroupRuns([])).toEqual([]);
  });

  it('run length: as asked when both runs fit the budget, shorter when not (180 s: 55 s each), never under 10 s', () => {
    // 180 s budget: 10 s set-up, then 2 × (30 s start-up + 55 s) = 180 s exactly.
    expect(lanesFleetRunMs(55_000, 180_000)).toBe(55_000);
    expect(lanesFleetRunMs(50_000, 180_000)).toBe(50_000);
    expect(lanesFleetRunMs(60_000, 180_000)).toBe(55_000);
    // 1 ms short of the budget: the next whole second down.
    expect(lanesFleetRunMs(55_000, 179_999)).toBe(54_000);
    expect(lanesFleetRunMs(60_000, 40_000)).toBe(10_000);
    expect(lanesFleetRunMs(60_000, 0)).toBe(10_000);
  });
});
