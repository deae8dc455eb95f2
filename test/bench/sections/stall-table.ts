import { FIRST_CONTENT_MS } from '../contenders/stall-timeouts';
import type { HealthyFigures } from '../contenders/types';
import { fixed, fmtMs, pct } from '../lib/format';
import { type Verdict, verdictCell } from '../lib/judge';
import type { Table } from '../lib/table';
import type { StallRun } from './stall-run';

/** Ours with hedging's `afterMs` and the healthy figures it was derived from. */
export type StallHedge = { afterMs: number; healthy: HealthyFigures };

/** One goal of issue 15, judged from the stall schedule's figures. */
export type StallGoal = { goal: string; verdict: Verdict };

/** The hedged run's p99 time to first content may be at most this multiple of its no-stall run. */
export const HEDGE_TTFC_RATIO = 1.5;

const isOurs = (r: StallRun) => r.contender.startsWith('ours');
const notMeasured = (detail: string): Verdict => ({ kind: 'not measured', detail });

function successGoal(stalled: readonly StallRun[]): Verdict {
  const ours = stalled.filter(isOurs);
  const peers = stalled.filter(r => !isOurs(r));
  if (ours.length === 0) return notMeasured('ours is not built');
  const best = ours.reduce((a, b) => (b.intact > a.intact ? b : a));
  const peerText = peers.map(p => `${p.contender} ${pct(p.intact / p.calls)}`).join(', ');
  const detail = `${best.contender}: ${best.intact}/${best.calls} calls with the whole answer; peers: ${peerText || 'none'}`;
  if (best.intact === best.calls) return { kind: 'met', detail };
  const anyPeerFails = peers.some(p => p.intact < p.calls);
  return anyPeerFails
    ? { kind: 'missed', detail }
    : { kind: 'met', detail: `${detail} (no peer recovered every call either)` };
}

/**
 * Why the ratio says nothing about hedging, if it does not: `afterMs` (from the healthy p99) was not
 * below the first-content limit, so that limit cut every slow attempt before a hedge could go.
 */
function hedgeCouldNotAct(hedge: StallHedge | undefined): string | undefined {
  if (hedge === undefined || hedge.afterMs < FIRST_CONTENT_MS) return undefined;
  return `hedging could not act: afterMs ${hedge.afterMs} ms (healthy p99 ${fmtMs(hedge.healthy.firstContentP99Ms)} on this machine) is not below the ${FIRST_CONTENT_MS} ms first-content limit every contender has, which cut the slow attempts first (a machine too loaded for this schedule's limits)`;
}

function hedgeLatencyGoal(
  runs: readonly StallRun[],
  hedged: string | undefined,
  noise: { firstContentP99Ms: number } | undefined,
  hedge: StallHedge | undefined,
): Verdict {
  if (!hedged) return notMeasured('the middleware in this build has no hedging');
  const withStalls = runs.find(r => r.contender === hedged && r.faults === 'stalls');
  const clean = runs.find(r => r.contender === hedged && r.faults === 'no stalls');
  if (!withStalls || !clean || !Number.isFinite(clean.firstContentP99Ms))
    return notMeasured('the no-stall reference run is missing');
  const ratio = withStalls.firstContentP99Ms / clean.firstContentP99Ms;
  const detail = `p99 ${fmtMs(withStalls.firstContentP99Ms)} with stalls vs ${fmtMs(clean.firstContentP99Ms)} without (${clean.requests} requests for ${clean.calls} calls): ${fixed(ratio)}× (target ≤ ${HEDGE_TTFC_RATIO}×)`;
  const cannot = hedgeCouldNotAct(hedge);
  if (cannot) return notMeasured(`${cannot}; the figures anyway: ${detail}`);
  if (ratio <= HEDGE_TTFC_RATIO) return { kind: 'met', detail };
  const over = withStalls.firstContentP99Ms - HEDGE_TTFC_RATIO * clean.firstContentP99Ms;
  if (noise && over <= noise.firstContentP99Ms)
    return {
      kind: 'noise',
      detail: `${detail}; ${fmtMs(over)} over, within the run-to-run noise ±${fmtMs(noise.firstContentP99Ms)}`,
    };
  return { kind: 'missed', detail: `${detail}${hedgeFloor(hedge, clean)}` };
}

/**
 * The least ratio this `afterMs` allows: a call whose first attempt stalls gets content no sooner
 * than `afterMs` plus a healthy time to first content (its hedge's).
 */
function hedgeFloor(hedge: StallHedge | undefined, clean: StallRun): string {
  if (hedge === undefined) return '';
  const floor = (hedge.afterMs + clean.firstContentP50Ms) / clean.firstContentP99Ms;
  return `; a stalled first attempt gets content after afterMs + a healthy time to first content at best: (${hedge.afterMs} ms + no-stall p50 ${fmtMs(clean.firstContentP50Ms)}) / no-stall p99 = ${fixed(floor)}× at the least`;
}

/**
 * Ours with hedging may send more requests than a peer (another library) only where the peer sends
 * fewer by its own choice: it gives up on calls (recovers fewer) instead of retrying them.
 */
function requestsGoal(stalled: readonly StallRun[], hedged: string | undefined): Verdict {
  if (!hedged) return notMeasured('the middleware in this build has no hedging');
  const hedge = stalled.find(r => r.contender === hedged);
  if (!hedge) return notMeasured('ours with hedging did not run');
  const peers = stalled.filter(r => !isOurs(r));
  const cheaper = peers.filter(p => p.requests < hedge.requests && p.intact >= hedge.intact);
  const excused = peers.filter(p => p.requests < hedge.requests && p.intact < hedge.intact);
  const detail = `${hedged} ${hedge.requests} requests for ${hedge.intact} whole answers; ${peers.map(p => `${p.contender} ${p.requests} for ${p.intact}`).join(', ')}${excused.length > 0 ? ` (fewer by giving up: ${excused.map(p => p.contender).join(', ')})` : ''}`;
  return cheaper.length === 0 ? { kind: 'met', detail } : { kind: 'missed', detail };
}

function earlyGoal(stalled: readonly StallRun[]): Verdict {
  const ours = stalled.filter(isOurs);
  if (ours.length === 0) return notMeasured('ours is not built');
  const early = ours.reduce((sum, r) => sum + r.earlyRequests, 0);
  const detail = `${early} early requests over ${ours.length} runs of ours`;
  return early === 0 ? { kind: 'met', detail } : { kind: 'missed', detail };
}

/** Extra requests a hedged run may send: this share of its calls, plus one per stalled attempt. */
export const HEDGE_EXTRA_SHARE = 0.05;

/**
 * Issue 28 item 3, for one hedged contender's run (with or without stalls): extra requests (beyond
 * one per call) at most {@link HEDGE_EXTRA_SHARE} of the calls plus the stalled attempts it met.
 */
function hedgeCostGoal(run: StallRun | undefined): Verdict {
  if (!run) return notMeasured('the run is missing');
  const stalled = run.stalled.afterHeaders + run.stalled.midStream;
  const extra = run.requests - run.calls;
  const allowed = HEDGE_EXTRA_SHARE * run.calls + stalled;
  const detail = `${extra} extra requests (${pct(extra / run.calls)} of ${run.calls} calls, ${run.hedges?.count ?? 0} hedges) for ${stalled} stalled attempts; allowed ${fixed(allowed)}`;
  return extra <= allowed ? { kind: 'met', detail } : { kind: 'missed', detail };
}

/**
 * Issue 28 item 3: a stalled call's p99 time to first content at most the hedge delay (the longest
 * wait before a hedge in the stalled run: the delay in force at its worst) plus the healthy p99
 * (the same contender's no-stall run).
 */
function hedgeLatencyBound(stalledRun: StallRun | undefined, clean: StallRun | undefined): Verdict {
  if (!stalledRun || !clean) return notMeasured('the stalled or the no-stall run is missing');
  const delay = stalledRun.hedges?.waitedMaxMs;
  if (delay === undefined || !Number.isFinite(delay)) return notMeasured('no hedge was sent');
  const bound = delay + clean.firstContentP99Ms;
  const detail = `p99 ${fmtMs(stalledRun.firstContentP99Ms)} with stalls; delay ${fmtMs(delay)} (hedges waited p50 ${fmtMs(stalledRun.hedges!.waitedP50Ms)}) + healthy p99 ${fmtMs(clean.firstContentP99Ms)} = ${fmtMs(bound)}`;
  return stalledRun.firstContentP99Ms <= bound
    ? { kind: 'met', detail }
    : { kind: 'missed', detail };
}

/** Issue 28 item 3's goals for each hedged contender (hand-set and automatic delay) that ran. */
export function hedgeGoals(
  runs: readonly StallRun[],
  hedged: ReadonlyArray<string | undefined>,
): StallGoal[] {
  return hedged.flatMap(name => {
    if (name === undefined) return [];
    const stalledRun = runs.find(r => r.contender === name && r.faults === 'stalls');
    const clean = runs.find(r => r.contender === name && r.faults === 'no stalls');
    return [
      {
        goal: `${name}, stalls: extra requests ≤ ${pct(HEDGE_EXTRA_SHARE)} of calls + the stalled attempts`,
        verdict: hedgeCostGoal(stalledRun),
      },
      {
        goal: `${name}, no stalls: extra requests ≤ ${pct(HEDGE_EXTRA_SHARE)} of calls`,
        verdict: hedgeCostGoal(clean),
      },
      {
        goal: `${name}: a stalled call's p99 first content ≤ the hedge delay + the healthy p99`,
        verdict: hedgeLatencyBound(stalledRun, clean),
      },
    ];
  });
}

/** The goals of issue 15 that the stall schedule judges. */
export function stallGoals(
  runs: readonly StallRun[],
  hedged: string | undefined,
  noise: { firstContentP99Ms: number } | undefined,
  hedge?: StallHedge,
): StallGoal[] {
  const stalled = runs.filter(r => r.faults === 'stalls');
  return [
    {
      goal: 'ours recovers every call (whole answer) where a peer fails',
      verdict: successGoal(stalled),
    },
    {
      goal: `ours with hedging: p99 time to first content within ${HEDGE_TTFC_RATIO}× of a no-stall run`,
      verdict: hedgeLatencyGoal(runs, hedged, noise, hedge),
    },
    {
      goal: 'no peer recovering as many calls sends fewer requests than ours with hedging',
      verdict: requestsGoal(stalled, hedged),
    },
    { goal: "no request of ours before a server's Retry-After", verdict: earlyGoal(stalled) },
  ];
}

/** The stall schedule's table: one row per run, the goals as notes. */
export function stallTable(r: {
  seed: number;
  calls: number;
  deadlineMs: number;
  describe: string;
  runs: readonly StallRun[];
  noise: { firstContentP99Ms: number; endP99Ms: number } | undefined;
  hedge?: StallHedge | undefined;
  goals: readonly StallGoal[];
}): Table {
  return {
    title: `2f. Recovery from stalled streams (${r.calls} concurrent streams per contender, seed ${r.seed}, deadline ${r.deadlineMs / 1000} s)`,
    columns: [
      'contender',
      'faults',
      'success',
      'whole answer',
      'requests',
      'early requests',
      'first content p50',
      'first content p99',
      'end p50',
      'end p99',
    ],
    rows: r.runs.map(run => [
      run.contender,
      run.faults === 'stalls'
        ? `${run.stalled.afterHeaders} + ${run.stalled.midStream} stalled`
        : 'none (reference)',
      pct(run.successRate),
      `${run.intact}/${run.calls}${run.altered > 0 ? ` (${run.altered} altered)` : ''}`,
      String(run.requests),
      String(run.earlyRequests),
      fmtMs(run.firstContentP50Ms),
      `${fmtMs(run.firstContentP99Ms)}${run.noContent > 0 ? ` (${run.noContent} none)` : ''}`,
      fmtMs(run.endP50Ms),
      fmtMs(run.endP99Ms),
    ]),
    notes: [
      `(f) ${r.describe} "faults" counts the stalled attempts (after headers + mid-answer) each contender met; "whole answer" = successful calls whose text equals the unstalled answer to the same prompt (read before the runs); "altered" = successes with other text; "first content" is over the calls that got any text ("none" = calls that got none).`,
      r.noise
        ? `(f) Noise floor (the built-in run twice): first content p99 ±${fmtMs(r.noise.firstContentP99Ms)}, end p99 ±${fmtMs(r.noise.endP99Ms)}.`
        : '(f) Noise floor not measured (the budget share of this schedule was spent).',
      ...(r.hedge
        ? [
            `(f) Ours with hedging: hedge.afterMs = ${r.hedge.afterMs} ms, just above the healthy p99 time to first content (${fmtMs(r.hedge.healthy.firstContentP99Ms)} over ${r.hedge.healthy.calls} fault-free calls of the other contenders in this run, warm, at the same concurrency), as a user sets it from their own traffic; the same value for its stalled and no-stall runs.`,
          ]
        : []),
      ...r.goals.map(
        g =>
          `(f) Goal: ${g.goal}: ${verdictCell(g.verdict)}${g.verdict.kind === 'not measured' ? '' : ` (${g.verdict.detail})`}.`,
      ),
    ],
  };
}
