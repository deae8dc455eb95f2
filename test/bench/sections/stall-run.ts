/**
 * One run of the stall schedule: a contender's concurrent streams under a fault plan (or none), with
 * the figures the table reports; and the unstalled answers every run is compared with.
 */
import { streamText } from 'ai';
import { rawModel } from '../contenders/raw-model';
import type { Contender } from '../contenders/types';
import { sleep } from '../lib/budget';
import { BENCH_API_KEY, type BenchEmulator } from '../lib/emulator';
import { collectGarbage } from '../lib/gc';
import { readFullStream } from '../lib/read-stream';
import { type CallOutcome, countErrors, runCall } from '../lib/run-calls';
import { percentile } from '../lib/stats';
import {
  CALL_HEADER,
  countEarlyRetries,
  createTrafficFetch,
  type FaultPlan,
  type TrafficLog,
} from '../lib/traffic';
import { callId, MODEL_A } from './schedules';

/** One contender's run of the stall schedule. */
export type StallRun = {
  contender: string;
  /** `stalls` (the schedule) or `no stalls` (the reference run of ours with hedging). */
  faults: 'stalls' | 'no stalls';
  calls: number;
  successes: number;
  successRate: number;
  /** Successful calls whose text equals the unstalled answer to the same prompt. */
  intact: number;
  /** Successful calls whose text differs from it (a silent truncation or a splice gone wrong). */
  altered: number;
  requests: number;
  serverRequests: number;
  earlyRequests: number;
  /** Time to first text, over the calls that got any. */
  firstContentP50Ms: number;
  firstContentP99Ms: number;
  /** Calls that got no text at all. */
  noContent: number;
  /** Time to the call's end (success or error), over all calls. */
  endP50Ms: number;
  endP99Ms: number;
  /** Attempts the plan stalled: after headers / mid-answer. */
  stalled: { afterHeaders: number; midStream: number };
  errors: Record<string, number>;
  wallMs: number;
  /** Ours with hedging: the hedges it sent and how long their first attempts had waited. */
  hedges?: { count: number; waitedP50Ms: number; waitedMaxMs: number };
};

/** Runs `calls` concurrent streams of `contender` under `plan` (none: fault-free). */
export async function runOne(
  emulator: BenchEmulator,
  contender: Contender,
  plan: FaultPlan | undefined,
  reference: ReadonlyMap<string, string>,
  calls: number,
  deadlineMs: number,
): Promise<{ run: StallRun; outcomes: CallOutcome[] }> {
  const log: TrafficLog = { attempts: [] };
  const call = contender.build({
    baseURL: emulator.url,
    apiKey: BENCH_API_KEY,
    fetch: createTrafficFetch({ log, plan }),
    modelId: MODEL_A,
    fallbackModelId: undefined,
    deadlineMs,
  });
  collectGarbage();
  const loggedBefore = (await emulator.loggedStatuses()).length;
  const start = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: calls }, (_, i) =>
      runCall(call, { callId: callId(i), prompt: promptOf(i), deadlineMs, keepText: true }),
    ),
  );
  const wallMs = performance.now() - start;
  await sleep(50);
  const serverRequests = (await emulator.loggedStatuses()).length - loggedBefore;
  const ok = outcomes.filter(o => o.ok);
  const intact = ok.filter(o => o.text === reference.get(o.callId)).length;
  const firstContent = outcomes.flatMap(o =>
    o.firstContentMs === undefined ? [] : [o.firstContentMs],
  );
  const ends = outcomes.map(o => o.ms);
  const waits = contender.takeHedgeWaits?.();
  const run: StallRun = {
    contender: contender.name,
    faults: plan ? 'stalls' : 'no stalls',
    calls,
    successes: ok.length,
    successRate: ok.length / calls,
    intact,
    altered: ok.length - intact,
    requests: log.attempts.length,
    serverRequests,
    earlyRequests: countEarlyRetries(log.attempts),
    firstContentP50Ms: percentile(firstContent, 50),
    firstContentP99Ms: percentile(firstContent, 99),
    noContent: calls - firstContent.length,
    endP50Ms: percentile(ends, 50),
    endP99Ms: percentile(ends, 99),
    stalled: {
      afterHeaders: log.attempts.filter(a => a.injected?.stall === 'after-headers').length,
      midStream: log.attempts.filter(a => a.injected?.stall === 'mid-stream').length,
    },
    errors: countErrors(outcomes),
    wallMs,
    ...(waits === undefined
      ? {}
      : {
          hedges: {
            count: waits.length,
            waitedP50Ms: percentile(waits, 50),
            waitedMaxMs: waits.length > 0 ? Math.max(...waits) : Number.NaN,
          },
        }),
  };
  return { run, outcomes };
}

/** The prompt of logical call `index` (each call asks something else, so answers differ). */
function promptOf(index: number): string {
  return `Benchmark stream ${index}: tell me about streaming answers.`;
}

/** A plain stream of the raw model, no time limits: reads the answers without faults. */
const plainReader: Contender = {
  name: 'plain streamText',
  config: 'streamText over createOpenAICompatible, no time limits',
  canFallBack: false,
  build(env) {
    const model = rawModel(env, env.modelId);
    return ({ callId, prompt, abortSignal, onContent }) =>
      readFullStream(
        streamText({
          model,
          prompt,
          abortSignal,
          headers: { [CALL_HEADER]: callId },
          onError: () => {},
        }).fullStream,
        onContent,
      );
  },
};

/** The answer every call gets without faults (a plain stream of the raw model). */
export async function referenceAnswers(
  emulator: BenchEmulator,
  calls: number,
  deadlineMs: number,
): Promise<Map<string, string>> {
  const { outcomes } = await runOne(emulator, plainReader, undefined, new Map(), calls, deadlineMs);
  const failed = outcomes.filter(o => !o.ok);
  if (failed.length > 0) {
    throw new Error(
      `reference answers: ${failed.length} fault-free streams failed (${failed[0]?.error})`,
    );
  }
  return new Map(outcomes.map(o => [o.callId, o.text ?? '']));
}
