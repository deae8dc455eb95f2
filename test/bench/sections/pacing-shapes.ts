/**
 * Section 5 (`--section shapes`): pacing where Alaya is — 429 + `Retry-After` in whole seconds and
 * no `x-ratelimit-*` headers — against servers of our own shaped three ways (sliding window, fixed
 * window aligned to the clock, token bucket of capacity 5) at 20, 60 and 300 requests per "minute",
 * plus a plan upgrade mid-run. Time is scaled: a bench minute is {@link BENCH_MINUTE_MS} (6× faster,
 * limits per bench minute as Alaya's plans state them per minute). Ours with pacing (not told the
 * limit), `bottleneck` told it (the oracle) and the AI SDK's built-in run side by side, each against
 * its own server, and every cell repeats: the spread of the repetitions is the noise.
 * `BENCH_SHAPES=sliding-60,fixed-20` runs only the cells named.
 */
import { builtin } from '../contenders/builtin';
import { oracle } from '../contenders/oracle';
import type { Contender } from '../contenders/types';
import { fixed, fmtSpread } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import { type LimitServer, startLimitServer } from '../lib/limit-server';
import type { LimitShapeKind } from '../lib/limit-shapes';
import type { SectionArgs, SectionResult } from '../lib/section';
import { type Spread, spread } from '../lib/stats';
import type { Table } from '../lib/table';
import type { TrafficLog } from '../lib/traffic';
import { type ContentionRun, runContender } from './contention-run';
import {
  coldStart429s,
  goodputOver,
  insideRetryAfter,
  recoveryMs,
  withClientTimes,
} from './pacing-shapes-figures';

/** The bench's minute: 10 s of wall time (a run of 30 s covers three bench minutes). */
export const BENCH_MINUTE_MS = 10_000;
const SCALE = 60_000 / BENCH_MINUTE_MS;
const RUN_MS = 30_000;
const CHANGE_RUN_MS = 40_000;
/** A fixed window's goodput is read over whole windows of the clock: at least two after the first. */
const FIXED_RUN_MS = 40_000;
const CALL_DEADLINE_MS = 10_000;
/** Recovery is read over a trailing fifth of a bench minute (2 s of wall time, 12 bench seconds). */
const RECOVERY_BIN_MS = BENCH_MINUTE_MS / 5;

/** One server the contenders meet. */
export type ShapeCell = {
  id: string;
  kind: LimitShapeKind;
  /** Requests per bench minute. */
  limit: number;
  /** A plan change: after `afterMs` of the run the limit becomes `limit`. */
  change?: { afterMs: number; limit: number };
  runMs: number;
};

const KINDS: LimitShapeKind[] = ['sliding', 'fixed', 'bucket'];
const LIMITS = [20, 60, 300];

/** Every cell: each shape at each limit, then a sliding window upgraded from 60 to 120 half-way. */
export function shapeCells(filter: string | undefined): ShapeCell[] {
  const cells: ShapeCell[] = [
    ...KINDS.flatMap(kind =>
      LIMITS.map(limit => ({
        id: `${kind}-${limit}`,
        kind,
        limit,
        runMs: kind === 'fixed' ? FIXED_RUN_MS : RUN_MS,
      })),
    ),
    {
      id: 'sliding-60-to-120',
      kind: 'sliding',
      limit: 60,
      change: { afterMs: CHANGE_RUN_MS / 2, limit: 120 },
      runMs: CHANGE_RUN_MS,
    },
  ];
  const wanted = filter
    ?.split(',')
    .map(s => s.trim())
    .filter(Boolean);
  if (!wanted || wanted.length === 0) return cells;
  const unknown = wanted.filter(id => !cells.some(c => c.id === id));
  if (unknown.length > 0)
    throw new Error(
      `unknown shape cell ${unknown.join(', ')} (one of ${cells.map(c => c.id).join(', ')})`,
    );
  return cells.filter(c => wanted.includes(c.id));
}

/** Callers: twice the limit's rate in calls per second (each caller starts a call at most once a second), at least 10. */
function callersFor(limit: number): number {
  return Math.max(10, Math.ceil(((2 * limit) / BENCH_MINUTE_MS) * 1000));
}

/** One contender's figures in one run of a cell. */
export type ShapeRun = {
  cell: string;
  contender: string;
  goodput: number;
  cold429s: number;
  total429s: number;
  /** Requests that arrived inside a Retry-After on the key, sent after its 429 had reached the client. */
  insideRetryAfter: number;
  /** Requests that arrived inside a Retry-After, sent before its 429 reached the client (in flight). */
  inFlightInsideRetryAfter: number;
  /** Requests a call sent inside the Retry-After that same call was told (the contention section's count). */
  earlyPerCall: number;
  /** Calls that failed (refused for their deadline, or cut by it). */
  failed: number;
  calls: number;
  /** Wall ms to ≥ 95 % of the new limit after a change (`null`: not within the run). */
  recoveryMs?: number | null;
};

/**
 * The steady state: after the first bench minute until the run ends (or the limit changes); for a
 * fixed window, the whole windows of the clock within that (a partial window at each end would count
 * up to a full window's successes in part of one).
 */
function steadySpan(cell: ShapeCell, start: number, changeAt: number | undefined) {
  const from = start + BENCH_MINUTE_MS;
  const to = changeAt ?? start + cell.runMs;
  if (cell.kind !== 'fixed') return { from, to };
  return {
    from: Math.ceil(from / BENCH_MINUTE_MS) * BENCH_MINUTE_MS,
    to: Math.floor(to / BENCH_MINUTE_MS) * BENCH_MINUTE_MS,
  };
}

async function runCell(cell: ShapeCell, contenders: readonly Contender[]): Promise<ShapeRun[]> {
  const start = Date.now();
  const change = cell.change
    ? { at: start + cell.change.afterMs, limit: cell.change.limit }
    : undefined;
  const servers: LimitServer[] = await Promise.all(
    contenders.map(() =>
      startLimitServer({
        kind: cell.kind,
        limit: cell.limit,
        windowMs: BENCH_MINUTE_MS,
        ...(change ? { change } : {}),
      }),
    ),
  );
  try {
    const shape = {
      variant: cell.id,
      callers: callersFor(Math.max(cell.limit, cell.change?.limit ?? 0)),
      durationMs: cell.runMs,
      callDeadlineMs: CALL_DEADLINE_MS,
      limit: { requestsPerWindow: cell.limit, windowMs: BENCH_MINUTE_MS },
      prompt: (caller: number, call: number) => `Caller ${caller}, call ${call}: say hello.`,
    };
    const logs: TrafficLog[] = contenders.map(() => ({ attempts: [] }));
    const done: ContentionRun[] = await Promise.all(
      contenders.map((c, k) => runContender(servers[k]!, c, shape, logs[k])),
    );
    return done.map((run, k) => {
      const served = servers[k]!.served();
      const span = steadySpan(cell, start, change?.at);
      const inside = insideRetryAfter(
        withClientTimes(served, logs[k]!.attempts, performance.timeOrigin),
      );
      return {
        cell: cell.id,
        contender: run.contender,
        goodput: goodputOver(served, span, cell.limit, BENCH_MINUTE_MS),
        cold429s: coldStart429s(served, start, BENCH_MINUTE_MS),
        total429s: served.filter(r => r.status === 429).length,
        insideRetryAfter: inside.sent,
        inFlightInsideRetryAfter: inside.inFlight,
        earlyPerCall: run.earlyRequests,
        failed: run.callsSettled - run.successes,
        calls: run.callsSettled,
        ...(change
          ? { recoveryMs: recoveryMs(served, change, BENCH_MINUTE_MS, RECOVERY_BIN_MS) ?? null }
          : {}),
      };
    });
  } finally {
    await Promise.all(servers.map(s => s.close()));
  }
}

/** What the shapes section returns. */
export type ShapesResult = SectionResult & { runs: ShapeRun[]; repetitions: number };

const PACING = 'ours + pacing';

export async function runPacingShapes(args: SectionArgs): Promise<ShapesResult> {
  const { log, quick, budget } = args;
  const cells = shapeCells(process.env.BENCH_SHAPES);
  const ours = args.contenders.contention.filter(c => c.name === PACING);
  const contenders = [...ours, oracle, builtin];
  const minReps = quick ? 1 : 2;
  const runs: ShapeRun[] = [];
  let repetitions = 0;
  for (let rep = 0; rep < (quick ? 1 : 5); rep++) {
    const cost = cells.reduce((sum, c) => sum + c.runMs, 0);
    if (rep >= minReps && budget.remainingMs() < cost) break;
    for (const cell of cells) {
      collectGarbage();
      const done = await runCell(cell, contenders);
      for (const r of done)
        log(
          `  [${rep + 1}] ${cell.id} ${r.contender}: goodput ${fixed(r.goodput)}, cold 429s ${r.cold429s}, 429s ${r.total429s}, inside Retry-After ${r.insideRetryAfter} sent after its 429 was read + ${r.inFlightInsideRetryAfter} in flight (per call ${r.earlyPerCall}), failed ${r.failed}/${r.calls}${r.recoveryMs === undefined ? '' : `, recovery ${r.recoveryMs ?? 'none'} ms`}`,
        );
      runs.push(...done);
    }
    repetitions++;
  }
  return { table: shapesTable(cells, contenders, runs, repetitions), runs, repetitions };
}

const spreadOf = (runs: readonly ShapeRun[], pick: (r: ShapeRun) => number): Spread =>
  spread(runs.map(pick));

function fmtCount(s: Spread): string {
  return s.min === s.max ? String(s.median) : `${s.median} (${s.min}–${s.max})`;
}

function fmtRecovery(runs: readonly ShapeRun[]): string {
  if (runs[0]?.recoveryMs === undefined) return '—';
  return runs
    .map(r => (r.recoveryMs === null ? 'none' : `${((r.recoveryMs! * SCALE) / 1000).toFixed(0)} s`))
    .join(', ');
}

/** The table: one row per cell and contender, medians (min–max over the repetitions). */
export function shapesTable(
  cells: readonly ShapeCell[],
  contenders: readonly Contender[],
  runs: readonly ShapeRun[],
  repetitions: number,
): Table {
  const rows = cells.flatMap(cell =>
    contenders.map(c => {
      const mine = runs.filter(r => r.cell === cell.id && r.contender === c.name);
      return [
        cell.id,
        c.name,
        fmtSpread(spreadOf(mine, r => r.goodput)),
        fmtCount(spreadOf(mine, r => r.cold429s)),
        fmtCount(spreadOf(mine, r => r.total429s)),
        fmtCount(spreadOf(mine, r => r.insideRetryAfter)),
        fmtCount(spreadOf(mine, r => r.inFlightInsideRetryAfter)),
        fmtCount(spreadOf(mine, r => r.earlyPerCall)),
        fmtCount(spreadOf(mine, r => r.failed)),
        fmtRecovery(mine),
      ];
    }),
  );
  return {
    title: 'Pacing without rate headers: server shapes (429 + Retry-After in whole seconds only)',
    columns: [
      'cell (shape-limit per bench minute)',
      'contender',
      'steady goodput / limit',
      'cold-start 429s',
      '429s',
      'inside a Retry-After (key), sent after its 429 was read',
      'inside a Retry-After, in flight',
      'inside its own Retry-After (call)',
      'failed calls',
      'recovery to 95 % (bench s)',
    ],
    rows,
    notes: [
      `A bench minute is ${BENCH_MINUTE_MS / 1000} s of wall time (limits per bench minute; Retry-After in whole wall seconds, so 6× coarser than a real minute's). Runs of ${RUN_MS / 1000} s, fixed windows ${FIXED_RUN_MS / 1000} s (the first bench minute is the cold start; goodput over the rest, for a fixed window over the whole clock windows in it), the upgrade cell ${CHANGE_RUN_MS / 1000} s with the change half-way (goodput before it; recovery: wall time × ${SCALE} until the successes over a trailing ${RECOVERY_BIN_MS / 1000} s reach 95 % of the new limit, per repetition).`,
      `${repetitions} repetition(s) per cell; median (min–max): the spread is the noise. Each contender has its own server, all three run at once; callers: twice the limit's rate (1 call/s each, at least 10); deadline ${CALL_DEADLINE_MS / 1000} s.`,
      `"inside a Retry-After (key)": requests that reached the server while a Retry-After it had sent on the key ran (any caller), split by the client's clock: sent after that 429's answer reached the client's fetch (a client honouring Retry-After sends none), or sent before it and still on their way (servers and clients share one event loop here: on a loaded machine a request takes up to hundreds of ms from fetch to the server's handler). The oracle is told only the starting limit.`,
    ],
  };
}
