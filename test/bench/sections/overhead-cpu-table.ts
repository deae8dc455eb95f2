import { fixed, fmtSpread } from '../lib/format';
import { type Criterion, judge, verdictCell } from '../lib/judge';
import type { MedianInterval, Spread } from '../lib/stats';
import { type CpuStats, IDLE_TIMEOUT_MS } from './overhead-cpu';

/** Goals of issue 28: ours ÷ raw throughput with the idle timeout off and on, and added CPU per call. */
export const CPU_TARGETS = { idleOff: 0.99, idleOn: 0.98, addedMsPerCall: 0.02 } as const;

/** The CPU-time figures of a run (in-memory model, no network in the measurement). */
export type CpuResult = {
  /** Through `streamText`, `chunks` deltas per stream. */
  streamText: CpuStats & { chunks: number };
  /** Through the model's `doStream()` alone: the middleware's own per-part cost, magnified. */
  doStream: CpuStats & { chunks: number };
  /** `generateText`, `calls` calls per sample. */
  generate: CpuStats & { calls: number };
};

/** A median and its 95 % interval in the shape `judge` and `fmtSpread` read (min–max = the interval). */
const asSpread = (m: MedianInterval): Spread => ({
  min: m.low,
  median: m.median,
  max: m.high,
  n: m.n,
});

const none = 'no CPU-time blocks ran';
const ratioAbove = (target: number): Criterion => ({ scale: 'ratio', better: 'higher', target });

function streamRows(label: string, s: CpuStats & { chunks: number }, judged: boolean): string[][] {
  const control = asSpread(s.control);
  const row = (name: string, x: MedianInterval, added: MedianInterval, target: number) => [
    `${label}, ${name}: raw ÷ ours client CPU per part (${s.blocks} blocks of ${s.chunks}-part streams)`,
    `${fixed(s.rawCpuUs.median, 2)} µs/part`,
    `+${fixed(added.median, 2)} µs/part`,
    `${fmtSpread(asSpread(x), 3)}×`,
    judged ? `≥ ${target}×, beyond A/A noise` : 'reported',
    judged
      ? verdictCell(judge(asSpread(x), ratioAbove(target), control, none))
      : s.blocks > 0
        ? ''
        : verdictCell({ kind: 'not measured', detail: none }),
  ];
  return [
    row('idle timeout off', s.ours, s.oursAddedUs, CPU_TARGETS.idleOff),
    row(`idleTimeoutMs ${IDLE_TIMEOUT_MS}`, s.oursIdle, s.oursIdleAddedUs, CPU_TARGETS.idleOn),
    [
      `A/A control, ${label}: a second raw, same ${s.blocks} blocks`,
      '',
      `${fixed(s.controlAddedUs.median, 2)} µs/part`,
      `${fmtSpread(control, 3)}×`,
      'noise floor (≤ ±2 %)',
      s.blocks > 0 ? '' : verdictCell({ kind: 'not measured', detail: none }),
    ],
  ];
}

/** The rows of the CPU-time measurement: streaming through `streamText` (judged), `doStream()` only, and `generateText`. */
export function cpuRows(r: CpuResult): string[][] {
  const g = r.generate;
  const ms = (m: MedianInterval): Spread =>
    asSpread({ ...m, low: m.low / 1000, median: m.median / 1000, high: m.high / 1000 });
  const added: Criterion = {
    scale: 'difference',
    better: 'lower',
    target: CPU_TARGETS.addedMsPerCall,
  };
  return [
    ...streamRows('in-memory model via streamText', r.streamText, true),
    ...streamRows('in-memory model via doStream() only', r.doStream, false),
    [
      `in-memory model via generateText: added client CPU per call (${g.blocks} blocks of ${g.calls} calls)`,
      `${fixed(g.rawCpuUs.median / 1000, 4)} ms`,
      `+${fixed(g.oursAddedUs.median / 1000, 4)} ms`,
      `${fmtSpread(ms(g.oursAddedUs), 4, ' ms')}; A/A ${fmtSpread(ms(g.controlAddedUs), 4, ' ms')}`,
      `≤ ${CPU_TARGETS.addedMsPerCall} ms`,
      verdictCell(judge(ms(g.oursAddedUs), added, ms(g.controlAddedUs), none)),
    ],
  ];
}

/** How the CPU-time rows are measured, and why that method sees 1 %. */
export const CPU_NOTE =
  "CPU-time rows: the model is in memory (a ReadableStream of text deltas, one per pull; an answer ready at once), so no network or second process is in the measurement; each run is timed on the process's own CPU clock (process.cpuUsage), which does not advance while a busy machine runs other processes. Runs are short (a few ms) so most fit in one time slice, and run in blocks of raw, ours, ours + idle timeout and a second raw back to back (a balanced Latin square): each block gives one paired ratio per model, slow drifts (load, clock frequency) cancel inside it, and the median over blocks ignores the few runs that were preempted (cold caches). Shown: median (95 % interval of the median, from order statistics); the A/A control's interval is how small a change the row can see. Young-generation GC runs inside the runs where it falls (a full GC every 50 blocks, outside them), so the median counts the typical run's GC share. When the client is the bottleneck, as in a stream, raw ÷ ours CPU per part is the ours ÷ raw throughput ratio.";
