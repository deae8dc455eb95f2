/**
 * Section 2, schedule (f): stalled streams (issue 15). Every contender streams the same 60
 * concurrent answers under the same seeded stalls: each attempt independently stalls right after its
 * headers with p = 0.1, or mid-answer (after a seeded number of SSE events) with p = 0.1. A stalled
 * response sends nothing more and keeps its connection open, so only a time limit ends it.
 */
import { hedgeAfterMs } from '../contenders/stall-timeouts';
import type { Contender, HealthyFigures } from '../contenders/types';
import { startEmulatorProcess } from '../lib/emulator';
import { fmtMs } from '../lib/format';
import type { Table } from '../lib/table';
import type { FaultPlan, WireFault } from '../lib/traffic';
import { MAX_PLANNED_ATTEMPTS, MODEL_A, MODEL_B, tablePlan } from './schedules';
import { referenceAnswers, runOne, type StallRun } from './stall-run';
import { hedgeGoals, stallGoals, stallTable } from './stall-table';
import { type WarmedUp, warmUpStallContenders } from './stall-warm-up';

/** Content deltas of every answer, and the emulator's delay between SSE events / before the head. */
export const STALL_STREAM = { chunks: 30, chunkDelayMs: 10, firstByteDelayMs: 150 } as const;
const STALL_P = { afterHeaders: 0.1, midStream: 0.1 } as const;

/** What the stall schedule returns. */
export type StallResult = {
  seed: number;
  describe: string;
  contenders: Array<{ name: string; config: string }>;
  /** The fault-free warm-up figures the tuned contenders (ours with hedging) were configured from. */
  healthy: HealthyFigures | undefined;
  runs: StallRun[];
  /** The baseline's p50/p99 shift when run twice (run-to-run noise), when the budget allowed. */
  noise?: { firstContentP99Ms: number; endP99Ms: number };
  table: Table;
};

/** The seeded stall of attempt `attempt` of every call: a pure function of (call, attempt). */
export function stallPlan(seed: number, calls: number): FaultPlan {
  return tablePlan(seed ^ 0xf, calls, rng =>
    Array.from({ length: MAX_PLANNED_ATTEMPTS }, (): WireFault | undefined => {
      const r = rng.next();
      // The role event counts: 3 events = the role and two text deltas, so text has flowed.
      const afterChunks = rng.int(3, STALL_STREAM.chunks - 2);
      if (r < STALL_P.afterHeaders) return { stall: 'after-headers' };
      if (r < STALL_P.afterHeaders + STALL_P.midStream) return { stall: 'mid-stream', afterChunks };
      return undefined;
    }),
  );
}

/** Runs the stall schedule against every contender, then the reference and noise runs. */
export async function runStallSchedule(args: {
  seed: number;
  quick: boolean;
  log: (line: string) => void;
  /** What this schedule may spend; every contender runs once whatever it says. */
  shareMs: number;
  contenders: readonly Contender[];
  /** Run twice for the noise floor. */
  baseline: Contender;
  /** Ours with hedging, when the build has it: also run without stalls (its goal's reference). */
  hedged: Contender | undefined;
  /** Ours with the automatic hedge delay, when the build has it: also run without stalls. */
  autoHedged?: Contender | undefined;
}): Promise<StallResult> {
  const { seed, log } = args;
  const calls = args.quick ? 12 : 60;
  const deadlineMs = 10_000;
  const started = performance.now();
  const emulator = await startEmulatorProcess({
    models: [
      { id: MODEL_A, reasoning: false },
      { id: MODEL_B, reasoning: false },
    ],
    stream: STALL_STREAM,
  });
  const runs: StallRun[] = [];
  let noise: StallResult['noise'];
  let warm: WarmedUp = {
    contenders: [...args.contenders],
    hedged: args.hedged,
    healthy: undefined,
  };
  try {
    const reference = await referenceAnswers(emulator, calls, deadlineMs);
    warm = await warmUpStallContenders({
      contenders: args.contenders,
      hedged: args.hedged,
      log,
      runClean: async contender =>
        (await runOne(emulator, contender, undefined, reference, calls, deadlineMs)).outcomes,
    });
    const { contenders, hedged } = warm;
    const autoHedged = contenders.find(c => c.name === args.autoHedged?.name);
    const plan = stallPlan(seed, calls);
    const offset = seed % contenders.length;
    const order = contenders.map((_, i) => contenders[(i + offset) % contenders.length]!);
    for (const contender of order) {
      const { run } = await runOne(emulator, contender, plan, reference, calls, deadlineMs);
      log(
        `  (f) ${run.contender}: ${run.successes}/${run.calls} ok, ${run.intact} intact, ${run.requests} requests, first content p99 ${fmtMs(run.firstContentP99Ms)}, end p99 ${fmtMs(run.endP99Ms)}`,
      );
      if (run.serverRequests !== run.requests) {
        log(
          `  (f) ${run.contender}: client saw ${run.requests} requests, emulator logged ${run.serverRequests}`,
        );
      }
      runs.push(run);
      if (contender === hedged || contender === autoHedged) {
        // Its goal's reference, right after it: the machine's load drifts less between the two.
        const { run: clean } = await runOne(
          emulator,
          contender,
          undefined,
          reference,
          calls,
          deadlineMs,
        );
        log(
          `  (f) ${clean.contender} without stalls: ${clean.requests} requests, first content p99 ${fmtMs(clean.firstContentP99Ms)}`,
        );
        runs.push(clean);
      }
    }
    const first = runs.find(r => r.contender === args.baseline.name && r.faults === 'stalls');
    const spent = performance.now() - started;
    if (first && spent + first.wallMs <= args.shareMs) {
      const { run: again } = await runOne(
        emulator,
        args.baseline,
        plan,
        reference,
        calls,
        deadlineMs,
      );
      noise = {
        firstContentP99Ms: Math.abs(again.firstContentP99Ms - first.firstContentP99Ms),
        endP99Ms: Math.abs(again.endP99Ms - first.endP99Ms),
      };
    } else {
      log("  (f) noise floor not measured: the schedule's budget share is spent");
    }
  } finally {
    await emulator.close();
  }
  const { contenders, hedged, healthy } = warm;
  const hedge = hedged && healthy ? { afterMs: hedgeAfterMs(healthy), healthy } : undefined;
  const rank = (name: string) => contenders.findIndex(c => c.name === name);
  runs.sort((x, y) =>
    x.faults === y.faults ? rank(x.contender) - rank(y.contender) : x.faults === 'stalls' ? -1 : 1,
  );
  const describe = `${calls} concurrent streams of ${STALL_STREAM.chunks} text deltas (${STALL_STREAM.firstByteDelayMs} ms to the head, ${STALL_STREAM.chunkDelayMs} ms between events; no reasoning); each attempt stalls after its headers with p = ${STALL_P.afterHeaders} or mid-answer (after 3–${STALL_STREAM.chunks - 2} events) with p = ${STALL_P.midStream}, drawn per (call, attempt) from the seed, so every contender meets the same stalls; a stalled response sends nothing more and keeps the connection open.`;
  return {
    seed,
    describe,
    contenders: contenders.map(c => ({ name: c.name, config: c.config })),
    healthy,
    runs,
    ...(noise ? { noise } : {}),
    table: stallTable({
      seed,
      calls,
      deadlineMs,
      describe,
      runs,
      noise,
      hedge,
      goals: [
        ...stallGoals(runs, hedged?.name, noise, hedge),
        ...hedgeGoals(runs, [hedged?.name, args.autoHedged?.name]),
      ],
    }),
  };
}
