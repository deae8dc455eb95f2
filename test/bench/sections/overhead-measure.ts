/**
 * Section 1's measurements of time: raw, ours and a second raw (the A/A control) interleaved call by
 * call and stream by stream, so ours and the control are measured in the same rounds, under the same
 * machine noise, with the same number of rounds.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import { collectGarbage } from '../lib/gc';
import { type Cost, measure } from '../lib/measure';
import { mirroredOrder, ORDERS } from '../lib/orders';
import type { Phase } from '../lib/phases';
import { type Spread, spread, trimmedMean } from '../lib/stats';
import { streamChunksHeaders } from '../lib/stream-shape';

/** The three models every round runs: the baseline, ours, and a second baseline (A/A control). */
export type Trio = { raw: LanguageModelV4; ours: LanguageModelV4; twin: LanguageModelV4 };

/**
 * One side of a comparison with the baseline, per round: for ours the baseline is the mean of both
 * raw instances; for the A/A control it is the first raw (the control compares the two raws).
 */
export type PairStats = {
  /** x calls/s ÷ raw calls/s. */
  ratio: Spread;
  /** x − raw wall latency per call (10 %-trimmed means per round), ms. */
  addedMs: Spread;
  /** x − raw client CPU per call (10 %-trimmed means per round), ms. */
  addedCpuMs: Spread;
};

/** Non-streaming figures: ours and the control against raw, over the same rounds. */
export type CallStats = {
  rounds: number;
  callsPerRound: number;
  rawCallsPerSec: Spread;
  oursCallsPerSec: Spread;
  rawCpuMsPerCall: Spread;
  oursCpuMsPerCall: Spread;
  ours: PairStats;
  control: PairStats;
};

/** Streaming figures: ours and the control against raw, over the same rounds. */
export type StreamStats = {
  chunks: number;
  rounds: number;
  rawPartsPerSec: Spread;
  oursPartsPerSec: Spread;
  /** ours text parts/s ÷ the mean of both raw instances' parts/s. */
  ratio: Spread;
  /** second raw ÷ first raw: the A/A control of `ratio` (identical code: ideally 1). */
  controlRatio: Spread;
  /** ours client CPU per text part ÷ the raw instances'. */
  cpuRatio: Spread;
  /** raw's client CPU ÷ wall time while streaming: near 1, the client is the bottleneck. */
  clientCpuShare: Spread;
};

/** One `generateText` call, with its wall and client CPU time. */
export async function oneCall(model: LanguageModelV4): Promise<Cost> {
  const { value, cost } = await measure(() => generateText({ model, prompt: 'Say hello.' }));
  if (value.text.length === 0) throw new Error('empty text from the emulator');
  return cost;
}

/** Streams one `chunks`-delta answer; `parts` counts text deltas (the unit every model shares). */
export async function oneStream(
  model: LanguageModelV4,
  chunks: number,
): Promise<{ parts: number; cost: Cost }> {
  const { value, cost } = await measure(async () => {
    const result = streamText({
      model,
      prompt: 'Stream a long answer.',
      headers: streamChunksHeaders(chunks),
    });
    let textParts = 0;
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') textParts++;
      if (part.type === 'error') throw part.error;
    }
    if (textParts < chunks) throw new Error(`expected ${chunks} text parts, got ${textParts}`);
    return textParts;
  });
  return { parts: value, cost };
}

const models = (trio: Trio) => [trio.raw, trio.ours, trio.twin] as const;

/**
 * Rounds of `callsPerRound` iterations; each iteration calls raw, ours and the twin once, in an
 * order that rotates through all six, so each takes every position equally often.
 */
export async function compareCalls(
  trio: Trio,
  phase: Phase,
  limits: { min: number; max: number; callsPerRound: number },
): Promise<CallStats> {
  const per = { rate: [[], [], []], ms: [[], [], []], cpu: [[], [], []] } as Record<
    'rate' | 'ms' | 'cpu',
    number[][]
  >;
  const rounds = await phase.rounds(limits, async () => {
    collectGarbage();
    const costs: Cost[][] = [[], [], []];
    for (let i = 0; i < limits.callsPerRound; i++) {
      for (const m of ORDERS[i % ORDERS.length]!) costs[m]!.push(await oneCall(models(trio)[m]!));
    }
    // Trimmed means per round: one preempted call on a shared machine cannot swing them.
    costs.forEach((list, m) => {
      const ms = trimmedMean(list.map(c => c.wallMs));
      per.ms[m]!.push(ms);
      per.rate[m]!.push(1000 / ms);
      per.cpu[m]!.push(trimmedMean(list.map(c => c.cpuMs)));
    });
  });
  // Ours against the mean of both raw instances (neither owns a position); the control is twin vs raw.
  const baseMs = per.ms[0]!.map((raw, r) => (raw + per.ms[2]![r]!) / 2);
  const baseCpu = per.cpu[0]!.map((raw, r) => (raw + per.cpu[2]![r]!) / 2);
  const oursStats: PairStats = {
    ratio: spread(baseMs.map((base, r) => base / per.ms[1]![r]!)),
    addedMs: spread(per.ms[1]!.map((x, r) => x - baseMs[r]!)),
    addedCpuMs: spread(per.cpu[1]!.map((x, r) => x - baseCpu[r]!)),
  };
  const control: PairStats = {
    ratio: spread(per.ms[0]!.map((raw, r) => raw / per.ms[2]![r]!)),
    addedMs: spread(per.ms[2]!.map((x, r) => x - per.ms[0]![r]!)),
    addedCpuMs: spread(per.cpu[2]!.map((x, r) => x - per.cpu[0]![r]!)),
  };
  return {
    rounds,
    callsPerRound: limits.callsPerRound,
    rawCallsPerSec: spread(per.rate[0]!),
    oursCallsPerSec: spread(per.rate[1]!),
    rawCpuMsPerCall: spread(per.cpu[0]!),
    oursCpuMsPerCall: spread(per.cpu[1]!),
    ours: oursStats,
    control,
  };
}

/**
 * Rounds of six streams: raw, ours and the twin twice each in a mirrored order (`x y z z y x`,
 * rotating), so the A/A control (twin ÷ raw) is measured in the very rounds that judge ours.
 */
export async function compareStreams(
  trio: Trio,
  phase: Phase,
  limits: { min: number; max: number; chunks: number },
): Promise<StreamStats> {
  const rate: number[][] = [[], [], []];
  const cpuPerPart: number[][] = [[], [], []];
  const cpuShare: number[] = [];
  const rounds = await phase.rounds(limits, async round => {
    collectGarbage();
    const parts = [0, 0, 0];
    const wall = [0, 0, 0];
    const cpu = [0, 0, 0];
    for (const m of mirroredOrder(round)) {
      const { parts: n, cost } = await oneStream(models(trio)[m]!, limits.chunks);
      parts[m]! += n;
      wall[m]! += cost.wallMs;
      cpu[m]! += cost.cpuMs;
    }
    for (let m = 0; m < 3; m++) {
      rate[m]!.push((parts[m]! / wall[m]!) * 1000);
      cpuPerPart[m]!.push(cpu[m]! / parts[m]!);
    }
    cpuShare.push(cpu[0]! / wall[0]!);
  });
  // Ours against the mean of both raw instances; the control is the second raw against the first.
  const overBase = (list: number[][]) =>
    spread(list[1]!.map((x, r) => x / ((list[0]![r]! + list[2]![r]!) / 2)));
  return {
    chunks: limits.chunks,
    rounds,
    rawPartsPerSec: spread(rate[0]!),
    oursPartsPerSec: spread(rate[1]!),
    ratio: overBase(rate),
    controlRatio: spread(rate[2]!.map((x, r) => x / rate[0]![r]!)),
    cpuRatio: overBase(cpuPerPart),
    clientCpuShare: spread(cpuShare),
  };
}
