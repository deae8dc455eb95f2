import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import type { Budget } from '../lib/budget';
import { BENCH_API_KEY, startEmulatorProcess } from '../lib/emulator';
import { fixed, fmtSpread, mib } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import { type Cost, measure } from '../lib/measure';
import { type Spread, spread, trimmedMean } from '../lib/stats';
import { streamChunksHeaders } from '../lib/stream-shape';
import type { Table } from '../lib/table';
import { MODEL_A } from './schedules';

/** Builds the models compared, on the same emulator URL. */
export type ModelPair = {
  raw: (baseURL: string) => LanguageModelV4;
  ours: ((baseURL: string) => LanguageModelV4) | undefined;
};

/** Memory figures of one 100k-chunk stream in a fresh process (bytes). */
export type MemorySample = {
  startRss: number;
  peakRss: number;
  endRss: number;
  startHeap: number;
  peakHeap: number;
  endHeap: number;
  /** Largest heapUsed − startHeap right after a forced GC mid-stream (every 25k parts). */
  liveHeap: number;
  parts: number;
  ms: number;
};

/** Per-round comparison of two models: B ÷ A ratios and B − A differences. */
export type PairStats = {
  rounds: number;
  callsPerRound: number;
  aCallsPerSec: Spread;
  bCallsPerSec: Spread;
  /** B calls/s ÷ A calls/s. */
  ratio: Spread;
  /** B − A wall latency per call (10 %-trimmed means per round), ms. */
  addedMs: Spread;
  /** B − A client CPU per call (10 %-trimmed means per round), ms. */
  addedCpuMs: Spread;
  aCpuMsPerCall: Spread;
  bCpuMsPerCall: Spread;
};

/** Per-round streaming comparison of two models (B ÷ A). */
export type StreamStats = {
  chunks: number;
  rounds: number;
  aPartsPerSec: Spread;
  bPartsPerSec: Spread;
  /** B text parts/s ÷ A text parts/s. */
  ratio: Spread;
  /** B client CPU per text part ÷ A client CPU per text part. */
  cpuRatio: Spread;
  /** A's client CPU time ÷ wall time while streaming: near 1, the client is the bottleneck. */
  clientCpuShare: Spread;
};

/** Memory of one kind of run: start/peak/end RSS and heap, spread over fresh processes. */
export type MemoryStats = {
  start: Spread;
  peak: Spread;
  end: Spread;
  /** Peak − start RSS, MiB. */
  growthMiB: Spread;
  /** Peak − start heapUsed, MiB. */
  heapGrowthMiB: Spread;
  /** heapUsed after the stream and a full GC − heapUsed before it, MiB: what the stream left behind. */
  retainedHeapMiB: Spread;
  /** Live heap held during the stream (after forced GCs every 25k parts), MiB. */
  liveHeapMiB: Spread;
};

/** Raw vs ours memory at one level, over paired fresh-process runs. */
export type MemoryComparison = {
  raw: MemoryStats;
  ours: MemoryStats;
  /** ours peak RSS ÷ raw peak RSS (includes the size of the extra modules ours loads). */
  peakRatio: Spread;
  /** ours peak heap growth ÷ raw peak heap growth (includes garbage not yet collected: GC timing). */
  heapGrowthRatio: Spread;
  /** ours live heap during the stream − raw's, MiB, per paired run: memory ours holds per stream. */
  liveHeapExtraMiB: Spread;
};

/** What the overhead section returns. */
export type OverheadResult = {
  nonStreaming: PairStats & { targetAddedMs: number; control: PairStats };
  streaming: StreamStats & { target: number; control: StreamStats };
  memory: {
    chunks: number;
    /** Through `streamText` (what apps do; the SDK itself accumulates the text and parts). */
    streamText: MemoryComparison;
    /** Through `model.doStream()` only: the provider + middleware path alone. */
    doStream: MemoryComparison;
  };
  table: Table;
};

async function oneCall(model: LanguageModelV4): Promise<Cost> {
  const { value, cost } = await measure(() => generateText({ model, prompt: 'Say hello.' }));
  if (value.text.length === 0) throw new Error('empty text from the emulator');
  return cost;
}

/**
 * Compares two models call by call: each round runs `callsPerRound` pairs, alternating A/B and
 * B/A, so drift (GC, CPU frequency, the other process) hits both equally.
 */
async function comparePair(
  a: LanguageModelV4,
  b: LanguageModelV4,
  options: { rounds: number; callsPerRound: number; budget: Budget },
): Promise<PairStats> {
  const aRate: number[] = [];
  const bRate: number[] = [];
  const ratio: number[] = [];
  const added: number[] = [];
  const addedCpu: number[] = [];
  const aCpu: number[] = [];
  const bCpu: number[] = [];
  for (let r = 0; r < options.rounds && !options.budget.exhausted(); r++) {
    collectGarbage();
    const aCosts: Cost[] = [];
    const bCosts: Cost[] = [];
    for (let i = 0; i < options.callsPerRound; i++) {
      if (i % 2 === 0) {
        aCosts.push(await oneCall(a));
        bCosts.push(await oneCall(b));
      } else {
        bCosts.push(await oneCall(b));
        aCosts.push(await oneCall(a));
      }
    }
    // Trimmed means per round: one preempted call on a shared machine cannot swing them.
    const aMs = trimmedMean(aCosts.map(c => c.wallMs));
    const bMs = trimmedMean(bCosts.map(c => c.wallMs));
    const aCpuMs = trimmedMean(aCosts.map(c => c.cpuMs));
    const bCpuMs = trimmedMean(bCosts.map(c => c.cpuMs));
    aRate.push(1000 / aMs);
    bRate.push(1000 / bMs);
    ratio.push(aMs / bMs);
    added.push(bMs - aMs);
    addedCpu.push(bCpuMs - aCpuMs);
    aCpu.push(aCpuMs);
    bCpu.push(bCpuMs);
  }
  return {
    rounds: ratio.length,
    callsPerRound: options.callsPerRound,
    aCallsPerSec: spread(aRate),
    bCallsPerSec: spread(bRate),
    ratio: spread(ratio),
    addedMs: spread(added),
    addedCpuMs: spread(addedCpu),
    aCpuMsPerCall: spread(aCpu),
    bCpuMsPerCall: spread(bCpu),
  };
}

/** Streams one `chunks`-delta answer; `parts` counts text deltas (the unit both models share). */
async function oneStream(
  model: LanguageModelV4,
  chunks: number,
): Promise<{ parts: number; allParts: number; cost: Cost }> {
  const { value, cost } = await measure(async () => {
    const result = streamText({
      model,
      prompt: 'Stream a long answer.',
      headers: streamChunksHeaders(chunks),
    });
    let count = 0;
    let textParts = 0;
    for await (const part of result.fullStream) {
      count++;
      if (part.type === 'text-delta') textParts++;
      if (part.type === 'error') throw part.error;
    }
    if (textParts < chunks) throw new Error(`expected ${chunks} text parts, got ${textParts}`);
    return { textParts, count };
  });
  return { parts: value.textParts, allParts: value.count, cost };
}

/** Streams A then B (B then A on odd rounds) and compares text parts/s and CPU per part. */
async function compareStreams(
  a: LanguageModelV4,
  b: LanguageModelV4,
  options: { chunks: number; rounds: number; budget: Budget },
): Promise<StreamStats> {
  const aPps: number[] = [];
  const bPps: number[] = [];
  const ratio: number[] = [];
  const cpuRatio: number[] = [];
  const cpuShare: number[] = [];
  for (let r = 0; r < options.rounds && !options.budget.exhausted(); r++) {
    collectGarbage();
    // A B B A, then B A A B in the next round: linear drift cancels within a round, and each model
    // takes every position (right after the forced GC, or last) equally often.
    const [x, y] = r % 2 === 0 ? [a, b] : [b, a];
    const x1 = await oneStream(x, options.chunks);
    const y1 = await oneStream(y, options.chunks);
    const y2 = await oneStream(y, options.chunks);
    const x2 = await oneStream(x, options.chunks);
    const [a1, a2, b1, b2] = r % 2 === 0 ? [x1, x2, y1, y2] : [y1, y2, x1, x2];
    const aRate = ((a1.parts + a2.parts) / (a1.cost.wallMs + a2.cost.wallMs)) * 1000;
    const bRate = ((b1.parts + b2.parts) / (b1.cost.wallMs + b2.cost.wallMs)) * 1000;
    const aCpuPerPart = (a1.cost.cpuMs + a2.cost.cpuMs) / (a1.parts + a2.parts);
    const bCpuPerPart = (b1.cost.cpuMs + b2.cost.cpuMs) / (b1.parts + b2.parts);
    aPps.push(aRate);
    bPps.push(bRate);
    ratio.push(bRate / aRate);
    cpuRatio.push(bCpuPerPart / aCpuPerPart);
    cpuShare.push((a1.cost.cpuMs + a2.cost.cpuMs) / (a1.cost.wallMs + a2.cost.wallMs));
  }
  return {
    chunks: options.chunks,
    rounds: ratio.length,
    aPartsPerSec: spread(aPps),
    bPartsPerSec: spread(bPps),
    ratio: spread(ratio),
    cpuRatio: spread(cpuRatio),
    clientCpuShare: spread(cpuShare),
  };
}

function memoryRun(
  url: string,
  kind: 'raw' | 'ours',
  level: 'streamText' | 'doStream',
  chunks: number,
): Promise<MemorySample> {
  const script = fileURLToPath(new URL('../lib/memory-child.ts', import.meta.url));
  const args = JSON.stringify({
    url,
    apiKey: BENCH_API_KEY,
    kind,
    level,
    chunks,
    modelId: MODEL_A,
  });
  const child = fork(script, [args], {
    execPath: process.execPath,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('memory child timed out after 120 s'));
    }, 120_000);
    child.once('message', message => {
      clearTimeout(timer);
      const m = message as MemorySample & { error?: string };
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    child.once('exit', code => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`memory child exited with ${code}`));
    });
  });
}

function memoryStats(samples: readonly MemorySample[]): MemoryStats {
  return {
    start: spread(samples.map(s => s.startRss)),
    peak: spread(samples.map(s => s.peakRss)),
    end: spread(samples.map(s => s.endRss)),
    growthMiB: spread(samples.map(s => (s.peakRss - s.startRss) / 1024 / 1024)),
    heapGrowthMiB: spread(samples.map(s => (s.peakHeap - s.startHeap) / 1024 / 1024)),
    retainedHeapMiB: spread(samples.map(s => (s.endHeap - s.startHeap) / 1024 / 1024)),
    liveHeapMiB: spread(samples.map(s => s.liveHeap / 1024 / 1024)),
  };
}

async function compareMemory(
  url: string,
  level: 'streamText' | 'doStream',
  chunks: number,
  runs: number,
  budget: Budget,
) {
  const raw: MemorySample[] = [];
  const ours: MemorySample[] = [];
  for (let r = 0; r < runs && !budget.exhausted(); r++) {
    raw.push(await memoryRun(url, 'raw', level, chunks));
    ours.push(await memoryRun(url, 'ours', level, chunks));
  }
  return {
    raw: memoryStats(raw),
    ours: memoryStats(ours),
    peakRatio: spread(ours.map((o, i) => o.peakRss / raw[i]!.peakRss)),
    heapGrowthRatio: spread(
      ours.map((o, i) => (o.peakHeap - o.startHeap) / (raw[i]!.peakHeap - raw[i]!.startHeap)),
    ),
    liveHeapExtraMiB: spread(ours.map((o, i) => (o.liveHeap - raw[i]!.liveHeap) / 1024 / 1024)),
  };
}

/** Section 1: overhead of ours vs the raw model on a fault-free loopback emulator. */
export async function runOverhead(options: {
  quick: boolean;
  budget: Budget;
  models: ModelPair;
  log: (line: string) => void;
}): Promise<OverheadResult> {
  const { quick, budget, models, log } = options;
  if (!models.ours)
    throw new Error('ours is not available: build @alaya-code/ai-sdk-provider and -middleware');
  const emulator = await startEmulatorProcess();
  try {
    const raw = models.raw(emulator.url);
    const rawTwin = models.raw(emulator.url);
    const ours = models.ours(emulator.url);

    // Warm-up (JIT, sockets), then ours vs raw, then the A/A control raw vs raw.
    for (let i = 0; i < (quick ? 100 : 1000); i++) {
      await oneCall(raw);
      await oneCall(ours);
      await oneCall(rawTwin);
    }
    const pairOptions = { rounds: quick ? 3 : 12, callsPerRound: quick ? 100 : 300, budget };
    const pair = await comparePair(raw, ours, pairOptions);
    log(
      `  non-streaming: calls/s ratio ${fmtSpread(pair.ratio, 3)}, added ${fmtSpread(pair.addedMs, 3, ' ms')} wall, ${fmtSpread(pair.addedCpuMs, 3, ' ms')} CPU`,
    );
    const control = await comparePair(raw, rawTwin, { ...pairOptions, rounds: quick ? 2 : 6 });
    log(
      `  A/A control: calls/s ratio ${fmtSpread(control.ratio, 3)}, added ${fmtSpread(control.addedMs, 3, ' ms')}`,
    );

    // Streaming: 10k text chunks per response, alternating order per round; then an A/A control.
    const chunks = 10_000;
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      await oneStream(raw, chunks);
      await oneStream(ours, chunks);
      await oneStream(rawTwin, chunks);
    }
    const streams = await compareStreams(raw, ours, { chunks, rounds: quick ? 2 : 12, budget });
    log(
      `  streaming: parts/s ratio ${fmtSpread(streams.ratio, 3)}, CPU/part ratio ${fmtSpread(streams.cpuRatio, 3)}`,
    );
    const streamControl = await compareStreams(raw, rawTwin, {
      chunks,
      rounds: quick ? 1 : 6,
      budget,
    });
    log(`  streaming A/A control: parts/s ratio ${fmtSpread(streamControl.ratio, 3)}`);

    // Memory: each 100k-chunk stream in a fresh process, raw and ours alternating.
    const memChunks = 100_000;
    const memRuns = quick ? 1 : 3;
    const viaStreamText = await compareMemory(
      emulator.url,
      'streamText',
      memChunks,
      memRuns,
      budget,
    );
    const viaDoStream = await compareMemory(emulator.url, 'doStream', memChunks, memRuns, budget);
    log(
      `  memory: live heap ours − raw ${fmtSpread(viaStreamText.liveHeapExtraMiB, 2, ' MiB')} (streamText), ${fmtSpread(viaDoStream.liveHeapExtraMiB, 2, ' MiB')} (doStream)`,
    );

    const result: Omit<OverheadResult, 'table'> = {
      nonStreaming: { ...pair, targetAddedMs: 0.1, control },
      streaming: { ...streams, target: 0.97, control: streamControl },
      memory: { chunks: memChunks, streamText: viaStreamText, doStream: viaDoStream },
    };
    return { ...result, table: overheadTable(result) };
  } finally {
    await emulator.close();
  }
}

/** Heap a 100k-chunk stream may leave behind after a full GC and still count as flat. */
const FLAT_MIB = 1;

function memoryRows(label: string, m: MemoryComparison, chunks: number, runs: number): string[][] {
  return [
    [
      `RSS start / peak / end, ${label} (${chunks / 1000}k chunks, ${runs} fresh processes each)`,
      rssCell(m.raw),
      rssCell(m.ours),
      `peak ${fmtSpread(m.peakRatio, 3)}×`,
      'reported',
      '',
    ],
    [
      `peak heap growth during the stream, ${label}`,
      fmtSpread(m.raw.heapGrowthMiB, 1, ' MiB'),
      fmtSpread(m.ours.heapGrowthMiB, 1, ' MiB'),
      `${fmtSpread(m.heapGrowthRatio, 3)}×`,
      'reported',
      '',
    ],
    [
      `live heap held during the stream (GC every 25k parts), ${label}`,
      fmtSpread(m.raw.liveHeapMiB, 2, ' MiB'),
      fmtSpread(m.ours.liveHeapMiB, 2, ' MiB'),
      fmtSpread(m.liveHeapExtraMiB, 2, ' MiB'),
      `≤ raw + ${FLAT_MIB} MiB`,
      verdict(m.liveHeapExtraMiB.median <= FLAT_MIB),
    ],
    [
      `heap left after the stream + GC, ${label}`,
      fmtSpread(m.raw.retainedHeapMiB, 2, ' MiB'),
      fmtSpread(m.ours.retainedHeapMiB, 2, ' MiB'),
      '',
      `flat: < ${FLAT_MIB} MiB`,
      verdict(m.ours.retainedHeapMiB.median < FLAT_MIB),
    ],
  ];
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function rssCell(m: MemoryStats): string {
  return `${mib(m.start.median)} / ${mib(m.peak.median)} / ${mib(m.end.median)}`;
}

function overheadTable(r: Omit<OverheadResult, 'table'>): Table {
  const ns = r.nonStreaming;
  const st = r.streaming;
  const me = r.memory;
  const runs = me.streamText.peakRatio.n;
  const missed: string[] = [];
  if (!(ns.addedMs.median < ns.targetAddedMs)) {
    missed.push(
      `Added latency missed by ${fixed(ns.addedMs.median - ns.targetAddedMs, 3)} ms (median ${fixed(ns.addedMs.median, 3)} ms; the A/A control moved by ${fixed(ns.control.addedMs.median, 3)} ms, client CPU per call rose by ${fixed(ns.addedCpuMs.median, 3)} ms).`,
    );
  }
  if (!(st.ratio.median >= st.target)) {
    missed.push(
      `Streaming missed by ${fixed((st.target - st.ratio.median) * 100, 1)} points (ours ${fixed(st.ratio.median * 100, 1)} % of raw; the A/A control spans ${fixed(st.control.ratio.min * 100, 1)}–${fixed(st.control.ratio.max * 100, 1)} %). Ours spends ${fixed((st.cpuRatio.median - 1) * 100, 1)} % more client CPU per part, and the client is busy ${fixed(st.clientCpuShare.median * 100, 0)} % of a raw stream's time, so that CPU shows up as throughput: the middleware's wrapStream re-emits every part through one more ReadableStream stage (an awaited reader.read() per part, packages/middleware/src/stream-attempt.ts).`,
    );
  }
  return {
    title:
      '1. Overhead on a loopback emulator, no faults (ours = alaya(id) + alayaMiddleware(); baseline = raw createOpenAICompatible = 1.00)',
    columns: [
      'measure',
      'raw',
      'ours',
      'ours ÷ raw or ours − raw: median (min–max)',
      'target',
      'verdict',
    ],
    rows: [
      [
        `non-streaming calls/s (${ns.rounds} rounds × ${ns.callsPerRound} interleaved calls)`,
        fixed(ns.aCallsPerSec.median, 0),
        fixed(ns.bCallsPerSec.median, 0),
        `${fmtSpread(ns.ratio, 3)}×`,
        '',
        '',
      ],
      [
        'added wall latency per call',
        '',
        '',
        fmtSpread(ns.addedMs, 3, ' ms'),
        `< ${ns.targetAddedMs} ms`,
        verdict(ns.addedMs.median < ns.targetAddedMs),
      ],
      [
        'added client CPU per call',
        `${fixed(ns.aCpuMsPerCall.median, 3)} ms`,
        `${fixed(ns.bCpuMsPerCall.median, 3)} ms`,
        fmtSpread(ns.addedCpuMs, 3, ' ms'),
        `< ${ns.targetAddedMs} ms`,
        verdict(ns.addedCpuMs.median < ns.targetAddedMs),
      ],
      [
        `A/A control: raw vs a second raw (${ns.control.rounds} rounds)`,
        '',
        '',
        `${fmtSpread(ns.control.ratio, 3)}×, ${fmtSpread(ns.control.addedMs, 3, ' ms')}`,
        'noise floor',
        '',
      ],
      [
        `streaming text parts/s (${st.chunks / 1000}k-chunk answer, ${st.rounds} rounds × 2 streams each)`,
        fixed(st.aPartsPerSec.median, 0),
        fixed(st.bPartsPerSec.median, 0),
        `${fmtSpread(st.ratio, 3)}×`,
        `≥ ${st.target.toFixed(2)}×`,
        verdict(st.ratio.median >= st.target),
      ],
      ['streaming client CPU per text part', '', '', `${fmtSpread(st.cpuRatio, 3)}×`, '', ''],
      [
        `A/A control: raw vs a second raw, streaming (${st.control.rounds} rounds)`,
        '',
        '',
        `${fmtSpread(st.control.ratio, 3)}×`,
        'noise floor',
        '',
      ],
      ...memoryRows('streamText', me.streamText, me.chunks, runs),
      ...memoryRows('model.doStream() only', me.doStream, me.chunks, runs),
    ],
    notes: [
      ...missed,
      'Non-streaming: calls alternate raw/ours one by one (A B B A …) so drift hits both; ratios and differences are per round, shown as median (min–max). The A/A control compares raw with a second raw instance the same way: differences inside its spread are noise.',
      'Streaming: rounds alternate A B B A and B A A B, so each model takes every position equally often; the streaming A/A control measures what is left of position and machine noise.',
      'Client CPU = process.cpuUsage() of the bench process (the emulator runs in its own process), so it counts only the client-side cost of each call.',
      'Memory: each stream runs in a fresh Node process after a 1k-chunk warm-up and a forced GC; RSS and heap are sampled every 1,000 parts. RSS start differs by the modules each side loads (ours also loads the provider and middleware), and the peak mostly reflects V8 growing its heap before it collects (streamText also keeps the whole text of the step), so the RSS figures are reported, not judged. The peak heap growth includes garbage not yet collected, so it moves with GC timing (a few MiB either way) and is reported too. Judged: the live heap held during the stream, measured after a forced GC every 25k parts (what ours keeps per stream beyond raw), and the heap left after the stream and a forced GC, which is what a leak would grow ("flat"). doStream() shows the provider + middleware path without streamText.',
    ],
  };
}
