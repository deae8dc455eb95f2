import { describe, expect, it } from 'vitest';
import {
  judgeGoodput,
  judgeInteractiveWait,
  judgeTenantShares,
  tenantShares,
  waitFigures,
} from './lanes-figures';

describe('lanes figures', () => {
  it('interactive wait: met exactly at one slot plus the server latency, missed 1 ms over', () => {
    expect(judgeInteractiveWait(500 + 40, 500, 40).kind).toBe('met');
    expect(judgeInteractiveWait(500 + 41, 500, 40).kind).toBe('missed');
    expect(judgeInteractiveWait(Number.NaN, 500, 40).kind).toBe('not measured');
  });

  it('goodput: met exactly at 97 % of the limit, missed just under', () => {
    expect(judgeGoodput(0.97).kind).toBe('met');
    expect(judgeGoodput(0.969).kind).toBe('missed');
    expect(judgeGoodput(Number.NaN).kind).toBe('not measured');
  });

  it('tenant shares: 55 / 45 is exactly 10 % off an equal share (met), 56 / 44 one slot over', () => {
    expect(judgeTenantShares([55, 45]).kind).toBe('met');
    expect(judgeTenantShares([45, 55]).kind).toBe('met');
    expect(judgeTenantShares([56, 44]).kind).toBe('missed');
    // What arrival order gives two tenants of 40 and 2 callers: 40 / 42 of the slots.
    expect(judgeTenantShares([80, 4]).kind).toBe('missed');
    expect(judgeTenantShares([0, 0]).kind).toBe('not measured');
    expect(tenantShares([30, 10])).toEqual([0.75, 0.25]);
  });

  it('wait figures: p50 and p99 of the waits, NaN when there are none', () => {
    const waits = Array.from({ length: 101 }, (_, i) => i * 10);
    expect(waitFigures(waits)).toEqual({ p50Ms: 500, p99Ms: 990, n: 101 });
    expect(waitFigures([]).n).toBe(0);
    expect(waitFigures([]).p99Ms).toBeNaN();
  });
});
