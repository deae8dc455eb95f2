import { setMaxListeners } from 'node:events';
import type { CallFn, CallLane, Contender, TrueLimit } from '../contenders/types';
import { sleep } from '../lib/budget';
import type { BenchEmulator } from '../lib/emulator';
import { type CallOutcome, countErrors, runCall } from '../lib/run-calls';
import type { TrafficLog } from '../lib/traffic';
import { CALL_SPACING_MS, callsPerMinute, contenderOnKey } from './contention-run';

/** A group of callers of one lane and tenant. */
export type CallerGroup = {
  /** Name of the group in the results (`background`, `interactive`, a tenant's id). */
  name: string;
  callers: number;
  /** What each call says it is for; unset sends no lane (the unmarked run). */
  lane: CallLane | undefined;
  /** Each caller starts a call every `everyMs` (back to back when a call takes longer). */
  everyMs: number;
  /** The group's callers start this long after the run (0: at once). */
  startAfterMs: number;
};

/** One group's calls in one run. */
export type GroupRun = {
  name: string;
  /** Each settled call: its outcome and when it settled (ms since the run started). */
  calls: Array<{ outcome: CallOutcome; endedAtMs: number }>;
};

/** One contender's run of several groups on one key. */
export type LanesRun = {
  contender: string;
  groups: GroupRun[];
  /** Successful calls per minute the server answered in the steady state (after the first window). */
  goodputPerMin: number;
  /** {@link goodputPerMin} over what the limit admits. */
  goodputFraction: number;
  requests: number;
  rateLimited: number;
  errors: Record<string, number>;
};

/** How a lanes run is shaped. */
export type LanesShape = {
  groups: CallerGroup[];
  durationMs: number;
  callDeadlineMs: number;
  limit: TrueLimit;
};

/**
 * Runs every group's callers through `call` until `durationMs` has passed (calls in flight at the
 * end are cut off and not counted): each group's settled calls, timed from the run's start.
 */
export async function runCallers(
  call: CallFn,
  shape: Pick<LanesShape, 'groups' | 'durationMs' | 'callDeadlineMs'>,
): Promise<GroupRun[]> {
  const runStart = performance.now();
  const end = runStart + shape.durationMs;
  const stop = new AbortController();
  const callers = shape.groups.reduce((n, g) => n + g.callers, 0);
  setMaxListeners(callers + 10, stop.signal);
  const stopTimer = setTimeout(() => stop.abort(), shape.durationMs);
  const groups: GroupRun[] = shape.groups.map(g => ({ name: g.name, calls: [] }));
  const caller = async (group: CallerGroup, run: GroupRun, index: number) => {
    const first = runStart + group.startAfterMs;
    if (first > performance.now()) await sleep(first - performance.now());
    for (let n = 0; performance.now() < end && !stop.signal.aborted; n++) {
      const startedAt = performance.now();
      const outcome = await runCall(call, {
        callId: `${group.name}-${index}-${n}`,
        prompt: `Caller ${group.name} ${index}, call ${n}: say hello.`,
        deadlineMs: shape.callDeadlineMs,
        graceMs: 5_000,
        stop: stop.signal,
        ...(group.lane ? { lane: group.lane } : {}),
      });
      if (!outcome.stopped) run.calls.push({ outcome, endedAtMs: performance.now() - runStart });
      const pause = Math.min(startedAt + Math.max(group.everyMs, CALL_SPACING_MS), end);
      if (pause > performance.now()) await sleep(pause - performance.now());
    }
  };
  await Promise.all(
    shape.groups.flatMap((g, k) =>
      Array.from({ length: g.callers }, (_, i) => caller(g, groups[k]!, i)),
    ),
  );
  clearTimeout(stopTimer);
  return groups;
}

/**
 * One contender's run from its groups' calls, the attempts its callers sent and the server's log.
 * Goodput is counted by the server, as in the contention runs: requests answered 200 that arrived
 * after the first window (`epochStart`: the run's start, epoch ms) and before the run ended.
 */
export function lanesRunOf(
  contender: string,
  groups: GroupRun[],
  traffic: { requests: number; rateLimited: number },
  served: ReadonlyArray<{ status: number | null; time: number }>,
  epochStart: number,
  shape: Pick<LanesShape, 'durationMs' | 'limit'>,
): LanesRun {
  const steadyFrom = epochStart + shape.limit.windowMs;
  const steadyOk = served.filter(
    r => r.status === 200 && r.time >= steadyFrom && r.time < epochStart + shape.durationMs,
  ).length;
  const goodputPerMin = steadyOk / ((shape.durationMs - shape.limit.windowMs) / 60_000);
  return {
    contender,
    groups,
    goodputPerMin,
    goodputFraction: goodputPerMin / callsPerMinute(shape.limit),
    ...traffic,
    errors: countErrors(groups.flatMap(g => g.calls.map(c => c.outcome))),
  };
}

/** Runs every group's callers against one contender in this process (see {@link runCallers}). */
export async function runLanes(
  emulator: BenchEmulator,
  contender: Contender,
  shape: LanesShape,
): Promise<LanesRun> {
  const log: TrafficLog = { attempts: [] };
  const call = contenderOnKey(emulator, contender, shape, log);
  const epochStart = Date.now();
  const groups = await runCallers(call, shape);
  await sleep(50);
  return lanesRunOf(
    contender.name,
    groups,
    trafficCounts(log),
    await emulator.loggedRequests(),
    epochStart,
    shape,
  );
}

/** Requests sent and 429s answered, from a traffic log. */
export function trafficCounts(log: TrafficLog): { requests: number; rateLimited: number } {
  return {
    requests: log.attempts.length,
    rateLimited: log.attempts.filter(a => a.status === 429).length,
  };
}
