/**
 * Section 1's tracing rows: what `alayaMiddleware({ telemetry: alayaOpenTelemetry() })` costs per
 * call against the same middleware without telemetry, with the `@opentelemetry/api` default (no
 * provider registered: a no-op tracer and meter) and with spans recorded by an in-memory exporter.
 * Four models run call by call in every round (off, no-op, in-memory, and a second untraced model,
 * the A/A control), so all figures come from the same rounds.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { AlayaMiddlewareOptions } from '@alaya-code/ai-sdk-middleware';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { wrapLanguageModel } from 'ai';
import { collectGarbage } from '../lib/gc';
import type { Cost } from '../lib/measure';
import type { Phase } from '../lib/phases';
import { type Spread, spread, trimmedMean } from '../lib/stats';
import { oneCall, type PairStats } from './overhead-measure';

/** The models of the tracing rows, all `alaya(id)` + `alayaMiddleware()` on the same emulator. */
export type TracingModels = {
  /** No `telemetry` option. */
  off: LanguageModelV4;
  /** `telemetry: alayaOpenTelemetry()` with no tracer or meter provider registered. */
  noop: LanguageModelV4;
  /** `telemetry: alayaOpenTelemetry({ tracer })`, the tracer's spans kept by an in-memory exporter. */
  memory: LanguageModelV4;
  /** A second untraced model: the A/A control. */
  twin: LanguageModelV4;
  /** The in-memory exporter of `memory`, reset every round. */
  exporter: InMemorySpanExporter;
};

/** The tracing figures: both traced models and the control against the untraced one. */
export type TracingStats = {
  rounds: number;
  callsPerRound: number;
  offCallsPerSec: Spread;
  noopCallsPerSec: Spread;
  memoryCallsPerSec: Spread;
  offCpuMsPerCall: Spread;
  noopCpuMsPerCall: Spread;
  memoryCpuMsPerCall: Spread;
  noop: PairStats;
  memory: PairStats;
  control: PairStats;
  /** Spans the in-memory exporter received per call (1 attempt span per successful call). */
  spansPerCall: number;
  /** Whether the default tracer recorded anything (it must not: that is what "no-op" means). */
  noopRecords: boolean;
  /** Why the rows have no figures, when they have none. */
  stopped?: string;
};

/** Makes one model of the tracing rows: ours with these middleware options. */
export type MakeModel = (options: AlayaMiddlewareOptions) => LanguageModelV4;

/** The four models, from the built `/otel` entry (so a missing build is reported, not thrown). */
export async function tracingModels(make: MakeModel): Promise<TracingModels> {
  const { alayaOpenTelemetry } = await import('@alaya-code/ai-sdk-middleware/otel');
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('bench');
  return {
    off: make({}),
    noop: make({ telemetry: alayaOpenTelemetry() }),
    memory: make({ telemetry: alayaOpenTelemetry({ tracer }) }),
    twin: make({}),
    exporter,
  };
}

/** Ours over HTTP: `alaya(id)` + `alayaMiddleware(options)` against the emulator. */
export async function overHttp(
  baseURL: string,
  apiKey: string,
  modelId: string,
): Promise<MakeModel> {
  const { oursModel } = await import('../contenders/ours-model');
  return options => oursModel({ baseURL, apiKey }, modelId, options);
}

/**
 * Ours without I/O: `alayaMiddleware(options)` around a model that answers at once, so the figures
 * are the middleware's and the tracer's own cost, with none of the HTTP noise.
 */
export async function withoutIo(): Promise<MakeModel> {
  const { alayaMiddleware } = await import('@alaya-code/ai-sdk-middleware');
  const { MockLanguageModelV4 } = await import('ai/test');
  const answer = {
    content: [{ type: 'text' as const, text: 'Hello!' }],
    finishReason: { unified: 'stop' as const, raw: 'stop' },
    usage: {
      inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 2, text: 2, reasoning: 0 },
    },
    warnings: [],
  };
  return options =>
    wrapLanguageModel({
      model: new MockLanguageModelV4({ doGenerate: async () => answer }),
      middleware: alayaMiddleware(options),
    });
}

/**
 * Iteration `i`'s order of the four models: a balanced Latin square (row `r` = r, r+1, r+3, r+2 mod
 * 4), so every model takes every position, and follows every other model, equally often: the garbage
 * of the in-memory model's spans is not always collected on the same neighbour's time.
 */
export function tracingOrder(i: number): number[] {
  const r = i % 4;
  return [0, 1, 3, 2].map(k => (r + k) % 4);
}

/** Empty figures with the reason, for a row that could not be measured. */
export function unmeasuredTracing(callsPerRound: number, why: string): TracingStats {
  const none = spread([]);
  const pair: PairStats = { ratio: none, addedMs: none, addedCpuMs: none };
  return {
    rounds: 0,
    callsPerRound,
    offCallsPerSec: none,
    noopCallsPerSec: none,
    memoryCallsPerSec: none,
    offCpuMsPerCall: none,
    noopCpuMsPerCall: none,
    memoryCpuMsPerCall: none,
    noop: pair,
    memory: pair,
    control: pair,
    spansPerCall: Number.NaN,
    noopRecords: false,
    stopped: why,
  };
}

/**
 * Rounds of `callsPerRound` iterations; each iteration calls the four models once in the order of
 * {@link tracingOrder}. Per round: 10 %-trimmed mean wall and client CPU per call of each model.
 */
export async function compareTracing(
  models: TracingModels,
  phase: Phase,
  limits: { min: number; max: number; callsPerRound: number },
): Promise<TracingStats> {
  const list = [models.off, models.noop, models.memory, models.twin];
  const ms: number[][] = [[], [], [], []];
  const cpu: number[][] = [[], [], [], []];
  let spans = 0;
  const rounds = await phase.rounds(limits, async () => {
    models.exporter.reset();
    collectGarbage();
    const costs: Cost[][] = [[], [], [], []];
    for (let i = 0; i < limits.callsPerRound; i++) {
      for (const m of tracingOrder(i)) costs[m]!.push(await oneCall(list[m]!));
    }
    spans += models.exporter.getFinishedSpans().length;
    costs.forEach((c, m) => {
      ms[m]!.push(trimmedMean(c.map(x => x.wallMs)));
      cpu[m]!.push(trimmedMean(c.map(x => x.cpuMs)));
    });
  });
  models.exporter.reset();
  const probe = trace.getTracer('bench-probe').startSpan('probe');
  const noopRecords = probe.isRecording();
  probe.end();
  // The traced models against the mean of both untraced ones; the control is the twin vs off.
  const baseMs = ms[0]!.map((off, r) => (off + ms[3]![r]!) / 2);
  const baseCpu = cpu[0]!.map((off, r) => (off + cpu[3]![r]!) / 2);
  const against = (m: number, wall: number[], cpuBase: number[]): PairStats => ({
    ratio: spread(wall.map((base, r) => base / ms[m]![r]!)),
    addedMs: spread(ms[m]!.map((x, r) => x - wall[r]!)),
    addedCpuMs: spread(cpu[m]!.map((x, r) => x - cpuBase[r]!)),
  });
  const perSec = (m: number) => spread(ms[m]!.map(x => 1000 / x));
  return {
    rounds,
    callsPerRound: limits.callsPerRound,
    offCallsPerSec: perSec(0),
    noopCallsPerSec: perSec(1),
    memoryCallsPerSec: perSec(2),
    offCpuMsPerCall: spread(cpu[0]!),
    noopCpuMsPerCall: spread(cpu[1]!),
    memoryCpuMsPerCall: spread(cpu[2]!),
    noop: against(1, baseMs, baseCpu),
    memory: against(2, baseMs, baseCpu),
    control: against(3, ms[0]!, cpu[0]!),
    spansPerCall: rounds > 0 ? spans / (rounds * limits.callsPerRound) : Number.NaN,
    noopRecords,
  };
}
