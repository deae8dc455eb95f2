import { fixed, fmtSpread, mib } from '../lib/format';
import { type Criterion, judge, type Verdict, verdictCell } from '../lib/judge';
import type { Spread } from '../lib/stats';
import type { Table } from '../lib/table';
import type { OverheadResult } from './overhead';
import { CPU_NOTE, cpuRows } from './overhead-cpu-table';
import type { MemoryComparison, MemoryStats } from './overhead-memory';
import { tracingNotes, tracingRows } from './overhead-tracing-table';

/** Heap a 100k-chunk stream may leave behind after a full GC (and ours may hold beyond raw) and still count as flat. */
const FLAT_MIB = 1;

/** The verdict cell of a row that is reported, not judged: empty, or "not measured" and why. */
function reported(s: Spread, why: string): string {
  return s.n > 0 ? '' : verdictCell({ kind: 'not measured', detail: why });
}

function rssCell(m: MemoryStats): string {
  return `${mib(m.start.median)} / ${mib(m.peak.median)} / ${mib(m.end.median)}`;
}

function memoryRows(label: string, m: MemoryComparison, chunks: number): string[][] {
  const why = m.stopped ? `a memory process failed: ${m.stopped}` : 'no memory process ran';
  const flat: Criterion = { scale: 'difference', better: 'lower', target: FLAT_MIB };
  return [
    [
      `RSS start / peak / end, ${label} (${chunks / 1000}k chunks, ${m.runs} fresh process${m.runs === 1 ? '' : 'es'} each)`,
      rssCell(m.raw),
      rssCell(m.ours),
      `peak ${fmtSpread(m.peakRatio, 3)}×`,
      'reported',
      reported(m.peakRatio, why),
    ],
    [
      `peak heap growth during the stream, ${label}`,
      fmtSpread(m.raw.heapGrowthMiB, 1, ' MiB'),
      fmtSpread(m.ours.heapGrowthMiB, 1, ' MiB'),
      `${fmtSpread(m.heapGrowthRatio, 3)}×`,
      'reported',
      reported(m.heapGrowthRatio, why),
    ],
    [
      `live heap held during the stream (GC every 25k parts), ${label}`,
      fmtSpread(m.raw.liveHeapMiB, 2, ' MiB'),
      fmtSpread(m.ours.liveHeapMiB, 2, ' MiB'),
      fmtSpread(m.liveHeapExtraMiB, 2, ' MiB'),
      `≤ raw + ${FLAT_MIB} MiB`,
      verdictCell(judge(m.liveHeapExtraMiB, flat, undefined, why)),
    ],
    [
      `heap left after the stream + GC, ${label}`,
      fmtSpread(m.raw.retainedHeapMiB, 2, ' MiB'),
      fmtSpread(m.ours.retainedHeapMiB, 2, ' MiB'),
      '',
      `flat: ≤ ${FLAT_MIB} MiB`,
      verdictCell(judge(m.ours.retainedHeapMiB, flat, undefined, why)),
    ],
  ];
}

/** Why a judged figure is not met, from the figures themselves. */
function missNotes(
  r: Omit<OverheadResult, 'table'>,
  added: Verdict,
  addedCpu: Verdict,
  stream: Verdict,
): string[] {
  const ns = r.nonStreaming;
  const st = r.streaming;
  const notes: string[] = [];
  if (added.kind === 'missed' || added.kind === 'noise') {
    notes.push(
      `Added latency: ${added.detail} ms (the two raws differed by ${fixed(ns.control.addedMs.median, 3)} ms; client CPU per call rose by ${fixed(ns.ours.addedCpuMs.median, 3)} ms).`,
    );
  }
  if (addedCpu.kind === 'missed' || addedCpu.kind === 'noise') {
    notes.push(
      `Added client CPU: ${addedCpu.detail} ms per call (the two raws differed by ${fixed(ns.control.addedCpuMs.median, 3)} ms). CPU time counts what the process spent, including time-slice accounting under load: judge it from a quiet run.`,
    );
  }
  if (stream.kind === 'missed' || stream.kind === 'noise') {
    notes.push(
      `Streaming: ${stream.detail}. Ours spends ${fixed((st.cpuRatio.median - 1) * 100, 1)} % more client CPU per part, and the client is busy ${fixed(st.clientCpuShare.median * 100, 0)} % of a raw stream's time, so extra CPU per part shows up as throughput.`,
    );
  }
  return notes;
}

export function overheadTable(r: Omit<OverheadResult, 'table'>): Table {
  const ns = r.nonStreaming;
  const st = r.streaming;
  const me = r.memory;
  const noCalls = 'no non-streaming rounds ran';
  const noStreams = 'no streaming rounds ran';
  const latency: Criterion = { scale: 'difference', better: 'lower', target: ns.targetAddedMs };
  const added = judge(ns.ours.addedMs, latency, ns.control.addedMs, noCalls);
  const addedCpu = judge(ns.ours.addedCpuMs, latency, ns.control.addedCpuMs, noCalls);
  const stream = judge(
    st.ratio,
    { scale: 'ratio', better: 'higher', target: st.target },
    st.controlRatio,
    noStreams,
  );
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
        `non-streaming calls/s (${ns.rounds} rounds × ${ns.callsPerRound} calls each of raw, ours, A/A twin)`,
        fixed(ns.rawCallsPerSec.median, 0),
        fixed(ns.oursCallsPerSec.median, 0),
        `${fmtSpread(ns.ours.ratio, 3)}×`,
        '',
        reported(ns.ours.ratio, noCalls),
      ],
      [
        'added wall latency per call',
        '',
        '',
        fmtSpread(ns.ours.addedMs, 3, ' ms'),
        `< ${ns.targetAddedMs} ms`,
        verdictCell(added),
      ],
      [
        'added client CPU per call',
        `${fixed(ns.rawCpuMsPerCall.median, 3)} ms`,
        `${fixed(ns.oursCpuMsPerCall.median, 3)} ms`,
        fmtSpread(ns.ours.addedCpuMs, 3, ' ms'),
        `< ${ns.targetAddedMs} ms`,
        verdictCell(addedCpu),
      ],
      [
        `A/A control: a second raw vs raw, same ${ns.rounds} rounds`,
        '',
        '',
        `${fmtSpread(ns.control.ratio, 3)}×, ${fmtSpread(ns.control.addedMs, 3, ' ms')}`,
        'noise floor',
        reported(ns.control.ratio, noCalls),
      ],
      ...tracingRows(r.tracing),
      [
        `streaming text parts/s (${st.chunks / 1000}k-chunk answer, ${st.rounds} rounds × 2 streams each)`,
        fixed(st.rawPartsPerSec.median, 0),
        fixed(st.oursPartsPerSec.median, 0),
        `${fmtSpread(st.ratio, 3)}×`,
        `≥ ${st.target.toFixed(2)}×, beyond A/A noise`,
        verdictCell(stream),
      ],
      [
        'streaming client CPU per text part',
        '',
        '',
        `${fmtSpread(st.cpuRatio, 3)}×`,
        '',
        reported(st.cpuRatio, noStreams),
      ],
      [
        `A/A control, streaming: a second raw vs raw, same ${st.rounds} rounds`,
        '',
        '',
        `${fmtSpread(st.controlRatio, 3)}×`,
        'noise floor',
        reported(st.controlRatio, noStreams),
      ],
      ...cpuRows(r.cpu),
      ...memoryRows('streamText', me.streamText, me.chunks),
      ...memoryRows('model.doStream() only', me.doStream, me.chunks),
    ],
    notes: [
      ...missNotes(r, added, addedCpu, stream),
      ...tracingNotes(r.tracing),
      CPU_NOTE,
      'Every round runs raw, ours and a second raw (the A/A control) interleaved: calls one by one in an order that rotates through all six, streams as x y z z y x with a rotating (x, y, z). Ours and the control are thus measured in the same rounds; ratios and differences are per round, shown as median (min–max).',
      "Raw = the mean of the two raw instances in each round. Judged against the control: a shortfall no larger than the control's own noise (how far the two identical raws came apart: its distance from 1×/0 ms or half its range, whichever is larger) is reported as inside A/A noise, not as a miss.",
      `The budget is split between the phases (calls, tracing over HTTP and without I/O, streams, CPU time, memory per level) when each starts; every phase runs at least its minimum rounds (2, 2, 2, 2; 300 CPU-time blocks each; 1 paired memory run), so no row is left without measurements. Shares (s): ${Object.entries(
        r.phaseShareMs,
      )
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`)
        .join(', ')}.`,
      'Client CPU = process.cpuUsage() of the bench process (the emulator runs in its own process), so it counts only the client-side cost of each call.',
      'Memory: each stream runs in a fresh Node process after a 1k-chunk warm-up and a forced GC; RSS and heap are sampled every 1,000 parts. RSS and peak heap growth move with module size and GC timing, so they are reported, not judged. Judged: the live heap held during the stream (after a forced GC every 25k parts) beyond raw, and the heap left after the stream and a forced GC, which is what a leak would grow ("flat").',
    ],
  };
}
