import { setMaxListeners } from 'node:events';
import type { Contender, TrueLimit } from '../contenders/types';
import { sleep } from '../lib/budget';
import { BENCH_API_KEY, type BenchEmulator } from '../lib/emulator';
import { type CallOutcome, countErrors, runCall } from '../lib/run-calls';
import { percentile, type Spread, spread } from '../lib/stats';
import { countEarlyRetries, createTrafficFetch, type TrafficLog } from '../lib/traffic';
import { MODEL_A } from './schedules';

/** A caller starts a call at most this often (demand stays 50 calls/s, far above every limit). */
export const CALL_SPACING_MS = 1_000;

/** One contender's contention run. */
export type ContentionRun = {
  variant: string;
  contender: string;
  /** Calls that settled within the run (in-flight calls at the end are excluded). */
  callsSettled: number;
  successes: number;
  /**
   * Successful calls per minute in the steady state, as the server counts them: requests it answered
   * with 200 that arrived after the first window and before the run ended, over that time (the
   * first window's burst, which an empty key admits at once, left out; a call's own latency does not
   * move it in or out of the count).
   */
  goodputPerMin: number;
  /** Goodput as a fraction of what the binding limit admits (calls, or tokens for a token limit). */
  goodputFraction: number;
  requests: number;
  rateLimited: number;
  /** 429s the emulator logged (cross-check of `rateLimited`). */
  serverRateLimited: number;
  earlyRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of the calls that succeeded. */
  okP99Ms: number;
  /** Successful calls that took more than 75 % of the deadline. */
  okSlow: number;
  /** Calls still running when their deadline's AbortSignal fired. */
  cutByDeadline: number;
  errors: Record<string, number>;
};

/** How one run is shaped. */
export type RunShape = {
  variant: string;
  callers: number;
  durationMs: number;
  callDeadlineMs: number;
  /** The key's limit (the oracle is told it; goodput is measured against it). */
  limit: TrueLimit;
  prompt: (caller: number, call: number) => string;
};

/** What the binding limit admits per minute, in calls (tokens per call known: the token limit may bind). */
export function callsPerMinute(limit: TrueLimit): number {
  const byRequests = (limit.requestsPerWindow * 60_000) / limit.windowMs;
  if (limit.tokensPerWindow === undefined || !limit.tokensPerCall) return byRequests;
  return Math.min(
    byRequests,
    (limit.tokensPerWindow * 60_000) / limit.windowMs / limit.tokensPerCall,
  );
}

/** `contender` built against `emulator` on one key of `shape.limit`, every attempt logged in `log`. */
export function contenderOnKey(
  emulator: Pick<BenchEmulator, 'url'>,
  contender: Contender,
  shape: Pick<RunShape, 'callDeadlineMs' | 'limit'>,
  log: TrafficLog,
) {
  return contender.build({
    baseURL: emulator.url,
    apiKey: BENCH_API_KEY,
    fetch: createTrafficFetch({ log }),
    modelId: MODEL_A,
    fallbackModelId: undefined,
    deadlineMs: shape.callDeadlineMs,
    limit: shape.limit,
  });
}

/**
 * Runs `callers` loops that call back to back until `durationMs` has passed. Calls still in flight
 * at the end are cut off and not counted (neither success nor failure). `log` receives every
 * attempt at the fetch boundary (pass one to read them afterwards).
 */
export async function runContender(
  emulator: BenchEmulator,
  contender: Contender,
  shape: RunShape,
  log: TrafficLog = { attempts: [] },
): Promise<ContentionRun> {
  const call = contenderOnKey(emulator, contender, shape, log);
  const runStart = performance.now();
  const epochStart = Date.now();
  const end = runStart + shape.durationMs;
  const stop = new AbortController();
  // One listener per in-flight call (50 callers) is expected, not a leak.
  setMaxListeners(shape.callers + 10, stop.signal);
  const stopTimer = setTimeout(() => stop.abort(), shape.durationMs);
  const outcomes: CallOutcome[] = [];
  const caller = async (index: number) => {
    for (let n = 0; performance.now() < end && !stop.signal.aborted; n++) {
      const startedAt = performance.now();
      const outcome = await runCall(call, {
        callId: `caller-${index}-${n}`,
        prompt: shape.prompt(index, n),
        deadlineMs: shape.callDeadlineMs,
        graceMs: 5_000,
        stop: stop.signal,
      });
      if (!outcome.stopped) outcomes.push(outcome);
      // A call that failed fast (refused without a request) must not turn its caller into a busy loop.
      const pause = Math.min(startedAt + CALL_SPACING_MS, end) - performance.now();
      if (pause > 0) await sleep(pause);
    }
  };
  await Promise.all(Array.from({ length: shape.callers }, (_, i) => caller(i)));
  clearTimeout(stopTimer);
  await sleep(50);
  const served = await emulator.loggedRequests();
  const serverStatuses = served.map(r => r.status);
  const ok = outcomes.filter(o => o.ok);
  const steadyFrom = epochStart + shape.limit.windowMs;
  const steadyOk = served.filter(
    r => r.status === 200 && r.time >= steadyFrom && r.time < epochStart + shape.durationMs,
  ).length;
  const steadyMs = shape.durationMs - shape.limit.windowMs;
  const goodputPerMin = steadyOk / (steadyMs / 60_000);
  return {
    variant: shape.variant,
    contender: contender.name,
    callsSettled: outcomes.length,
    successes: ok.length,
    goodputPerMin,
    goodputFraction: goodputPerMin / callsPerMinute(shape.limit),
    requests: log.attempts.length,
    rateLimited: log.attempts.filter(a => a.status === 429).length,
    serverRateLimited: serverStatuses.filter(status => status === 429).length,
    earlyRequests: countEarlyRetries(log.attempts),
    p50Ms: percentile(
      outcomes.map(o => o.ms),
      50,
    ),
    p99Ms: percentile(
      outcomes.map(o => o.ms),
      99,
    ),
    okP99Ms: percentile(
      ok.map(o => o.ms),
      99,
    ),
    okSlow: ok.filter(o => o.ms > shape.callDeadlineMs * 0.75).length,
    cutByDeadline: outcomes.filter(o => !o.beforeDeadline).length,
    errors: countErrors(outcomes),
  };
}

/** One contender over all repetitions of a variant: medians and spreads of the per-run figures. */
export type ContentionSummary = {
  variant: string;
  contender: string;
  repetitions: number;
  goodputFraction: Spread;
  successes: Spread;
  callsSettled: Spread;
  requests: Spread;
  rateLimited: Spread;
  /** The largest count over the repetitions (must be 0 for us). */
  earlyRequests: number;
  p50Ms: Spread;
  p99Ms: Spread;
  okP99Ms: Spread;
  okSlow: Spread;
  cutByDeadline: Spread;
};

export function summarize(
  variant: string,
  contender: string,
  runs: readonly ContentionRun[],
): ContentionSummary {
  const of = (pick: (r: ContentionRun) => number) => spread(runs.map(pick));
  return {
    variant,
    contender,
    repetitions: runs.length,
    goodputFraction: of(r => r.goodputFraction),
    successes: of(r => r.successes),
    callsSettled: of(r => r.callsSettled),
    requests: of(r => r.requests),
    rateLimited: of(r => r.rateLimited),
    earlyRequests: Math.max(0, ...runs.map(r => r.earlyRequests)),
    p50Ms: of(r => r.p50Ms),
    p99Ms: of(r => r.p99Ms),
    okP99Ms: of(r => r.okP99Ms),
    okSlow: of(r => r.okSlow),
    cutByDeadline: of(r => r.cutByDeadline),
  };
}
