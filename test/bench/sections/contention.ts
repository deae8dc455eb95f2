import { setMaxListeners } from 'node:events';
import type { Contender } from '../contenders/types';
import { sleep } from '../lib/budget';
import { BENCH_API_KEY, type BenchEmulator, startEmulatorProcess } from '../lib/emulator';
import { fmtMs, pct } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import { type CallOutcome, countErrors, runCall } from '../lib/run-calls';
import type { SectionArgs } from '../lib/section';
import { percentile, type Spread, spread } from '../lib/stats';
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
  /** Every run (contender × repetition). */
  runs: ContentionRun[];
  summaries: ContentionSummary[];
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

/** One contender over all repetitions: medians and spreads of the per-run figures. */
export type ContentionSummary = {
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

function summarize(contender: string, runs: readonly ContentionRun[]): ContentionSummary {
  const of = (pick: (r: ContentionRun) => number) => spread(runs.map(pick));
  return {
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

type Column = {
  label: string;
  better: 'higher' | 'lower';
  /** The figure over the repetitions (its median is what is compared). */
  spread: (r: ContentionSummary) => Spread;
  show: (value: number) => string;
};

const count = (v: number) => String(Math.round(v));
const COLUMNS: Column[] = [
  { label: 'goodput', better: 'higher', spread: r => r.goodputFraction, show: v => pct(v) },
  { label: '429s received', better: 'lower', spread: r => r.rateLimited, show: count },
  { label: 'requests', better: 'lower', spread: r => r.requests, show: count },
  {
    label: 'early requests',
    better: 'lower',
    spread: r => spread([r.earlyRequests]),
    show: count,
  },
  { label: 'p99', better: 'lower', spread: r => r.p99Ms, show: fmtMs },
  { label: 'p99 of successful calls', better: 'lower', spread: r => r.okP99Ms, show: fmtMs },
];

/** Medians tie when within this fraction: one call is 1/60 of a 30 s run's goodput. */
const TIE = 0.02;

/** Whether `median` lies inside the range the other contenders' own repetitions cover. */
function insideOthersRange(
  median: number,
  others: readonly Spread[],
): { inside: boolean; lo: number; hi: number } {
  const lo = Math.min(...others.map(o => o.min));
  const hi = Math.max(...others.map(o => o.max));
  return { inside: median >= lo && median <= hi, lo, hi };
}

/** Which contenders are best per column, and why ours (either variant) is not where it is not. */
function contentionNotes(summaries: readonly ContentionSummary[]): string[] {
  const notes: string[] = [];
  const best: string[] = [];
  const ours = summaries.filter(r => r.contender.startsWith('ours'));
  const others = summaries.filter(r => !r.contender.startsWith('ours'));
  for (const column of COLUMNS) {
    const medians = summaries.map(r => column.spread(r).median).filter(Number.isFinite);
    if (medians.length === 0) continue;
    const target = column.better === 'higher' ? Math.max(...medians) : Math.min(...medians);
    const winners = summaries
      .filter(r => Math.abs(column.spread(r).median - target) <= Math.abs(target) * TIE)
      .map(r => r.contender);
    best.push(`${column.label}: ${winners.join(', ')}`);
    if (winners.some(w => w.startsWith('ours'))) continue;
    const oursText = ours
      .map(r => `${r.contender} ${column.show(column.spread(r).median)}`)
      .join(', ');
    const range = insideOthersRange(
      Math.max(...ours.map(r => (column.better === 'higher' ? 1 : -1) * column.spread(r).median)) *
        (column.better === 'higher' ? 1 : -1),
      others.map(column.spread),
    );
    const why = range.inside
      ? `the better of ours lies inside the range the other contenders' own repetitions cover (${column.show(range.lo)}–${column.show(range.hi)}): a difference of medians, not one the runs separate.`
      : whyNot(column.label, summaries);
    notes.push(
      `Ours not best in ${column.label} (${oursText} vs ${winners.join(', ')} ${column.show(target)}): ${why}`,
    );
  }
  const fleet = summaries.find(r => r.contender === 'ours + fleet guard');
  const top = Math.max(...summaries.map(r => r.goodputFraction.median));
  if (fleet && fleet.goodputFraction.median < top - TIE) {
    const range = insideOthersRange(
      fleet.goodputFraction.median,
      others.map(r => r.goodputFraction),
    );
    const within = range.inside
      ? `, inside the range of the others' repetitions (${pct(range.lo)}–${pct(range.hi)})`
      : '';
    notes.push(
      `ours + fleet guard: goodput ${pct(fleet.goodputFraction.median)} (${pct(fleet.goodputFraction.min)}–${pct(fleet.goodputFraction.max)}) vs ${pct(top)} for the best${within}; ${fleet.cutByDeadline.median} calls per run were still waiting when their deadline fired. The guard holds every caller until the shared cooldown ends plus a random spread (its cooldownSpreadMs, 250 ms by default), so a freed slot can stay unused for a moment: it trades a little goodput for ${pct(1 - fleet.rateLimited.median / Math.max(1, ...others.map(r => r.rateLimited.median)))} fewer 429s than the worst peer.`,
    );
  }
  return [`Best (medians): ${best.join('; ')}.`, ...notes];
}

function whyNot(column: string, summaries: readonly ContentionSummary[]): string {
  switch (column) {
    case '429s received':
    case 'requests':
      return 'without the fleet guard each caller learns about the limit only from its own 429s; the fleet guard shares the cooldown among callers.';
    case 'p99':
    case 'p99 of successful calls': {
      const figures = summaries
        .map(
          r =>
            `${r.contender} ${r.okSlow.median} slow successes, ${r.cutByDeadline.median} cut by the deadline`,
        )
        .join('; ');
      return `per run: ${figures} (slow = over 7.5 s). A contender that keeps retrying while the wait the server asked for still fits before the deadline turns late calls into slow successes instead of failures, which lengthens the tail; the key's total stays capped at the limit either way.`;
    }
    default:
      return 'see the per-run figures in the JSON report.';
  }
}

/** Section 3: many callers sharing one rate-limited key. */
export async function runContention(args: SectionArgs): Promise<ContentionResult> {
  const options = {
    ...args,
    contenders: args.contenders.contention,
    baseline: args.contenders.baseline,
  };
  const callers = 50;
  const rpm = 120;
  // 120 RPM scaled to a 5 s sliding window (10 requests per 5 s) so a 30 s run spans 6 windows.
  const windowMs = 5_000;
  const requestsPerWindow = (rpm * windowMs) / 60_000;
  const durationMs = options.quick ? 10_000 : 30_000;
  const repetitions = options.quick ? 1 : 3;
  const callDeadlineMs = 10_000;
  const runs: ContentionRun[] = [];
  // Warm up on an unlimited emulator, so no contender's first measured calls pay for JIT.
  const warm = await startEmulatorProcess();
  try {
    await warmUp(warm.url, options.contenders, { modelId: MODEL_A, fallbackModelId: MODEL_B });
  } finally {
    await warm.close();
  }
  for (let rep = 0; rep < repetitions; rep++) {
    // The first repetition always runs (every row gets figures); more only while the budget lasts.
    if (rep > 0 && options.budget.remainingMs() < durationMs + 10_000) {
      options.log(`  contention: budget spent after ${rep} repetitions`);
      break;
    }
    // All contenders at once, each with its own emulator process and key window (fresh, empty):
    // they share the machine's noise instead of meeting different noise one after another.
    collectGarbage();
    const emulators = await Promise.all(
      options.contenders.map(() =>
        startEmulatorProcess({ limits: { rpm: requestsPerWindow, windowMs } }),
      ),
    );
    try {
      const repRuns = await Promise.all(
        options.contenders.map((contender, i) =>
          runContender(emulators[i]!, contender, { callers, durationMs, callDeadlineMs, rpm }),
        ),
      );
      for (const run of repRuns) {
        options.log(
          `  [${rep + 1}/${repetitions}] ${run.contender}: ${run.successes} ok of ${run.callsSettled} settled, ${run.requests} requests, ${run.rateLimited} 429s, p99 ${fmtMs(run.p99Ms)}`,
        );
      }
      runs.push(...repRuns);
    } finally {
      await Promise.all(emulators.map(e => e.close()));
    }
  }
  const summaries = options.contenders.map(c =>
    summarize(
      c.name,
      runs.filter(r => r.contender === c.name),
    ),
  );
  const base = summaries.find(r => r.contender === options.baseline);
  const ratio = (v: number, b: number | undefined) =>
    b === undefined || b === 0 || !Number.isFinite(v) ? '' : ` (${(v / b).toFixed(2)}×)`;
  const n = summaries[0]?.repetitions ?? 0;
  const table: Table = {
    title: `3. Contention: ${callers} callers, one key limited to ${rpm} RPM (scaled: ${requestsPerWindow} requests per ${windowMs / 1000} s sliding window), ${durationMs / 1000} s runs × ${n}, all contenders side by side; medians (min–max), ratios vs ${options.baseline}`,
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
    rows: summaries.map(r => [
      r.contender,
      `${pct(r.goodputFraction.median)} (${pct(r.goodputFraction.min)}–${pct(r.goodputFraction.max)})${ratio(r.goodputFraction.median, base?.goodputFraction.median)}`,
      `${r.successes.median}/${r.callsSettled.median}`,
      `${r.requests.median}${ratio(r.requests.median, base?.requests.median)}`,
      `${r.rateLimited.median} (${r.rateLimited.min}–${r.rateLimited.max})${ratio(r.rateLimited.median, base?.rateLimited.median)}`,
      String(r.earlyRequests),
      `${fmtMs(r.p50Ms.median)}${ratio(r.p50Ms.median, base?.p50Ms.median)}`,
      `${fmtMs(r.p99Ms.median)} (${fmtMs(r.p99Ms.min)}–${fmtMs(r.p99Ms.max)})${ratio(r.p99Ms.median, base?.p99Ms.median)}`,
      `${fmtMs(r.okP99Ms.median)}${ratio(r.okP99Ms.median, base?.okP99Ms.median)}`,
    ]),
    notes: [
      `Goodput = successful calls per minute / ${rpm}; one call is ${(100 / ((rpm * durationMs) / 60_000)).toFixed(1)} % of a run's limit. Each call has a ${callDeadlineMs / 1000} s deadline; a caller starts its next call as soon as one settles; calls still in flight when a run ends are aborted and not counted. Demand (50 callers back to back) is far above the limit, so goodput is capped by the key for every contender that retries at all: the differences are in how many refused requests each one sends (load on the provider and on the shared key) and how long callers wait.`,
      ...contentionNotes(summaries),
    ],
  };
  return {
    callers,
    durationMs,
    limit: { rpm, windowMs, requestsPerWindow },
    callDeadlineMs,
    baseline: options.baseline,
    runs,
    summaries,
    table,
  };
}
