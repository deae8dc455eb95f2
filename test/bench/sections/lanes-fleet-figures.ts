/**
 * The lanes-fleet section's pure parts (issue 30): how one run's callers are dealt to the worker
 * processes, how the processes' calls are put back together into one run's groups, and how long
 * each run can be.
 */
import type { CallerGroup, GroupRun } from './lanes-run';

/**
 * Deals every group's callers to `processes` processes in turn, one caller at a time, continuing
 * from where the previous group stopped (40 background callers: 10 each; the interactive caller
 * after them: the first process; tenants of 40 and 2: 10 each, and the small one's 2 on the first
 * two). A process gets a group only when it gets at least one of its callers.
 */
export function dealCallers(groups: readonly CallerGroup[], processes: number): CallerGroup[][] {
  if (!Number.isInteger(processes) || processes < 1)
    throw new RangeError(`processes must be a whole number ≥ 1, got ${processes}`);
  const dealt: CallerGroup[][] = Array.from({ length: processes }, () => []);
  let next = 0;
  for (const group of groups) {
    const counts = Array.from({ length: processes }, () => 0);
    for (let i = 0; i < group.callers; i++) {
      counts[next]!++;
      next = (next + 1) % processes;
    }
    counts.forEach((callers, p) => {
      if (callers > 0) dealt[p]!.push({ ...group, callers });
    });
  }
  return dealt;
}

/** Every process's group runs as one run's: each group's calls from all processes, by name. */
export function mergeGroupRuns(perProcess: ReadonlyArray<readonly GroupRun[]>): GroupRun[] {
  const merged = new Map<string, GroupRun>();
  for (const run of perProcess.flat()) {
    const into = merged.get(run.name);
    if (into) into.calls.push(...run.calls);
    else merged.set(run.name, { name: run.name, calls: [...run.calls] });
  }
  return [...merged.values()];
}

/** Spawning 8 workers under tsx, their Redis connections and warm-up calls, on a loaded 2-core machine. */
const START_UP_MS = 30_000;
/** The warm-up and the latency calls before the runs. */
const SET_UP_MS = 10_000;

/**
 * Each run's length: `askedMs` (`BENCH_LANES_RUN_S`, or the lanes section's default), shortened
 * to whole seconds so that the set-up and both runs with their start-up fit in `remainingMs` of
 * the budget; never under 10 s (a run needs its first window and a steady state after it).
 */
export function lanesFleetRunMs(askedMs: number, remainingMs: number): number {
  const fits = (remainingMs - SET_UP_MS) / 2 - START_UP_MS;
  return Math.max(10_000, Math.min(askedMs, Math.floor(fits / 1000) * 1000));
}
