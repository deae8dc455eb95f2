import { setMaxListeners } from 'node:events';
import type { Contender } from '../contenders/types';
import type { Budget } from '../lib/budget';
import { sleep } from '../lib/budget';
import { BENCH_API_KEY, type BenchEmulator, startEmulatorProcess } from '../lib/emulator';
import { fmtMs, pct } from '../lib/format';
import { type CallOutcome, countErrors, runCall } from '../lib/run-calls';
import { percentile } from '../lib/stats';
import type { Table } from '../lib/table';
import { countEarlyRetries, createTrafficFetch, type TrafficLog } from '../lib/traffic';
import { warmUp } from '../lib/warm-up';
import { MODEL_A, MODEL_B } from './schedules';

/** One contender's contention run. */
export type ContentionRun = {
  contender: string;
  /** Calls that settled within the run (in-flight calls at the end are excluded). */
  callsSettled: number;
  successes: number;
  /** Successful calls per minute of run time. */
  goodputPerMin: number;
  /** goodputPerMin / the key's RPM limit. */
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
  /** Successful calls by the number of HTTP requests they took: `{ "1": 10, "2": 40, "3": 10 }`. */
  okByAttempts: Record<string, number>;
  /** Successful calls that took more than 75 % of the deadline. */
  okSlow: number;
  /** Calls still running when their deadline's AbortSignal fired. */
  cutByDeadline: number;
  errors: Record<string, number>;
};

/** What the contention section returns. */
export type ContentionResult = {
  callers: number;
  durationMs: number;
  limit: { rpm: number; windowMs: number; requestsPerWindow: number };
  callDeadlineMs: number;
  baseline: string;
  runs: ContentionRun[];
  table: Table;
};

/**
 * Runs `callers` loops that call back to back until `durationMs` has passed. Calls still in flight
 * at the end are cut off and not counted (neither success nor failure).
 */
async function runContender(
  emulator: BenchEmulator,
  contender: Contender,
  options: { callers: number; durationMs: number; callDeadlineMs: number; rpm: number },
): Promise<ContentionRun> {
  const log: TrafficLog = { attempts: [] };
  const call = contender.build({
    baseURL: emulator.url,
    apiKey: BENCH_API_KEY,
    fetch: createTrafficFetch({ log }),
    modelId: MODEL_A,
    fallbackModelId: undefined,
    deadlineMs: options.callDeadlineMs,
  });
  const start = performance.now();
  const end = start + options.durationMs;
  const stop = new AbortController();
  // One listener per in-flight call (50 callers) is expected, not a leak.
  setMaxListeners(options.callers + 10, stop.signal);
  const stopTimer = setTimeout(() => stop.abort(), options.durationMs);
  const outcomes: CallOutcome[] = [];
  const caller = async (index: number) => {
    for (let n = 0; performance.now() < end && !stop.signal.aborted; n++) {
      const outcome = await runCall(call, {
        callId: `caller-${index}-${n}`,
        prompt: `Caller ${index}, call ${n}: say hello.`,
        deadlineMs: options.callDeadlineMs,
        graceMs: 5_000,
        stop: stop.signal,
      });
      if (!outcome.stopped) outcomes.push(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.callers }, (_, i) => caller(i)));
  clearTimeout(stopTimer);
  await sleep(50);
  const serverStatuses = await emulator.loggedStatuses();
  const successes = outcomes.filter(o => o.ok).length;
  const goodputPerMin = successes / (options.durationMs / 60_000);
  const times = outcomes.map(o => o.ms);
  return {
    contender: contender.name,
    callsSettled: outcomes.length,
    successes,
    goodputPerMin,
    goodputFraction: goodputPerMin / options.rpm,
    requests: log.attempts.length,
    rateLimited: log.attempts.filter(a => a.status === 429).length,
    serverRateLimited: serverStatuses.filter(status => status === 429).length,
    earlyRequests: countEarlyRetries(log.attempts),
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    okP99Ms: percentile(
      outcomes.filter(o => o.ok).map(o => o.ms),
      99,
    ),
    okByAttempts: attemptsHistogram(
      outcomes.filter(o => o.ok),
      log,
    ),
    okSlow: outcomes.filter(o => o.ok && o.ms > options.callDeadlineMs * 0.75).length,
    cutByDeadline: outcomes.filter(o => !o.beforeDeadline).length,
    errors: countErrors(outcomes),
  };
}

function attemptsHistogram(
  outcomes: readonly CallOutcome[],
  log: TrafficLog,
): Record<string, number> {
  const perCall = new Map<string, number>();
  for (const a of log.attempts) perCall.set(a.call, (perCall.get(a.call) ?? 0) + 1);
  const histogram: Record<string, number> = {};
  for (const o of outcomes) {
    const n = String(perCall.get(o.callId) ?? 0);
    histogram[n] = (histogram[n] ?? 0) + 1;
  }
  return histogram;
}

const COLUMNS = [
  { label: 'goodput', better: 'higher', value: (r: ContentionRun) => r.goodputFraction, tol: 0.01 },
  { label: '429s received', better: 'lower', value: (r: ContentionRun) => r.rateLimited, tol: 0 },
  { label: 'requests', better: 'lower', value: (r: ContentionRun) => r.requests, tol: 0 },
  {
    label: 'early requests',
    better: 'lower',
    value: (r: ContentionRun) => r.earlyRequests,
    tol: 0,
  },
  { label: 'p99', better: 'lower', value: (r: ContentionRun) => r.p99Ms, tol: 0.02 },
  {
    label: 'p99 of successful calls',
    better: 'lower',
    value: (r: ContentionRun) => r.okP99Ms,
    tol: 0.02,
  },
] as const;

/** Which contenders are best per column, and why ours (either variant) is not where it is not. */
function contentionNotes(runs: readonly ContentionRun[]): string[] {
  const notes: string[] = [];
  const best: string[] = [];
  for (const column of COLUMNS) {
    const values = runs.map(column.value).filter(Number.isFinite);
    if (values.length === 0) continue;
    const target = column.better === 'higher' ? Math.max(...values) : Math.min(...values);
    const winners = runs
      .filter(r => Math.abs(column.value(r) - target) <= Math.abs(target) * column.tol)
      .map(r => r.contender);
    best.push(`${column.label}: ${winners.join(', ')}`);
    if (!winners.some(w => w.startsWith('ours'))) {
      const ours = runs.filter(r => r.contender.startsWith('ours'));
      const oursText = ours.map(r => `${r.contender} ${Math.round(column.value(r))}`).join(', ');
      notes.push(
        `Ours not best in ${column.label} (${oursText} vs ${winners.join(', ')} ${Math.round(target)}): ${whyNot(column.label, values, runs)}`,
      );
    }
  }
  const topGoodput = Math.max(...runs.map(r => r.goodputFraction));
  const topSuccesses = Math.max(...runs.map(r => r.successes));
  for (const r of runs.filter(x => x.contender.startsWith('ours'))) {
    if (r.goodputFraction < topGoodput - 0.01) {
      notes.push(
        `${r.contender}: goodput ${pct(r.goodputFraction)} vs ${pct(topGoodput)}, ${topSuccesses - r.successes} fewer successful calls in the run; ${r.cutByDeadline} of its calls were still waiting when their deadline fired. The guard holds every caller until the shared cooldown ends plus a random spread (its cooldownSpreadMs, 250 ms by default), so a freed slot can stay unused for a moment.`,
      );
    }
  }
  return [`Best: ${best.join('; ')}.`, ...notes];
}

function whyNot(column: string, values: readonly number[], runs: readonly ContentionRun[]): string {
  const spreadPct = ((Math.max(...values) - Math.min(...values)) / Math.min(...values)) * 100;
  switch (column) {
    case '429s received':
    case 'requests':
      return 'without the fleet guard each caller learns about the limit only from its own 429s; the fleet guard shares the cooldown among callers.';
    case 'p99':
      return spreadPct < 5
        ? `all contenders are within ${spreadPct.toFixed(1)} % of each other: the tail is the 10 s deadline for every one, set by the key's window, not by the retry policy.`
        : `the contenders differ by up to ${spreadPct.toFixed(0)} %; see the per-run figures in the JSON report.`;
    case 'p99 of successful calls': {
      const figures = runs
        .map(
          r => `${r.contender} ${r.okSlow} slow successes / ${r.cutByDeadline} cut by the deadline`,
        )
        .join('; ');
      return `the tail of successful calls is set by how long a contender keeps a call alive (${figures}; slow = over 7.5 s). A contender that retries while the wait the server asked for still fits before the deadline turns some late calls into slow successes; the key's total stays capped at the limit either way.`;
    }
    default:
      return 'see the JSON report for the per-run figures.';
  }
}

/** Section 3: many callers sharing one rate-limited key. */
export async function runContention(options: {
  quick: boolean;
  budget: Budget;
  contenders: Contender[];
  baseline: string;
  log: (line: string) => void;
}): Promise<ContentionResult> {
  const callers = 50;
  const rpm = 120;
  // 120 RPM scaled to a 5 s sliding window (10 requests per 5 s) so a 30 s run spans 6 windows.
  const windowMs = 5_000;
  const requestsPerWindow = (rpm * windowMs) / 60_000;
  const durationMs = options.quick ? 10_000 : 30_000;
  const callDeadlineMs = 10_000;
  const runs: ContentionRun[] = [];
  // Warm up on an unlimited emulator, so no contender's first measured calls pay for JIT.
  const warm = await startEmulatorProcess();
  try {
    await warmUp(warm.url, options.contenders, { modelId: MODEL_A, fallbackModelId: MODEL_B });
  } finally {
    await warm.close();
  }
  for (const contender of options.contenders) {
    if (options.budget.remainingMs() < durationMs) {
      options.log(`  contention: budget spent, skipping ${contender.name}`);
      continue;
    }
    // A fresh emulator per contender: the key's window starts empty for everyone.
    const emulator = await startEmulatorProcess({ rpm: requestsPerWindow, windowMs });
    try {
      const run = await runContender(emulator, contender, {
        callers,
        durationMs,
        callDeadlineMs,
        rpm,
      });
      options.log(
        `  ${contender.name}: ${run.successes} ok of ${run.callsSettled} settled, ${run.requests} requests, ${run.rateLimited} 429s, p99 ${fmtMs(run.p99Ms)}`,
      );
      runs.push(run);
    } finally {
      await emulator.close();
    }
  }
  const base = runs.find(r => r.contender === options.baseline);
  const ratio = (v: number, b: number | undefined) =>
    b === undefined || b === 0 || !Number.isFinite(v) ? '' : ` (${(v / b).toFixed(2)}×)`;
  const table: Table = {
    title: `3. Contention: ${callers} callers, one key limited to ${rpm} RPM (scaled: ${requestsPerWindow} requests per ${windowMs / 1000} s sliding window), ${durationMs / 1000} s per contender; ratios vs ${options.baseline}`,
    columns: [
      'contender',
      'goodput (of limit)',
      'ok / settled calls',
      'requests',
      '429s received',
      'early requests',
      'p50',
      'p99',
      'p99 of ok calls',
    ],
    rows: runs.map(r => [
      r.contender,
      `${pct(r.goodputFraction)}${ratio(r.goodputFraction, base?.goodputFraction)}`,
      `${r.successes}/${r.callsSettled}`,
      `${r.requests}${ratio(r.requests, base?.requests)}`,
      `${r.rateLimited}${ratio(r.rateLimited, base?.rateLimited)}`,
      String(r.earlyRequests),
      `${fmtMs(r.p50Ms)}${ratio(r.p50Ms, base?.p50Ms)}`,
      `${fmtMs(r.p99Ms)}${ratio(r.p99Ms, base?.p99Ms)}`,
      `${fmtMs(r.okP99Ms)}${ratio(r.okP99Ms, base?.okP99Ms)}`,
    ]),
    notes: [
      `Goodput = successful calls per minute / ${rpm}. Each call has a ${callDeadlineMs / 1000} s deadline; a caller starts its next call as soon as one settles; calls still in flight when the run ends are aborted and not counted. Demand (50 callers back to back) is far above the limit, so goodput is capped by the key for every contender that retries at all: the differences are in how many refused requests each one sends (load on the provider and on the shared key) and how long callers wait.`,
      ...contentionNotes(runs),
    ],
  };
  return {
    callers,
    durationMs,
    limit: { rpm, windowMs, requestsPerWindow },
    callDeadlineMs,
    baseline: options.baseline,
    runs,
    table,
  };
}
