/**
 * The lanes section's figures and goals (issue 30), pure: the interactive caller's wait against one
 * slot plus the server's latency, the total goodput against the limit, and each tenant's share of
 * the slots against an equal share.
 */
import { fixed, fmtMs, pct } from '../lib/format';
import type { Verdict } from '../lib/judge';
import { percentile } from '../lib/stats';

/** p50 and p99 of the interactive caller's waits (call start to answer) and how many there were. */
export type WaitFigures = { p50Ms: number; p99Ms: number; n: number };

/** p50/p99 of a list of waits (NaN for none). */
export function waitFigures(waitsMs: readonly number[]): WaitFigures {
  return {
    p50Ms: percentile(waitsMs, 50),
    p99Ms: percentile(waitsMs, 99),
    n: waitsMs.length,
  };
}

/** Goal: the interactive p99 wait is at most one slot of the limit plus the server's latency. */
export function judgeInteractiveWait(p99Ms: number, slotMs: number, serverMs: number): Verdict {
  const target = slotMs + serverMs;
  if (!Number.isFinite(p99Ms)) return { kind: 'not measured', detail: 'no interactive call' };
  const detail = `p99 ${fmtMs(p99Ms)}; target ≤ ${fmtMs(target)} (slot ${fmtMs(slotMs)} + server ${fmtMs(serverMs)})`;
  return p99Ms <= target ? { kind: 'met', detail } : { kind: 'missed', detail };
}

/** Goal: total goodput (all callers) is at least `target` (0.97) of what the limit admits. */
export function judgeGoodput(fraction: number, target = 0.97): Verdict {
  if (!Number.isFinite(fraction)) return { kind: 'not measured', detail: 'no steady state' };
  const detail = `${pct(fraction, 1)} of the limit; target ≥ ${pct(target)}`;
  return fraction >= target ? { kind: 'met', detail } : { kind: 'missed', detail };
}

/** Each tenant's share of the slots it got, from its slot counts (NaN when none was served). */
export function tenantShares(slots: readonly number[]): number[] {
  const total = slots.reduce((a, b) => a + b, 0);
  return slots.map(s => (total > 0 ? s / total : Number.NaN));
}

/**
 * Goal: every tenant's slots are within `tolerance` (10 %) of an equal share, relative to that
 * share: with two tenants and 100 slots, 45 to 55 each. Counted in slots (integers), so a count
 * exactly at the bound is met.
 */
export function judgeTenantShares(slots: readonly number[], tolerance = 0.1): Verdict {
  const total = slots.reduce((a, b) => a + b, 0);
  if (slots.length === 0 || total === 0)
    return { kind: 'not measured', detail: 'no slot was served' };
  // |slots × n − total| ≤ tolerance × total  ⇔  |share − 1/n| ≤ tolerance / n
  const worst = Math.max(...slots.map(s => Math.abs(s * slots.length - total)));
  const detail = `slots ${slots.join(' / ')} (shares ${tenantShares(slots)
    .map(s => pct(s, 1))
    .join(' / ')}); target each within ${fixed(tolerance * 100, 0)} % of an equal share`;
  return worst <= tolerance * total + 1e-9 ? { kind: 'met', detail } : { kind: 'missed', detail };
}
