/**
 * Section 1: the overhead of ours (`alaya(id)` + `alayaMiddleware()`) against a raw
 * `createOpenAICompatible` model on a fault-free loopback emulator, with an A/A control (a second raw
 * model) measured in the same rounds, and the cost of tracing (`alayaOpenTelemetry()`, no-op and
 * in-memory) against ours without it. The budget is split between the phases (calls, tracing over
 * HTTP and without I/O, streams, memory) so that every row gets its rounds, whatever the machine's speed.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { rawModel } from '../contenders/raw-model';
import { BENCH_API_KEY, startEmulatorProcess } from '../lib/emulator';
import { createPhases, type Phase } from '../lib/phases';
import type { SectionArgs } from '../lib/section';
import type { Table } from '../lib/table';
import { compareCpu, cpuQuartet, generateOnce, readAnswer, type StreamPath } from './overhead-cpu';
import type { CpuResult } from './overhead-cpu-table';
import {
  type CallStats,
  compareCalls,
  compareStreams,
  oneCall,
  oneStream,
  type StreamStats,
  type Trio,
} from './overhead-measure';
import { compareMemory, type MemoryComparison } from './overhead-memory';
import { overheadTable } from './overhead-table';
import {
  compareTracing,
  type MakeModel,
  overHttp,
  type TracingStats,
  tracingModels,
  unmeasuredTracing,
  withoutIo,
} from './overhead-tracing';
import type { TracingResult } from './overhead-tracing-table';
import { MODEL_A } from './schedules';

/** What the overhead section returns. */
export type OverheadResult = {
  nonStreaming: CallStats & { targetAddedMs: number };
  /** Ours with `alayaOpenTelemetry()` (no-op provider, in-memory exporter) against ours without. */
  tracing: TracingResult;
  streaming: StreamStats & { target: number };
  /** Client CPU per part and per call around an in-memory model (no network in the measurement). */
  cpu: CpuResult;
  memory: {
    chunks: number;
    /** Through `streamText` (what apps do; the SDK itself accumulates the text and parts). */
    streamText: MemoryComparison;
    /** Through `model.doStream()` only: the provider + middleware path alone. */
    doStream: MemoryComparison;
  };
  /** How the budget was split (ms per phase, taken when each phase started). */
  phaseShareMs: Record<string, number>;
  table: Table;
};

/** Relative time each phase gets of what is left of the budget when it starts. */
const WEIGHTS = {
  calls: 2,
  tracingHttp: 2,
  tracingNoIo: 1,
  streams: 3,
  cpuStreamText: 3,
  cpuDoStream: 1,
  cpuGenerate: 1,
  memoryStreamText: 2,
  memoryDoStream: 2,
} as const;

async function loadOurs(): Promise<(baseURL: string) => LanguageModelV4> {
  try {
    const { oursModel } = await import('../contenders/ours-model');
    return baseURL => oursModel({ baseURL, apiKey: BENCH_API_KEY }, MODEL_A);
  } catch (error) {
    throw new Error(
      `ours is not available (${error instanceof Error ? error.message : String(error)}): build @alaya-code/ai-sdk-provider and -middleware`,
    );
  }
}

export async function runOverhead(args: SectionArgs): Promise<OverheadResult> {
  const { quick, budget, log } = args;
  const ours = await loadOurs();
  const emulator = await startEmulatorProcess();
  try {
    const raw = (url: string) => rawModel({ baseURL: url, apiKey: BENCH_API_KEY }, MODEL_A);
    const trio: Trio = {
      raw: raw(emulator.url),
      ours: ours(emulator.url),
      twin: raw(emulator.url),
    };
    const phase = createPhases(budget, WEIGHTS);
    const shares: Record<string, number> = {};

    // Warm-up (JIT, sockets) counts as part of the calls phase.
    const calls = phase('calls');
    shares.calls = calls.shareMs;
    for (let i = 0; i < (quick ? 100 : 1000); i++) {
      for (const model of [trio.raw, trio.ours, trio.twin]) await oneCall(model);
    }
    const nonStreaming = await compareCalls(trio, calls, {
      min: 2,
      max: quick ? 3 : 12,
      callsPerRound: quick ? 96 : 300,
    });
    log(
      `  non-streaming: ${nonStreaming.rounds} rounds of ${nonStreaming.callsPerRound} calls each (ours and A/A control in the same rounds)`,
    );

    const tracingHttpPhase = phase('tracingHttp');
    shares.tracingHttp = tracingHttpPhase.shareMs;
    const tracingHttp = await measureTracing(
      () => overHttp(emulator.url, BENCH_API_KEY, MODEL_A),
      tracingHttpPhase,
      { min: 2, max: quick ? 3 : 12, callsPerRound: quick ? 96 : 300, warmUp: quick ? 100 : 500 },
    );
    const tracingLocalPhase = phase('tracingNoIo');
    shares.tracingNoIo = tracingLocalPhase.shareMs;
    const tracingNoIo = await measureTracing(withoutIo, tracingLocalPhase, {
      min: 2,
      max: quick ? 3 : 12,
      callsPerRound: quick ? 500 : 2000,
      warmUp: quick ? 500 : 2000,
    });
    for (const [label, t] of [
      ['over HTTP', tracingHttp],
      ['without I/O', tracingNoIo],
    ] as const) {
      log(
        `  tracing ${label}: ${t.rounds} rounds of ${t.callsPerRound} calls each (off, no-op, in-memory, A/A twin)${t.stopped ? `; not measured: ${t.stopped}` : ''}`,
      );
    }

    const chunks = 10_000;
    const streams = phase('streams');
    shares.streams = streams.shareMs;
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      for (const model of [trio.raw, trio.ours, trio.twin]) await oneStream(model, chunks);
    }
    const streaming = await compareStreams(trio, streams, { min: 2, max: quick ? 3 : 12, chunks });
    log(`  streaming: ${streaming.rounds} rounds of 6 streams (raw, ours, A/A twin twice each)`);

    const cpu = await measureCpu(phase, shares, quick, args.seed);
    log(
      `  CPU time, in-memory model: ${cpu.streamText.blocks} + ${cpu.doStream.blocks} + ${cpu.generate.blocks} blocks (streamText, doStream, generateText)`,
    );

    const memChunks = 100_000;
    const memory = { min: 1, max: quick ? 1 : 3, chunks: memChunks };
    const viaStreamTextPhase = phase('memoryStreamText');
    shares.memoryStreamText = viaStreamTextPhase.shareMs;
    const viaStreamText = await compareMemory(
      emulator.url,
      'streamText',
      viaStreamTextPhase,
      memory,
    );
    const viaDoStreamPhase = phase('memoryDoStream');
    shares.memoryDoStream = viaDoStreamPhase.shareMs;
    const viaDoStream = await compareMemory(emulator.url, 'doStream', viaDoStreamPhase, memory);
    log(`  memory: ${viaStreamText.runs} + ${viaDoStream.runs} paired fresh-process runs`);

    const result: Omit<OverheadResult, 'table'> = {
      nonStreaming: { ...nonStreaming, targetAddedMs: 0.1 },
      tracing: { http: tracingHttp, noIo: tracingNoIo },
      streaming: { ...streaming, target: 0.97 },
      cpu,
      memory: { chunks: memChunks, streamText: viaStreamText, doStream: viaDoStream },
      phaseShareMs: shares,
    };
    return { ...result, table: overheadTable(result) };
  } finally {
    await emulator.close();
  }
}

/** The tracing rows' figures, or empty ones saying why (e.g. the `/otel` entry is not built). */
async function measureTracing(
  make: () => Promise<MakeModel>,
  phase: Phase,
  limits: { min: number; max: number; callsPerRound: number; warmUp: number },
): Promise<TracingStats> {
  try {
    const models = await tracingModels(await make());
    for (let i = 0; i < limits.warmUp; i++) {
      for (const model of [models.off, models.noop, models.memory, models.twin])
        await oneCall(model);
    }
    return await compareTracing(models, phase, limits);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return unmeasuredTracing(limits.callsPerRound, why);
  }
}

/** Parts per stream of the CPU-time rows: a run of a few ms, so most runs fit in one time slice. */
const CPU_CHUNKS = 500;
/** `generateText` calls per CPU-time sample. */
const CPU_CALLS = 20;
/** A full GC every this many blocks (outside the timed runs), so old-generation garbage cannot pile up on one model. */
const GC_EVERY = 50;

/** The CPU-time rows: streaming through `streamText` and `doStream()`, and `generateText`, each with its A/A control. */
async function measureCpu(
  phase: (name: 'cpuStreamText' | 'cpuDoStream' | 'cpuGenerate') => Phase,
  shares: Record<string, number>,
  quick: boolean,
  seed: number,
): Promise<CpuResult> {
  const models = await cpuQuartet(CPU_CHUNKS);
  const stream = async (name: 'cpuStreamText' | 'cpuDoStream', path: StreamPath) => {
    for (let i = 0; i < (quick ? 3 : 20); i++)
      for (const model of models) await readAnswer(model, path);
    const p = phase(name);
    shares[name] = p.shareMs;
    const limits = { min: quick ? 20 : 300, max: quick ? 40 : 4000, gcEvery: GC_EVERY, seed };
    const stats = await compareCpu(models, p, limits, model => readAnswer(model, path));
    return { ...stats, chunks: CPU_CHUNKS };
  };
  const streamText = await stream('cpuStreamText', 'streamText');
  const doStream = await stream('cpuDoStream', 'doStream');
  for (let i = 0; i < (quick ? 50 : 500); i++)
    for (const model of models) await generateOnce(model);
  const p = phase('cpuGenerate');
  shares.cpuGenerate = p.shareMs;
  const generate = await compareCpu(
    models,
    p,
    { min: quick ? 20 : 300, max: quick ? 40 : 4000, gcEvery: GC_EVERY, seed },
    async model => {
      for (let i = 0; i < CPU_CALLS; i++) await generateOnce(model);
      return CPU_CALLS;
    },
  );
  return { streamText, doStream, generate: { ...generate, calls: CPU_CALLS } };
}
