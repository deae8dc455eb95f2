/** Section 1's memory figures: one 100k-chunk stream per fresh Node process, raw and ours alternating. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BENCH_API_KEY } from '../lib/emulator';
import type { Phase } from '../lib/phases';
import { type Spread, spread } from '../lib/stats';
import { MODEL_A } from './schedules';

/** Memory figures of one stream in a fresh process (bytes). */
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

/** Memory of one kind of run: start/peak/end RSS and heap, spread over fresh processes. */
export type MemoryStats = {
  start: Spread;
  peak: Spread;
  end: Spread;
  /** Peak − start heapUsed, MiB. */
  heapGrowthMiB: Spread;
  /** heapUsed after the stream and a full GC − heapUsed before it, MiB: what the stream left behind. */
  retainedHeapMiB: Spread;
  /** Live heap held during the stream (after forced GCs every 25k parts), MiB. */
  liveHeapMiB: Spread;
};

/** Raw vs ours memory at one level, over paired fresh-process runs. */
export type MemoryComparison = {
  /** Paired runs measured (one raw and one ours process each). */
  runs: number;
  /** Why there are fewer runs than asked for (a child failed), if so. */
  stopped?: string;
  raw: MemoryStats;
  ours: MemoryStats;
  /** ours peak RSS ÷ raw peak RSS (includes the size of the extra modules ours loads). */
  peakRatio: Spread;
  /** ours peak heap growth ÷ raw peak heap growth (includes garbage not yet collected: GC timing). */
  heapGrowthRatio: Spread;
  /** ours live heap during the stream − raw's, MiB, per paired run: memory ours holds per stream. */
  liveHeapExtraMiB: Spread;
};

export type MemoryLevel = 'streamText' | 'doStream';

function memoryRun(
  url: string,
  kind: 'raw' | 'ours',
  level: MemoryLevel,
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

const MiB = 1024 * 1024;

function memoryStats(samples: readonly MemorySample[]): MemoryStats {
  const of = (pick: (s: MemorySample) => number) => spread(samples.map(pick));
  return {
    start: of(s => s.startRss),
    peak: of(s => s.peakRss),
    end: of(s => s.endRss),
    heapGrowthMiB: of(s => (s.peakHeap - s.startHeap) / MiB),
    retainedHeapMiB: of(s => (s.endHeap - s.startHeap) / MiB),
    liveHeapMiB: of(s => s.liveHeap / MiB),
  };
}

/**
 * Paired fresh-process runs (raw, then ours) within the phase: at least `min` pairs, at most `max`.
 * A child that fails ends the phase with the pairs measured so far and says why.
 */
export async function compareMemory(
  url: string,
  level: MemoryLevel,
  phase: Phase,
  limits: { min: number; max: number; chunks: number },
): Promise<MemoryComparison> {
  const raw: MemorySample[] = [];
  const ours: MemorySample[] = [];
  let stopped: string | undefined;
  try {
    await phase.rounds(limits, async () => {
      const r = await memoryRun(url, 'raw', level, limits.chunks);
      const o = await memoryRun(url, 'ours', level, limits.chunks);
      raw.push(r);
      ours.push(o);
    });
  } catch (error) {
    stopped = error instanceof Error ? error.message : String(error);
  }
  const paired = (f: (o: MemorySample, r: MemorySample) => number) =>
    spread(ours.map((o, i) => f(o, raw[i]!)));
  return {
    runs: ours.length,
    ...(stopped ? { stopped } : {}),
    raw: memoryStats(raw),
    ours: memoryStats(ours),
    peakRatio: paired((o, r) => o.peakRss / r.peakRss),
    heapGrowthRatio: paired((o, r) => (o.peakHeap - o.startHeap) / (r.peakHeap - r.startHeap)),
    liveHeapExtraMiB: paired((o, r) => (o.liveHeap - r.liveHeap) / MiB),
  };
}
