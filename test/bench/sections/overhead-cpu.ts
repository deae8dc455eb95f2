/**
 * Section 1's CPU-time rows: what the middleware costs per stream part and per call with no network
 * in the measurement. The model is a pure in-memory one (a `ReadableStream` of text deltas, an
 * answer that is ready at once), so the only work in the process is the AI SDK's, the middleware's
 * and the model's own; and the figure is client CPU time (`process.cpuUsage()`), which a process
 * that is preempted by its neighbours does not accumulate, unlike wall time. Four models run in
 * every round in a balanced Latin-square order (raw, ours, ours with `idleTimeoutMs`, a second raw:
 * the A/A control), each after a forced GC, and every figure is a per-round ratio to raw, so the
 * control is measured in the very rounds that judge ours.
 */
import type {
  LanguageModelV4,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
} from '@ai-sdk/provider';
import type { AlayaMiddlewareOptions } from '@alaya-code/ai-sdk-middleware';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { collectGarbage } from '../lib/gc';
import { cpuMs } from '../lib/measure';
import type { Phase } from '../lib/phases';
import { createRng, type Rng } from '../lib/rng';
import { type MedianInterval, medianInterval } from '../lib/stats';

/** The idle timeout of the "idle timeout on" model: long enough never to fire, so only its cost is measured. */
export const IDLE_TIMEOUT_MS = 30_000;

const USAGE = {
  inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 2, text: 2, reasoning: 0 },
};

const ANSWER: LanguageModelV4GenerateResult = {
  content: [{ type: 'text', text: 'Hello!' }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: USAGE,
  warnings: [],
};

/**
 * The parts of a `chunks`-delta answer, in the order a provider sends them. Built once per model, so
 * the model itself allocates nothing per part: its cost is the stream's, which every model pays alike.
 */
function answerParts(chunks: number): LanguageModelV4StreamPart[] {
  const parts: LanguageModelV4StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'bench', modelId: 'bench', timestamp: new Date(0) },
    { type: 'text-start', id: 't' },
  ];
  for (let i = 0; i < chunks; i++) parts.push({ type: 'text-delta', id: 't', delta: 'a' });
  parts.push(
    { type: 'text-end', id: 't' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE },
  );
  return parts;
}

/**
 * A model without I/O: `doGenerate` answers at once; `doStream` gives a `chunks`-delta answer, one
 * part per pull (as a provider's parsing transform enqueues them), from memory.
 */
export function inMemoryModel(chunks: number): LanguageModelV4 {
  const parts = answerParts(chunks);
  return {
    specificationVersion: 'v4',
    provider: 'bench',
    modelId: 'in-memory',
    supportedUrls: {},
    doGenerate: async () => ANSWER,
    doStream: async () => {
      let next = 0;
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          pull(controller) {
            if (next < parts.length) controller.enqueue(parts[next++]!);
            else controller.close();
          },
        }),
      };
    },
  } as LanguageModelV4;
}

/** The four models of a round: the baseline, ours with and without an idle timeout, and a second baseline. */
export type CpuQuartet = [
  raw: LanguageModelV4,
  ours: LanguageModelV4,
  oursIdle: LanguageModelV4,
  twin: LanguageModelV4,
];

/** Ours, raw and the control around one in-memory model each (the same `chunks`). */
export async function cpuQuartet(chunks: number): Promise<CpuQuartet> {
  const { alayaMiddleware } = await import('@alaya-code/ai-sdk-middleware');
  const ours = (options: AlayaMiddlewareOptions) =>
    wrapLanguageModel({ model: inMemoryModel(chunks), middleware: alayaMiddleware(options) });
  return [
    inMemoryModel(chunks),
    ours({}),
    ours({ idleTimeoutMs: IDLE_TIMEOUT_MS }),
    inMemoryModel(chunks),
  ];
}

/** How a stream is read: through `streamText` (what apps do) or the model's `doStream()` alone. */
export type StreamPath = 'streamText' | 'doStream';

/** Reads one answer of `model` to its end; returns the text deltas seen. */
export async function readAnswer(model: LanguageModelV4, path: StreamPath): Promise<number> {
  let deltas = 0;
  if (path === 'streamText') {
    const result = streamText({ model, prompt: 'Stream a long answer.' });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') deltas++;
      else if (part.type === 'error') throw part.error;
    }
    return deltas;
  }
  const { stream } = await model.doStream({
    prompt: [{ role: 'user', content: [{ type: 'text', text: 'Stream a long answer.' }] }],
  });
  const reader = stream.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) return deltas;
    if (next.value.type === 'text-delta') deltas++;
    else if (next.value.type === 'error') throw next.value.error;
  }
}

/** One `generateText` call of `model`. */
export async function generateOnce(model: LanguageModelV4): Promise<void> {
  const { text } = await generateText({ model, prompt: 'Say hello.' });
  if (text.length === 0) throw new Error('empty text from the in-memory model');
}

/** Ours (idle off, idle on) and the control against raw: medians of paired ratios with their 95 % intervals. */
export type CpuStats = {
  /** Latin-square blocks measured (each runs all four models once, back to back). */
  blocks: number;
  /** Raw's client CPU per unit (µs per part, or µs per call). */
  rawCpuUs: MedianInterval;
  /** raw CPU per unit ÷ ours' in the same block: the throughput ratio when the client is the bottleneck. */
  ours: MedianInterval;
  oursIdle: MedianInterval;
  /** raw ÷ twin in the same block: the A/A control (identical code: ideally 1). */
  control: MedianInterval;
  /** ours − raw, µs per unit, in the same block. */
  oursAddedUs: MedianInterval;
  oursIdleAddedUs: MedianInterval;
  controlAddedUs: MedianInterval;
};

/**
 * The order of one block: a uniformly random permutation of `0..n-1` (Fisher–Yates). Over many blocks
 * every model takes every position and follows every other model, across block boundaries too,
 * equally often in expectation: a fixed square repeats its boundary pairs, which put the garbage of a
 * model that allocates more on the same neighbour's clock.
 */
export function shuffledOrder(rng: Rng, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Blocks of the four models run back to back in a random order ({@link shuffledOrder}), each unit of work
 * (`work(model)`, returning how many units it did: parts, or calls) timed on the process's CPU clock
 * after a forced GC. Each block gives one paired ratio per model (raw's CPU per unit ÷ x's): the four
 * runs of a block share the machine's state, so slow drifts (load, frequency) cancel in the ratio, and
 * the median over blocks ignores the few runs that paid for a preemption (cold caches after being
 * descheduled). Its 95 % interval is what the A/A control is read from.
 */
export async function compareCpu(
  models: CpuQuartet,
  phase: Phase,
  limits: { min: number; max: number; gcEvery: number; seed: number },
  work: (model: LanguageModelV4) => Promise<number>,
): Promise<CpuStats> {
  const rng = createRng(limits.seed);
  const perUnit: number[][] = [[], [], [], []];
  const blocks = await phase.rounds(limits, async block => {
    if (limits.gcEvery > 0 && block % limits.gcEvery === 0) collectGarbage();
    for (const m of shuffledOrder(rng, 4)) {
      const c0 = cpuMs();
      const units = await work(models[m]!);
      perUnit[m]!.push(((cpuMs() - c0) * 1000) / units);
    }
  });
  const [raw, ours, oursIdle, twin] = perUnit as [number[], number[], number[], number[]];
  const ratio = (x: number[]) => medianInterval(x.map((v, b) => raw[b]! / v));
  const added = (x: number[]) => medianInterval(x.map((v, b) => v - raw[b]!));
  return {
    blocks,
    rawCpuUs: medianInterval(raw),
    ours: ratio(ours),
    oursIdle: ratio(oursIdle),
    control: ratio(twin),
    oursAddedUs: added(ours),
    oursIdleAddedUs: added(oursIdle),
    controlAddedUs: added(twin),
  };
}
