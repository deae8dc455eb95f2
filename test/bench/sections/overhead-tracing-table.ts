import { fixed, fmtSpread } from '../lib/format';
import { type Criterion, judge, type Verdict, verdictCell } from '../lib/judge';
import type { Spread } from '../lib/stats';
import type { TracingStats } from './overhead-tracing';

/** Goal of the issue: tracing on with the no-op provider adds at most this much per call. */
export const TRACING_TARGET_MS = 0.05;

/** The tracing figures of a run: over HTTP to the emulator, and around a model without I/O. */
export type TracingResult = { http: TracingStats; noIo: TracingStats };

/** The verdict cell of a row that is reported, not judged: empty, or "not measured" and why. */
function reported(s: Spread, why: string): string {
  return s.n > 0 ? '' : verdictCell({ kind: 'not measured', detail: why });
}

const why = (t: TracingStats) => t.stopped ?? 'no tracing rounds ran';
const target: Criterion = { scale: 'difference', better: 'lower', target: TRACING_TARGET_MS };

/** The judged figures (no-op provider): added wall time and client CPU per call, each against its A/A control. */
function verdicts(t: TracingStats): { wall: Verdict; cpu: Verdict } {
  return {
    wall: judge(t.noop.addedMs, target, t.control.addedMs, why(t)),
    cpu: judge(t.noop.addedCpuMs, target, t.control.addedCpuMs, why(t)),
  };
}

/** Rows of one setting (`over HTTP` or `without I/O`). */
function rowsOf(label: string, t: TracingStats): string[][] {
  const { wall, cpu } = verdicts(t);
  const spans = Number.isFinite(t.spansPerCall) ? `, ${fixed(t.spansPerCall, 2)} spans/call` : '';
  const each = `${t.rounds} rounds × ${t.callsPerRound} calls each of off, no-op, in-memory, A/A twin`;
  return [
    [
      `tracing ${label}, no-op provider: calls/s off → on, added wall latency per call (${each})`,
      fixed(t.offCallsPerSec.median, 0),
      fixed(t.noopCallsPerSec.median, 0),
      `${fmtSpread(t.noop.ratio, 3)}×, ${fmtSpread(t.noop.addedMs, 3, ' ms')}`,
      `≤ ${TRACING_TARGET_MS} ms`,
      verdictCell(wall),
    ],
    [
      `tracing ${label}, no-op provider: client CPU per call, off → on`,
      `${fixed(t.offCpuMsPerCall.median, 3)} ms`,
      `${fixed(t.noopCpuMsPerCall.median, 3)} ms`,
      fmtSpread(t.noop.addedCpuMs, 3, ' ms'),
      `≤ ${TRACING_TARGET_MS} ms`,
      verdictCell(cpu),
    ],
    [
      `tracing ${label}, in-memory exporter${spans}: calls/s off → on, added wall latency; client CPU per call`,
      fixed(t.offCallsPerSec.median, 0),
      fixed(t.memoryCallsPerSec.median, 0),
      `${fmtSpread(t.memory.ratio, 3)}×, ${fmtSpread(t.memory.addedMs, 3, ' ms')}; CPU ${fmtSpread(t.memory.addedCpuMs, 3, ' ms')}`,
      'reported',
      reported(t.memory.ratio, why(t)),
    ],
    [
      `A/A control, tracing ${label}: a second untraced ours vs the first, same ${t.rounds} rounds`,
      '',
      '',
      `${fmtSpread(t.control.ratio, 3)}×, ${fmtSpread(t.control.addedMs, 3, ' ms')}; CPU ${fmtSpread(t.control.addedCpuMs, 3, ' ms')}`,
      'noise floor',
      reported(t.control.ratio, why(t)),
    ],
  ];
}

/** The tracing rows of the overhead table: off = ours without `telemetry`, on = with `alayaOpenTelemetry()`. */
export function tracingRows(r: TracingResult): string[][] {
  return [...rowsOf('over HTTP', r.http), ...rowsOf('without I/O', r.noIo)];
}

/** Notes under the table: how the tracing rows were measured, and why a judged row is not met. */
export function tracingNotes(r: TracingResult): string[] {
  const notes: string[] = [];
  for (const [label, t] of [
    ['over HTTP', r.http],
    ['without I/O', r.noIo],
  ] as const) {
    const { wall, cpu } = verdicts(t);
    for (const [what, verdict] of [
      ['wall latency', wall],
      ['client CPU', cpu],
    ] as const) {
      if (verdict.kind === 'missed' || verdict.kind === 'noise') {
        notes.push(
          `Tracing ${label}, no-op provider, added ${what}: ${verdict.detail} ms per call.`,
        );
      }
    }
    if (t.noopRecords) {
      notes.push(
        `Tracing ${label}: the default tracer recorded a probe span, so a provider was registered and the no-op rows are not no-op.`,
      );
    }
  }
  notes.push(
    'Tracing rows: ours = alayaMiddleware() without telemetry (off); with telemetry: alayaOpenTelemetry() while no tracer, meter or context manager is registered (no-op: the @opentelemetry/api defaults); and with alayaOpenTelemetry({ tracer }) whose BasicTracerProvider hands every span to an InMemorySpanExporter through a SimpleSpanProcessor (reset every round). Off, no-op, in-memory and a second untraced ours (the A/A control) run call by call in every round, in the orders of a balanced Latin square (each takes every position and follows every other equally often); each traced model is compared with the mean of both untraced ones. Over HTTP: alaya(id) against the emulator, as above. Without I/O: the same middleware around a model that answers at once (MockLanguageModelV4), so the figure is the middleware and the tracer alone, free of the loopback noise. Goal: no-op ≤ 0.05 ms per call.',
  );
  return notes;
}
