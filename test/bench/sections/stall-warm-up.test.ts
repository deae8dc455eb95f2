import { describe, expect, it } from 'vitest';
import { hedgeAfterMs } from '../contenders/stall-timeouts';
import type { Contender, HealthyFigures } from '../contenders/types';
import type { CallOutcome } from '../lib/run-calls';
import { warmUpStallContenders } from './stall-warm-up';

const contender = (name: string, tune?: (healthy: HealthyFigures) => Contender): Contender => ({
  name,
  config: name,
  canFallBack: false,
  build: () => async () => '',
  ...(tune ? { tune } : {}),
});

const outcome = (firstContentMs: number | undefined): CallOutcome => ({
  callId: 'c',
  ok: true,
  ms: 1,
  beforeDeadline: true,
  error: undefined,
  stopped: false,
  ...(firstContentMs === undefined ? {} : { firstContentMs }),
});

describe('stall warm-up', () => {
  it('hedges just above the healthy p99, rounded up to 50 ms', () => {
    expect(hedgeAfterMs({ firstContentP99Ms: 412, calls: 300 })).toBe(450);
    expect(hedgeAfterMs({ firstContentP99Ms: 450, calls: 300 })).toBe(500);
    expect(hedgeAfterMs({ firstContentP99Ms: 1866, calls: 300 })).toBe(1900);
  });

  it('tunes the hedged contender from a second, warm run of the untuned ones, then warms it up', async () => {
    const seen: HealthyFigures[] = [];
    const tuned = contender('hedged (tuned)');
    const hedged = contender('hedged', healthy => {
      seen.push(healthy);
      return tuned;
    });
    const plain = contender('plain');
    const other = contender('other');
    const ran: string[] = [];
    const times: Record<string, Array<number | undefined>> = {
      plain: [100, 200, undefined],
      other: [300, 400],
    };
    const cold: Record<string, boolean> = { plain: true, other: true };
    const warm = await warmUpStallContenders({
      contenders: [plain, hedged, other],
      hedged,
      log: () => {},
      runClean: async c => {
        ran.push(c.name);
        // A contender's first (cold) run is slow; only the warm one counts.
        const first = cold[c.name];
        cold[c.name] = false;
        return first ? [outcome(5000)] : (times[c.name] ?? []).map(outcome);
      },
    });
    expect(ran).toEqual(['plain', 'other', 'plain', 'other', 'hedged (tuned)']);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.calls).toBe(4);
    expect(seen[0]!.firstContentP99Ms).toBeGreaterThan(390);
    expect(seen[0]!.firstContentP99Ms).toBeLessThanOrEqual(400);
    expect(warm.contenders.map(c => c.name)).toEqual(['plain', 'hedged (tuned)', 'other']);
    expect(warm.hedged).toBe(tuned);
    expect(warm.healthy).toEqual(seen[0]);
  });

  it('without a tuned contender: every one warms up once, nothing is measured for tuning', async () => {
    const ran: string[] = [];
    const warm = await warmUpStallContenders({
      contenders: [contender('a'), contender('b')],
      hedged: undefined,
      log: () => {},
      runClean: async c => {
        ran.push(c.name);
        return [outcome(100)];
      },
    });
    expect(ran).toEqual(['a', 'b']);
    expect(warm.healthy).toBeUndefined();
    expect(warm.hedged).toBeUndefined();
  });
});
