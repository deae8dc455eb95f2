/**
 * Section 2, schedule (g): hedging when the healthy latency drifts (issue 28 item 3). Ours with a
 * hand-set hedge delay (from the healthy p99 before the drift, as a user sets it) and ours with the
 * automatic delay stream the same calls, in waves, under the stall schedule's stalls after headers
 * (p = 0.1 per attempt); half-way through, every response's head comes 3× later. Each contender is
 * one middleware for the whole schedule (warm-up included), as in a long-lived process.
 */
import { oursStreamContender } from '../contenders/ours-stream';
import { hedgeAfterMs, IDLE_MS } from '../contenders/stall-timeouts';
import type { CallFn, Contender } from '../contenders/types';
import { BENCH_API_KEY, type BenchEmulator, startEmulatorProcess } from '../lib/emulator';
import { fixed, fmtMs, pct } from '../lib/format';
import { type CallOutcome, runCall } from '../lib/run-calls';
import { percentile } from '../lib/stats';
import type { Table } from '../lib/table';
import {
  createTrafficFetch,
  type FaultPlan,
  type TrafficLog,
  type WireFault,
} from '../lib/traffic';
import { callId, MAX_PLANNED_ATTEMPTS, MODEL_A, tablePlan } from './schedules';
import { HEDGE_EXTRA_SHARE } from './stall-table';
import { STALL_STREAM } from './stalls';

const STALL_P = 0.1;
/**
 * The stall schedule's streams with a 300 ms head: the drift (to 900 ms) stays well clear of a
 * loaded machine's own spread (a healthy p99 of 0.6 s over a 150 ms head was seen on 2 shared cores).
 */
export const DRIFT_STREAM = { ...STALL_STREAM, firstByteDelayMs: 300 } as const;
/** The second half's heads come this many times later than the first half's. */
const DRIFT = 3;
const DEADLINE_MS = 10_000;
/**
 * The first-content limit of every contender here: far above the drifted head (900 ms), so that the
 * hedge, not this limit, acts on a slow attempt (at the stall schedule's 1 s limit, a loaded machine
 * cut the drifted healthy answers and a hand-set delay near 1 s never fired).
 */
const FIRST_CONTENT_LIMIT_MS = 5_000;

/** One contender's figures over one half of the schedule. */
export type DriftPhase = {
  contender: string;
  phase: 'before' | 'after';
  calls: number;
  successes: number;
  requests: number;
  /** Attempts the plan stalled. */
  stalled: number;
  hedges: number;
  /** How long the hedged attempts had waited (the delay in force): p50 and max. */
  hedgeWaitP50Ms: number;
  hedgeWaitMaxMs: number;
  /** Time to first text of the calls whose first attempt stalled / did not. */
  stalledP99Ms: number;
  healthyP50Ms: number;
  healthyP99Ms: number;
};

export type DriftResult = { afterMs: number; phases: DriftPhase[]; table: Table };

/** Stalls after headers (p = 0.1 per attempt); the second half's calls all get the later head. */
export function driftPlan(seed: number, calls: number): FaultPlan {
  const stalls = tablePlan(seed ^ 0x3d, calls, rng =>
    Array.from({ length: MAX_PLANNED_ATTEMPTS }, (): WireFault | undefined =>
      rng.next() < STALL_P ? { stall: 'after-headers' } : undefined,
    ),
  );
  const later = (DRIFT - 1) * DRIFT_STREAM.firstByteDelayMs;
  return (call, attempt, model) => {
    const stall = stalls(call, attempt, model);
    const index = call.startsWith('call-') ? Number(call.slice(5)) : -1;
    if (index < calls / 2) return stall;
    return { ...stall, firstByteDelayMs: later };
  };
}

/** Runs `ids` through `call`, `concurrency` at a time (waves), each to its end. */
async function inWaves(call: CallFn, ids: string[], concurrency: number): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  for (let i = 0; i < ids.length; i += concurrency) {
    const wave = ids.slice(i, i + concurrency).map(id =>
      runCall(call, {
        callId: id,
        prompt: `Benchmark drift ${id}: tell me about streaming answers.`,
        deadlineMs: DEADLINE_MS,
      }),
    );
    outcomes.push(...(await Promise.all(wave)));
  }
  return outcomes;
}

/** Builds `contender` once over a traffic log of `plan`; warms it with `warmCalls` fault-free calls. */
async function prepared(
  emulator: BenchEmulator,
  contender: Contender,
  plan: FaultPlan,
  warmCalls: number,
  concurrency: number,
) {
  const log: TrafficLog = { attempts: [] };
  const call = contender.build({
    baseURL: emulator.url,
    apiKey: BENCH_API_KEY,
    fetch: createTrafficFetch({ log, plan }),
    modelId: MODEL_A,
    fallbackModelId: undefined,
    deadlineMs: DEADLINE_MS,
  });
  const warm = Array.from({ length: warmCalls }, (_, i) => `warm-${i}`);
  const outcomes = await inWaves(call, warm, concurrency);
  contender.takeHedgeWaits?.();
  return { call, log, warmFirstContent: firstContents(outcomes) };
}

const firstContents = (outcomes: readonly CallOutcome[]) =>
  outcomes.flatMap(o => (o.firstContentMs === undefined ? [] : [o.firstContentMs]));

/** The figures of one half: `outcomes` of `ids`, the attempts `log` holds for them. */
function phaseOf(
  contender: Contender,
  phase: DriftPhase['phase'],
  outcomes: readonly CallOutcome[],
  log: TrafficLog,
): DriftPhase {
  const ids = new Set(outcomes.map(o => o.callId));
  const attempts = log.attempts.filter(a => ids.has(a.call));
  const stalledFirst = new Set(
    attempts.filter(a => a.attempt === 0 && a.injected?.stall).map(a => a.call),
  );
  const waits = contender.takeHedgeWaits?.() ?? [];
  const healthy = firstContents(outcomes.filter(o => !stalledFirst.has(o.callId)));
  return {
    contender: contender.name,
    phase,
    calls: outcomes.length,
    successes: outcomes.filter(o => o.ok).length,
    requests: attempts.length,
    stalled: attempts.filter(a => a.injected?.stall).length,
    hedges: waits.length,
    hedgeWaitP50Ms: percentile(waits, 50),
    hedgeWaitMaxMs: waits.length > 0 ? Math.max(...waits) : Number.NaN,
    stalledP99Ms: percentile(firstContents(outcomes.filter(o => stalledFirst.has(o.callId))), 99),
    healthyP50Ms: percentile(healthy, 50),
    healthyP99Ms: percentile(healthy, 99),
  };
}

/** Runs schedule (g): the hand-set and the automatic delay over the same drifting calls. */
export async function runHedgeDrift(args: {
  seed: number;
  quick: boolean;
  log: (line: string) => void;
}): Promise<DriftResult> {
  const calls = args.quick ? 40 : 200;
  const concurrency = 10;
  const warmCalls = args.quick ? 20 : 40;
  const plan = driftPlan(args.seed, calls);
  const ids = Array.from({ length: calls }, (_, i) => callId(i));
  const halves = [ids.slice(0, calls / 2), ids.slice(calls / 2)] as const;
  const emulator = await startEmulatorProcess({
    models: [{ id: MODEL_A, reasoning: false }],
    stream: DRIFT_STREAM,
  });
  const phases: DriftPhase[] = [];
  let afterMs = 0;
  try {
    // The hand-set delay: just above the healthy p99 of ours without hedging, warm, before the drift.
    const limit = { firstContentTimeoutMs: FIRST_CONTENT_LIMIT_MS };
    const config = `, firstContentTimeoutMs: ${FIRST_CONTENT_LIMIT_MS}, idleTimeoutMs: ${IDLE_MS}, continuation: true`;
    const unhedged = oursStreamContender(
      'ours',
      limit,
      `, firstContentTimeoutMs: ${FIRST_CONTENT_LIMIT_MS}`,
    );
    const plain = await prepared(emulator, unhedged, plan, warmCalls, concurrency);
    const healthy = firstContents(
      await inWaves(
        plain.call,
        halves[0].map(id => `healthy-${id}`),
        concurrency,
      ),
    );
    afterMs = hedgeAfterMs({ firstContentP99Ms: percentile(healthy, 99), calls: healthy.length });
    args.log(
      `  (g) healthy first content p99 ${fmtMs(percentile(healthy, 99))}: hand-set afterMs ${afterMs} ms`,
    );
    const base = { ...limit, idleTimeoutMs: IDLE_MS, continuation: true } as const;
    const contenders = [
      oursStreamContender(
        'ours + continuation + hedging (hand-set)',
        { ...base, hedge: { afterMs } },
        `${config}, hedge: { afterMs: ${afterMs} }`,
        { keep: true },
      ),
      oursStreamContender(
        'ours + continuation + auto hedging',
        { ...base, hedge: true },
        `${config}, hedge: true`,
        { keep: true },
      ),
    ];
    for (const contender of contenders) {
      const { call, log } = await prepared(emulator, contender, plan, warmCalls, concurrency);
      for (const [i, half] of halves.entries()) {
        const outcomes = await inWaves(call, [...half], concurrency);
        const phase = phaseOf(contender, i === 0 ? 'before' : 'after', outcomes, log);
        args.log(
          `  (g) ${phase.contender}, ${phase.phase} the drift: ${phase.requests} requests for ${phase.calls} calls (${phase.stalled} stalled, ${phase.hedges} hedges after ${fmtMs(phase.hedgeWaitP50Ms)}), first content p99 ${fmtMs(phase.healthyP99Ms)} healthy / ${fmtMs(phase.stalledP99Ms)} stalled`,
        );
        phases.push(phase);
      }
    }
  } finally {
    await emulator.close();
  }
  return { afterMs, phases, table: driftTable(args.seed, calls, concurrency, afterMs, phases) };
}

/** The drift schedule's table: one row per contender and half. */
export function driftTable(
  seed: number,
  calls: number,
  concurrency: number,
  afterMs: number,
  phases: readonly DriftPhase[],
): Table {
  const head = DRIFT_STREAM.firstByteDelayMs;
  return {
    title: `2g. Hedging when the healthy latency drifts (${calls} streams in waves of ${concurrency}, seed ${seed})`,
    columns: [
      'contender',
      'half',
      'success',
      'requests',
      'extra',
      'allowed',
      'hedges (waited p50 / max)',
      'healthy first content p50 / p99',
      'stalled first content p99',
      'bound: max wait + healthy p99',
    ],
    rows: phases.map(p => {
      const extra = p.requests - p.calls;
      return [
        p.contender,
        `${p.phase} (head ${p.phase === 'before' ? head : DRIFT * head} ms)`,
        pct(p.successes / p.calls),
        String(p.requests),
        `${extra} (${pct(extra / p.calls)})`,
        `${fixed(HEDGE_EXTRA_SHARE * p.calls + p.stalled, 0)} (${p.stalled} stalled)`,
        `${p.hedges} (${fmtMs(p.hedgeWaitP50Ms)} / ${fmtMs(p.hedgeWaitMaxMs)})`,
        `${fmtMs(p.healthyP50Ms)} / ${fmtMs(p.healthyP99Ms)}`,
        fmtMs(p.stalledP99Ms),
        fmtMs(p.hedgeWaitMaxMs + p.healthyP99Ms),
      ];
    }),
    notes: [
      `(g) ${calls} streams of ${DRIFT_STREAM.chunks} text deltas in waves of ${concurrency}; each attempt stalls after its headers with p = ${STALL_P} (seeded per (call, attempt), the same for both); the first half's heads come after ${head} ms, the second half's after ${DRIFT * head} ms. Each contender is one middleware for the whole schedule, warmed by fault-free calls before the first half; every contender's first-content limit is ${FIRST_CONTENT_LIMIT_MS / 1000} s, so the hedge acts first.`,
      `(g) Hand-set: hedge.afterMs = ${afterMs} ms, just above the healthy p99 time to first content before the drift (ours without hedging, warm). Auto: hedge: true (the 98th percentile of the model's last 100 times to first content, at least 1.5× their median and 50 ms).`,
      `(g) "extra" = requests beyond one per call; "allowed" = ${pct(HEDGE_EXTRA_SHARE)} of the calls + the stalled attempts (issue 28 item 3); "healthy"/"stalled" = calls whose first attempt did not / did stall; the bound is issue 28's: a stalled call's p99 first content ≤ the delay + the healthy p99.`,
    ],
  };
}
