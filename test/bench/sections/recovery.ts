import { errorGuideLoop } from '../contenders/error-guide-loop';
import type { Contender } from '../contenders/types';
import { sleep } from '../lib/budget';
import { BENCH_API_KEY, type BenchEmulator, startEmulatorProcess } from '../lib/emulator';
import { fmtMs, pct } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import { phaseShareMs } from '../lib/phases';
import { type CallOutcome, countErrors, runCall } from '../lib/run-calls';
import type { SectionArgs } from '../lib/section';
import { percentile } from '../lib/stats';
import type { Table } from '../lib/table';
import { countEarlyRetries, createTrafficFetch, type TrafficLog } from '../lib/traffic';
import { warmUp } from '../lib/warm-up';
import { type DriftResult, runHedgeDrift } from './hedge-drift';
import { buildSchedules, callId, MODEL_A, MODEL_B, type Schedule } from './schedules';
import { runStallSchedule, type StallResult } from './stalls';

/** One contender under one schedule. */
export type RecoveryRun = {
  schedule: Schedule['id'];
  contender: string;
  calls: number;
  successes: number;
  successRate: number;
  requests: number;
  /** Requests the emulator logged during the run (cross-check of `requests`). */
  serverRequests: number;
  /** Requests sent before the `Retry-After` the same call had been told. */
  earlyRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** Fraction of calls that settled (success or error) before their deadline fired. */
  deadlineRespected: number;
  errors: Record<string, number>;
  wallMs: number;
  /** Every call: time to result (ms), outcome, error name and the statuses of its attempts. */
  perCall: Array<{ id: string; ok: boolean; ms: number; error?: string; attempts: string[] }>;
};

/** What the recovery section returns. */
export type RecoveryResult = {
  seed: number;
  deadlineMs: number;
  baseline: string;
  schedules: Array<{ id: Schedule['id']; title: string; describe: string; calls: number }>;
  contenders: Array<{ name: string; config: string }>;
  runs: RecoveryRun[];
  best: Record<string, Record<string, string[]>>;
  /** Per schedule: how much the baseline's p50/p99 moved when run a second time. */
  noise: Record<string, Noise>;
  /** Schedule (f): stalled streams (its own table). */
  stalls: StallResult | undefined;
  /** Schedule (g): hedging while the healthy latency drifts (its own table), when ours is built. */
  drift: DriftResult | undefined;
  table: Table;
  moreTables: Table[];
};

/** Budget weights: schedules (a)–(e) one each, (f) two (more contenders, most calls end at a time limit). */
const WEIGHTS = [1, 1, 1, 1, 1, 2];

/** Columns judged for "best", with their direction. */
const COLUMNS = [
  { key: 'success', label: 'success', better: 'higher' },
  { key: 'requestsPerSuccess', label: 'requests per success', better: 'lower' },
  { key: 'earlyRequests', label: 'early requests', better: 'lower' },
  { key: 'p50Ms', label: 'p50', better: 'lower' },
  { key: 'p99Ms', label: 'p99', better: 'lower' },
  { key: 'deadlineRespected', label: 'deadline', better: 'higher' },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

function columnValue(run: RecoveryRun, key: ColumnKey): number {
  switch (key) {
    case 'success':
      return run.successRate;
    case 'requestsPerSuccess':
      // With no success at all the figure is the request count: fewer wasted requests is better.
      return run.successes > 0 ? run.requests / run.successes : 1e9 + run.requests;
    default:
      return run[key];
  }
}

/** Run-to-run noise of the time columns, measured by running the baseline twice. */
export type Noise = { p50Ms: number; p99Ms: number };

/**
 * How far from the best a figure may be and still tie. Counts must match exactly; times tie within
 * twice the measured noise (the baseline's own run-to-run shift: one repeat underestimates the
 * spread), 5 ms or 2 %, whichever is largest.
 */
function toleranceFor(key: ColumnKey, target: number, noise: Noise | undefined): number {
  if (key !== 'p50Ms' && key !== 'p99Ms') return 0;
  return Math.max(5, target * 0.02, 2 * (noise?.[key] ?? 0));
}

/** Contenders best in a column (see {@link toleranceFor} for ties). */
function bestIn(
  runs: readonly RecoveryRun[],
  column: (typeof COLUMNS)[number],
  noise: Noise | undefined,
): string[] {
  const values = runs.map(r => columnValue(r, column.key));
  const target = column.better === 'higher' ? Math.max(...values) : Math.min(...values);
  const tolerance = toleranceFor(column.key, target, noise);
  return runs
    .filter(r => Math.abs(columnValue(r, column.key) - target) <= tolerance)
    .map(r => r.contender);
}

async function runOne(
  emulator: BenchEmulator,
  schedule: Schedule,
  contender: Contender,
): Promise<{ run: RecoveryRun; outcomes: CallOutcome[]; log: TrafficLog }> {
  const log: TrafficLog = { attempts: [] };
  const call = contender.build({
    baseURL: emulator.url,
    apiKey: BENCH_API_KEY,
    fetch: createTrafficFetch({ log, plan: schedule.plan }),
    modelId: MODEL_A,
    fallbackModelId: schedule.fallback && contender.canFallBack ? MODEL_B : undefined,
    deadlineMs: schedule.deadlineMs,
  });
  collectGarbage();
  const loggedBefore = (await emulator.loggedStatuses()).length;
  const start = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: schedule.calls }, (_, i) =>
      runCall(call, {
        callId: callId(i),
        prompt: `Benchmark call ${i}: say hello.`,
        deadlineMs: schedule.deadlineMs,
      }),
    ),
  );
  const wallMs = performance.now() - start;
  // Requests still in flight when a call gave up (aborted) may land a moment later.
  await sleep(50);
  const serverRequests = (await emulator.loggedStatuses()).length - loggedBefore;
  const times = outcomes.map(o => o.ms);
  const successes = outcomes.filter(o => o.ok).length;
  return {
    outcomes,
    log,
    run: {
      schedule: schedule.id,
      contender: contender.name,
      calls: schedule.calls,
      successes,
      successRate: successes / schedule.calls,
      requests: log.attempts.length,
      serverRequests,
      earlyRequests: countEarlyRetries(log.attempts),
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      deadlineRespected: outcomes.filter(o => o.beforeDeadline).length / schedule.calls,
      errors: countErrors(outcomes),
      wallMs,
      perCall: outcomes.map(o => ({
        id: o.callId,
        ok: o.ok,
        ms: Math.round(o.ms),
        ...(o.error ? { error: o.error } : {}),
        attempts: log.attempts
          .filter(a => a.call === o.callId)
          .map(a => `${a.model ?? '?'}:${a.status ?? 'pending'}@${Math.round(a.sentAt - start)}`),
      })),
    },
  };
}

function ratio(value: number, base: number | undefined): string {
  if (base === undefined || !Number.isFinite(value) || !Number.isFinite(base) || base === 0)
    return '';
  return ` (${(value / base).toFixed(2)}×)`;
}

/** Attempts of the call whose time to result is the run's median. */
function medianCallAttempts(run: RecoveryRun): number {
  const sorted = [...run.perCall].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)]?.attempts.length ?? 0;
}

/** p50 time from an attempt's start to the next attempt of the same call (wait + round trip). */
function retryGapP50(run: RecoveryRun): number {
  const gaps: number[] = [];
  for (const call of run.perCall) {
    const sent = call.attempts.map(a => Number(a.slice(a.lastIndexOf('@') + 1)));
    for (let i = 1; i < sent.length; i++) gaps.push(sent[i]! - sent[i - 1]!);
  }
  return percentile(gaps, 50);
}

/** p50 time to result of the calls that needed a single request. */
function cleanCallP50(run: RecoveryRun): number {
  return percentile(
    run.perCall.filter(c => c.attempts.length === 1).map(c => c.ms),
    50,
  );
}

/** Contenders that call through the AI SDK (all but the error guide's sample loop, which uses the openai client). */
const isSdkBased = (run: RecoveryRun) => run.contender !== errorGuideLoop.name;

/** Explains, from the measured figures, why ours is not best in a column. */
function whyNotBest(
  ours: RecoveryRun,
  best: RecoveryRun,
  column: ColumnKey,
  runs: readonly RecoveryRun[],
  tolerance: number,
): string {
  const time = column === 'p50Ms' || column === 'p99Ms';
  const gap = columnValue(ours, column) - columnValue(best, column);
  if (time && best.successRate < ours.successRate) {
    return `${best.contender} ends sooner because it gives up: success ${pct(best.successRate)} vs ours ${pct(ours.successRate)}`;
  }
  if (time && best.earlyRequests > 0) {
    return `${best.contender} retried before the server's Retry-After (${best.earlyRequests} early requests); ours waits the time it was told`;
  }
  if (time && !isSdkBased(best)) {
    const sdkBest = Math.min(...runs.filter(isSdkBased).map(r => columnValue(r, column)));
    if (columnValue(ours, column) - sdkBest <= tolerance) {
      return `the error guide's sample loop calls the openai npm client directly (no generateText, ${fmtMs(gap)} less per call here); among the contenders that go through the AI SDK, ours is within the noise floor of the fastest`;
    }
  }
  if (column === 'p50Ms' && medianCallAttempts(ours) === 1 && medianCallAttempts(best) === 1) {
    return `the median call met no fault for either contender: it is one plain request among 60 concurrent ones, and the ${fmtMs(gap)} gap is event-loop scheduling, not retry policy (tie tolerance ${fmtMs(tolerance)})`;
  }
  if (time && best.requests < ours.requests && best.successRate === ours.successRate) {
    return `ours spent more attempts (${ours.requests} vs ${best.requests} requests): it retries the failing model with backoff before it falls back, ${best.contender} switches model at the first failure`;
  }
  if (column === 'requestsPerSuccess' && best.successRate === ours.successRate) {
    return `ours retries the failing model (maxRetries: 2, as Alaya's error guide recommends for 5xx) before it falls back; ${best.contender} switches at the first failure (${best.requests} vs ${ours.requests} requests)`;
  }
  if (column === 'requestsPerSuccess' && best.successRate < ours.successRate) {
    return `${best.contender} made fewer attempts per call but recovered fewer calls (${pct(best.successRate)} vs ${pct(ours.successRate)})`;
  }
  if (time) {
    return `ours is ${fmtMs(gap)} slower here (tie tolerance ${fmtMs(tolerance)}). From a failed attempt's start to its retry, ours took ${fmtMs(retryGapP50(ours))} (p50) vs ${fmtMs(retryGapP50(best))} for ${best.contender}, and a call that met no fault took ${fmtMs(cleanCallP50(ours))} vs ${fmtMs(cleanCallP50(best))}: the difference is in the round trips of 60 concurrent calls, not in the wait`;
  }
  return `ours ${columnValue(ours, column)} vs ${columnValue(best, column)}`;
}

/** Issue 15's "never a request before a server's Retry-After", over every schedule's runs of ours. */
function retryAfterGoal(runs: readonly RecoveryRun[], stalls: StallResult | undefined): string {
  const ours = [
    ...runs.filter(r => r.contender.startsWith('ours')),
    ...(stalls?.runs.filter(r => r.contender.startsWith('ours')) ?? []),
  ];
  if (ours.length === 0)
    return "Goal: no request of ours before a server's Retry-After: not measured (ours is not built).";
  const early = ours.reduce((sum, r) => sum + r.earlyRequests, 0);
  return `Goal: no request of ours before a server's Retry-After (every schedule): ${early === 0 ? 'met' : 'MISSED'} (${early} early requests over ${ours.length} runs of ours).`;
}

/** Section 2: recovery under the five seeded fault schedules, then stalled streams. */
export async function runRecovery(args: SectionArgs): Promise<RecoveryResult> {
  const options = {
    ...args,
    contenders: args.contenders.all,
    baseline: args.contenders.baseline,
  };
  const deadlineMs = 10_000;
  const schedules = buildSchedules(options.seed, { calls: options.quick ? 12 : 60, deadlineMs });
  const emulator = await startEmulatorProcess();
  await warmUp(emulator.url, options.contenders, { modelId: MODEL_A, fallbackModelId: MODEL_B });
  const runs: RecoveryRun[] = [];
  const rows: string[][] = [];
  const notes: string[] = [];
  const best: RecoveryResult['best'] = {};
  const noiseBySchedule: RecoveryResult['noise'] = {};
  try {
    for (const [index, schedule] of schedules.entries()) {
      const scheduleRuns: RecoveryRun[] = [];
      // Rotate who goes first from schedule to schedule; rows are printed in the canonical order.
      const order = options.contenders.map(
        (_, i) => options.contenders[(i + index) % options.contenders.length]!,
      );
      // Every contender runs every schedule once (a run is bounded by the call deadline); only the
      // noise-floor rerun depends on the schedule's share of the budget.
      const scheduleStart = performance.now();
      const shareMs = phaseShareMs(options.budget.remainingMs(), WEIGHTS, index);
      for (const contender of order) {
        if (contender.fallbackOnly && !schedule.fallback) continue;
        const { run } = await runOne(emulator, schedule, contender);
        if (run.serverRequests !== run.requests) {
          options.log(
            `  (${schedule.id}) ${contender.name}: client saw ${run.requests} requests, emulator logged ${run.serverRequests}`,
          );
        }
        options.log(
          `  (${schedule.id}) ${contender.name}: ${run.successes}/${run.calls} ok, ${run.requests} requests, ${run.earlyRequests} early, p50 ${fmtMs(run.p50Ms)}, ${Math.round(run.wallMs)} ms`,
        );
        scheduleRuns.push(run);
      }
      // Noise floor: the baseline once more, same schedule; its p50/p99 shift is run-to-run noise.
      let noise: Noise | undefined;
      const baseContender = options.contenders.find(c => c.name === options.baseline);
      const firstBase = scheduleRuns.find(r => r.contender === options.baseline);
      const spentMs = performance.now() - scheduleStart;
      const fits = spentMs + (firstBase?.wallMs ?? 0) <= shareMs;
      if (baseContender && firstBase && !fits) {
        options.log(
          `  (${schedule.id}) noise floor not measured: the schedule's budget share is spent`,
        );
      }
      if (baseContender && firstBase && fits) {
        const { run: again } = await runOne(emulator, schedule, baseContender);
        noise = {
          p50Ms: Math.abs(again.p50Ms - firstBase.p50Ms),
          p99Ms: Math.abs(again.p99Ms - firstBase.p99Ms),
        };
        noiseBySchedule[schedule.id] = noise;
        options.log(
          `  (${schedule.id}) noise floor (${options.baseline} again): p50 ±${fmtMs(noise.p50Ms)}, p99 ±${fmtMs(noise.p99Ms)}`,
        );
      }
      const rank = (name: string) => options.contenders.findIndex(c => c.name === name);
      scheduleRuns.sort((x, y) => rank(x.contender) - rank(y.contender));
      runs.push(...scheduleRuns);
      if (scheduleRuns.length === 0) continue;
      const base = scheduleRuns.find(r => r.contender === options.baseline);
      const bestByColumn: Record<string, string[]> = {};
      for (const column of COLUMNS) {
        bestByColumn[column.label] = bestIn(scheduleRuns, column, noise);
      }
      best[schedule.id] = bestByColumn;
      const noiseText = noise
        ? ` Noise floor (${options.baseline} run twice): p50 ±${fmtMs(noise.p50Ms)}, p99 ±${fmtMs(noise.p99Ms)}.`
        : ' Noise floor not measured (the budget share of this schedule was spent): times are compared with the default tolerance.';
      notes.push(
        `(${schedule.id}) ${schedule.describe}${noiseText} Best: ${COLUMNS.map(c => `${c.label}: ${bestByColumn[c.label]!.join(', ')}`).join('; ')}.`,
      );
      const ours = scheduleRuns.find(r => r.contender === 'ours');
      if (ours) {
        for (const column of COLUMNS) {
          const winners = bestByColumn[column.label]!;
          if (winners.includes('ours')) continue;
          const winner = scheduleRuns.find(r => r.contender === winners[0])!;
          notes.push(
            `(${schedule.id}) Ours not best in ${column.label}: ${whyNotBest(ours, winner, column.key, scheduleRuns, toleranceFor(column.key, columnValue(winner, column.key), noise))}.`,
          );
        }
      }
      rows.push(
        ...scheduleRuns.map(r => [
          `(${schedule.id}) ${schedule.title}`,
          r.contender,
          pct(r.successRate),
          `${r.requests}${ratio(r.requests, base?.requests)}`,
          String(r.earlyRequests),
          `${fmtMs(r.p50Ms)}${ratio(r.p50Ms, base?.p50Ms)}`,
          `${fmtMs(r.p99Ms)}${ratio(r.p99Ms, base?.p99Ms)}`,
          pct(r.deadlineRespected),
        ]),
      );
    }
  } finally {
    await emulator.close();
  }
  const stallBaseline = args.contenders.stalls.find(c => c.name === options.baseline);
  const stalls =
    stallBaseline && args.contenders.stalls.length > 0
      ? await runStallSchedule({
          seed: options.seed,
          quick: options.quick,
          log: options.log,
          shareMs: phaseShareMs(options.budget.remainingMs(), WEIGHTS, schedules.length),
          contenders: args.contenders.stalls,
          baseline: stallBaseline,
          hedged: args.contenders.stallHedged,
          autoHedged: args.contenders.stallAutoHedged,
        })
      : undefined;
  notes.push(retryAfterGoal(runs, stalls));
  const drift = args.contenders.stallAutoHedged
    ? await runHedgeDrift({ seed: options.seed, quick: options.quick, log: options.log })
    : undefined;
  return {
    seed: options.seed,
    deadlineMs,
    baseline: options.baseline,
    schedules: schedules.map(s => ({
      id: s.id,
      title: s.title,
      describe: s.describe,
      calls: s.calls,
    })),
    contenders: options.contenders.map(c => ({ name: c.name, config: c.config })),
    runs,
    best,
    noise: noiseBySchedule,
    stalls,
    drift,
    moreTables: [...(stalls ? [stalls.table] : []), ...(drift ? [drift.table] : [])],
    table: {
      title: `2. Recovery under faults (${schedules[0]!.calls} concurrent calls per contender and schedule, seed ${options.seed}, deadline ${deadlineMs / 1000} s; ratios vs ${options.baseline})`,
      columns: [
        'schedule',
        'contender',
        'success',
        'requests',
        'early requests',
        'p50',
        'p99',
        'deadline met',
      ],
      rows,
      notes,
    },
  };
}
