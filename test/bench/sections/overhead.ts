import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import type { Budget } from '../lib/budget';
import { BENCH_API_KEY, startChildProcess } from '../lib/emulator';
import { fixed, fmtSpread, mib } from '../lib/format';
import { median, type Spread, spread } from '../lib/stats';
import { streamChunksHeaders } from '../lib/stream-shape';
import type { Table } from '../lib/table';
import { MODEL_A } from './schedules';

/** Builds the two models compared: the raw baseline and ours, on the same emulator URL. */
export type ModelPair = {
  raw: (baseURL: string) => LanguageModelV4;
  ours: ((baseURL: string) => LanguageModelV4) | undefined;
};

/** Memory figures of one 100k-chunk stream in a fresh process. */
export type MemorySample = {
  startRss: number;
  peakRss: number;
  endRss: number;
  parts: number;
  ms: number;
};

/** What the overhead section returns. */
export type OverheadResult = {
  nonStreaming: {
    callsPerRound: number;
    rounds: number;
    rawCallsPerSec: Spread;
    oursCallsPerSec: Spread;
    /** ours calls/s ÷ raw calls/s, per round. */
    ratio: Spread;
    /** ours mean latency − raw mean latency per call (ms), per round. */
    addedMsPerCall: Spread;
    targetAddedMs: number;
  };
  streaming: {
    chunks: number;
    rounds: number;
    rawPartsPerSec: Spread;
    oursPartsPerSec: Spread;
    ratio: Spread;
    target: number;
  };
  memory: {
    chunks: number;
    runs: number;
    raw: { start: Spread; peak: Spread; end: Spread };
    ours: { start: Spread; peak: Spread; end: Spread };
    /** ours peak RSS ÷ raw peak RSS, per paired run. */
    peakRatio: Spread;
    /** (peak − start) growth of ours, MiB, per run. */
    oursGrowthMiB: Spread;
    rawGrowthMiB: Spread;
  };
  table: Table;
};

async function timeCalls(model: LanguageModelV4, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const { text } = await generateText({ model, prompt: 'Say hello.' });
    if (text.length === 0) throw new Error('empty text from the emulator');
  }
  return performance.now() - start;
}

async function timeStream(
  model: LanguageModelV4,
  chunks: number,
): Promise<{ parts: number; ms: number }> {
  const start = performance.now();
  const result = streamText({
    model,
    prompt: 'Stream a long answer.',
    headers: streamChunksHeaders(chunks),
  });
  let parts = 0;
  let textParts = 0;
  for await (const part of result.fullStream) {
    parts++;
    if (part.type === 'text-delta') textParts++;
    if (part.type === 'error') throw part.error;
  }
  const ms = performance.now() - start;
  if (textParts < chunks) throw new Error(`expected ${chunks} text parts, got ${textParts}`);
  return { parts, ms };
}

function memoryRun(url: string, kind: 'raw' | 'ours', chunks: number): Promise<MemorySample> {
  const script = fileURLToPath(new URL('../lib/memory-child.ts', import.meta.url));
  const child = fork(
    script,
    [JSON.stringify({ url, apiKey: BENCH_API_KEY, kind, chunks, modelId: MODEL_A })],
    {
      execPath: process.execPath,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
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

/** Section 1: overhead of ours vs the raw model on a fault-free loopback emulator. */
export async function runOverhead(options: {
  quick: boolean;
  budget: Budget;
  models: ModelPair;
  log: (line: string) => void;
}): Promise<OverheadResult> {
  const { quick, budget, models, log } = options;
  const emulator = await startChildProcess();
  try {
    const raw = models.raw(emulator.url);
    const ours = models.ours?.(emulator.url);
    if (!ours)
      throw new Error('ours is not available: build @alaya-code/ai-sdk-provider and -middleware');

    // Non-streaming: interleaved rounds, alternating which model goes first.
    const callsPerRound = quick ? 100 : 250;
    const rounds = quick ? 4 : 16;
    await timeCalls(raw, quick ? 100 : 400);
    await timeCalls(ours, quick ? 100 : 400);
    const rawRate: number[] = [];
    const oursRate: number[] = [];
    const ratio: number[] = [];
    const added: number[] = [];
    for (let r = 0; r < rounds && !budget.exhausted(); r++) {
      const order = r % 2 === 0 ? ([raw, ours] as const) : ([ours, raw] as const);
      const t0 = await timeCalls(order[0], callsPerRound);
      const t1 = await timeCalls(order[1], callsPerRound);
      const [rawMs, oursMs] = r % 2 === 0 ? [t0, t1] : [t1, t0];
      rawRate.push((callsPerRound / rawMs) * 1000);
      oursRate.push((callsPerRound / oursMs) * 1000);
      ratio.push(rawMs / oursMs);
      added.push((oursMs - rawMs) / callsPerRound);
    }
    log(
      `  non-streaming: ratio ${fmtSpread(spread(ratio), 3)}, added ${fmtSpread(spread(added), 3, ' ms')}`,
    );

    // Streaming: 10k text chunks per response.
    const chunks = 10_000;
    const streamRounds = quick ? 3 : 10;
    await timeStream(raw, chunks);
    await timeStream(ours, chunks);
    const rawPps: number[] = [];
    const oursPps: number[] = [];
    const streamRatio: number[] = [];
    for (let r = 0; r < streamRounds && !budget.exhausted(); r++) {
      const first = r % 2 === 0 ? raw : ours;
      const second = r % 2 === 0 ? ours : raw;
      const a = await timeStream(first, chunks);
      const b = await timeStream(second, chunks);
      const [rr, oo] = r % 2 === 0 ? [a, b] : [b, a];
      const rawRateNow = (rr.parts / rr.ms) * 1000;
      const oursRateNow = (oo.parts / oo.ms) * 1000;
      rawPps.push(rawRateNow);
      oursPps.push(oursRateNow);
      streamRatio.push(oursRateNow / rawRateNow);
    }
    log(`  streaming: ratio ${fmtSpread(spread(streamRatio), 3)}`);

    // Memory: each 100k-chunk stream in a fresh process, raw and ours alternating.
    const memChunks = 100_000;
    const memRuns = quick ? 1 : 3;
    const rawMem: MemorySample[] = [];
    const oursMem: MemorySample[] = [];
    for (let r = 0; r < memRuns && !budget.exhausted(); r++) {
      rawMem.push(await memoryRun(emulator.url, 'raw', memChunks));
      oursMem.push(await memoryRun(emulator.url, 'ours', memChunks));
    }
    const mem = (samples: MemorySample[]) => ({
      start: spread(samples.map(s => s.startRss)),
      peak: spread(samples.map(s => s.peakRss)),
      end: spread(samples.map(s => s.endRss)),
    });
    const peakRatio = oursMem.map((o, i) => o.peakRss / rawMem[i]!.peakRss);
    const growth = (samples: MemorySample[]) =>
      samples.map(s => (s.peakRss - s.startRss) / 1024 / 1024);
    log(`  memory: peak ratio ${fmtSpread(spread(peakRatio), 3)}`);

    const result: Omit<OverheadResult, 'table'> = {
      nonStreaming: {
        callsPerRound,
        rounds: ratio.length,
        rawCallsPerSec: spread(rawRate),
        oursCallsPerSec: spread(oursRate),
        ratio: spread(ratio),
        addedMsPerCall: spread(added),
        targetAddedMs: 0.1,
      },
      streaming: {
        chunks,
        rounds: streamRatio.length,
        rawPartsPerSec: spread(rawPps),
        oursPartsPerSec: spread(oursPps),
        ratio: spread(streamRatio),
        target: 0.97,
      },
      memory: {
        chunks: memChunks,
        runs: peakRatio.length,
        raw: mem(rawMem),
        ours: mem(oursMem),
        peakRatio: spread(peakRatio),
        oursGrowthMiB: spread(growth(oursMem)),
        rawGrowthMiB: spread(growth(rawMem)),
      },
    };
    return { ...result, table: overheadTable(result) };
  } finally {
    await emulator.close();
  }
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function memCell(m: { start: Spread; peak: Spread; end: Spread }): string {
  return `${mib(m.start.median)} / ${mib(m.peak.median)} / ${mib(m.end.median)}`;
}

function overheadTable(r: Omit<OverheadResult, 'table'>): Table {
  const ns = r.nonStreaming;
  const st = r.streaming;
  const me = r.memory;
  const addedOk = ns.addedMsPerCall.median < ns.targetAddedMs;
  const streamOk = st.ratio.median >= st.target;
  return {
    title:
      '1. Overhead on a loopback emulator, no faults (ours = alaya(id) + alayaMiddleware(); baseline = raw createOpenAICompatible = 1.00)',
    columns: ['measure', 'raw', 'ours', 'ours ÷ raw, median (min–max)', 'target', ''],
    rows: [
      [
        `non-streaming calls/s (${ns.rounds} rounds × ${ns.callsPerRound} calls)`,
        fixed(ns.rawCallsPerSec.median, 0),
        fixed(ns.oursCallsPerSec.median, 0),
        fmtSpread(ns.ratio, 3),
        '',
        '',
      ],
      [
        'added latency per call',
        '0',
        `${fmtSpread(ns.addedMsPerCall, 3, ' ms')}`,
        '',
        `< ${ns.targetAddedMs} ms`,
        verdict(addedOk),
      ],
      [
        `streaming parts/s (${st.chunks / 1000}k chunks, ${st.rounds} rounds)`,
        fixed(st.rawPartsPerSec.median, 0),
        fixed(st.oursPartsPerSec.median, 0),
        fmtSpread(st.ratio, 3),
        `≥ ${st.target.toFixed(2)}`,
        verdict(streamOk),
      ],
      [
        `RSS start / peak / end (${me.chunks / 1000}k chunks, ${me.runs} fresh processes each)`,
        memCell(me.raw),
        memCell(me.ours),
        `peak ${fmtSpread(me.peakRatio, 3)}`,
        'flat',
        '',
      ],
      [
        'RSS growth during the stream (peak − start)',
        fmtSpread(me.rawGrowthMiB, 1, ' MiB'),
        fmtSpread(me.oursGrowthMiB, 1, ' MiB'),
        fixed(median([me.oursGrowthMiB.median]) - median([me.rawGrowthMiB.median]), 1) +
          ' MiB more',
        '',
        '',
      ],
    ],
    notes: [
      'Rounds alternate which model goes first; each ratio is computed per round, then summarised as median (min–max).',
      'Memory: each stream runs in a fresh Node process (after a 1k-chunk warm-up and a forced GC); RSS is sampled every 1,000 parts.',
    ],
  };
}
