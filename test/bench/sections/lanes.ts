/**
 * Section `lanes` (issue 30): priority lanes and tenants under contention. One key at 120 RPM, learned
 * from the emulator's headers (not told). Lanes: 40 background callers loop while one interactive
 * caller makes a call every 2 s; ours with lanes (calls marked), ours without (nothing marked) and
 * the oracle (`bottleneck` told the limit, its `priority` option for the lanes), side by side, one
 * emulator each. Tenants: two background tenants of 40 and 2 callers, each tenant's share of the
 * slots. Run once; `BENCH_LANES_RUN_S` sets each run's length (at most 90 s).
 */
import { loadavg } from 'node:os';
import { oraclePriority } from '../contenders/oracle';
import type { Contender, TrueLimit } from '../contenders/types';
import { BENCH_API_KEY, startEmulatorProcess } from '../lib/emulator';
import { fmtMs, pct } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import { verdictCell } from '../lib/judge';
import { runCall } from '../lib/run-calls';
import type { SectionArgs } from '../lib/section';
import type { Table } from '../lib/table';
import { createTrafficFetch } from '../lib/traffic';
import { warmUp } from '../lib/warm-up';
import { goalLine } from './contention-goals';
import {
  judgeGoodput,
  judgeInteractiveWait,
  judgeTenantShares,
  tenantShares,
  type WaitFigures,
  waitFigures,
} from './lanes-figures';
import { type CallerGroup, type LanesRun, runLanes } from './lanes-run';
import { MODEL_A, MODEL_B } from './schedules';

const WINDOW_MS = 5_000;
export const LIMIT: TrueLimit = { requestsPerWindow: 10, windowMs: WINDOW_MS };
/** One slot of the limit: 5 s / 10 requests = 500 ms at 120 RPM. */
const SLOT_MS = WINDOW_MS / LIMIT.requestsPerWindow;
const BACKGROUND_CALLERS = 40;
const INTERACTIVE_EVERY_MS = 2_000;
const TENANTS = [
  { tenant: 'big', callers: 40 },
  { tenant: 'small', callers: 2 },
];
/** Long enough for a background call to wait its turn behind 40 others (40 × 0.5 s = 20 s). */
export const CALL_DEADLINE_MS = 30_000;
const RUN_MS = 60_000;
const MAX_RUN_MS = 90_000;
const QUICK_RUN_MS = 15_000;
/** Calls of one caller alone on an unlimited key, to measure the server's latency. */
const LATENCY_CALLS = 20;

export const OURS_LANES = 'ours + lanes';
export const OURS_UNMARKED = 'ours + pacing, unmarked';

/** Each run's length: `BENCH_LANES_RUN_S` seconds (clamped to 10–90), else 60 s (15 s quick). */
export function lanesRunMs(env: NodeJS.ProcessEnv, quick: boolean): number {
  const asked = Number(env.BENCH_LANES_RUN_S);
  if (env.BENCH_LANES_RUN_S !== undefined && Number.isFinite(asked) && asked > 0)
    return Math.min(MAX_RUN_MS, Math.max(10_000, asked * 1000));
  return quick ? QUICK_RUN_MS : RUN_MS;
}

/** A contender of this section and whether its calls are marked with their lane. */
type Row = { contender: Contender; marked: boolean };

function rowsOf(args: SectionArgs): Row[] {
  const pacing = args.contenders.contention.find(c => c.name === 'ours + pacing');
  if (!pacing) throw new Error('ours + pacing is not built (run pnpm build first)');
  return [
    { contender: { ...pacing, name: OURS_LANES }, marked: true },
    { contender: { ...pacing, name: OURS_UNMARKED }, marked: false },
    { contender: oraclePriority, marked: true },
  ];
}

/** The lanes run's callers: 40 background, 1 interactive every 2 s; `marked` gives them their lanes. */
function lanesGroups(marked: boolean): CallerGroup[] {
  return [
    {
      name: 'background',
      callers: BACKGROUND_CALLERS,
      lane: marked ? { priority: 'background' } : undefined,
      everyMs: 0,
      startAfterMs: 0,
    },
    {
      // Starts after the first window: the cold start's burst is not the steady state.
      name: 'interactive',
      callers: 1,
      lane: marked ? { priority: 'interactive' } : undefined,
      everyMs: INTERACTIVE_EVERY_MS,
      startAfterMs: WINDOW_MS,
    },
  ];
}

/** The tenants run's callers: two background tenants of 40 and 2 callers. */
function tenantGroups(marked: boolean): CallerGroup[] {
  return TENANTS.map(t => ({
    name: t.tenant,
    callers: t.callers,
    lane: marked ? { priority: 'background', tenant: t.tenant } : undefined,
    everyMs: 0,
    startAfterMs: 0,
  }));
}

/** Median time of one call alone on an unlimited key: the server's latency as the client sees it. */
async function measureServerLatency(url: string, contender: Contender): Promise<number> {
  const call = contender.build({
    baseURL: url,
    apiKey: BENCH_API_KEY,
    fetch: createTrafficFetch({ log: { attempts: [] } }),
    modelId: MODEL_A,
    fallbackModelId: undefined,
    deadlineMs: 10_000,
  });
  const times: number[] = [];
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const o = await runCall(call, { callId: `latency-${i}`, prompt: 'Hello.', deadlineMs: 10_000 });
    if (o.ok) times.push(o.ms);
  }
  return waitFigures(times).p50Ms;
}

/** Runs every row side by side, one emulator (one key at 120 RPM) each. */
async function sideBySide(
  rows: readonly Row[],
  groups: (marked: boolean) => CallerGroup[],
  durationMs: number,
): Promise<LanesRun[]> {
  collectGarbage();
  const emulators = await Promise.all(
    rows.map(() => startEmulatorProcess({ limits: { rpm: 10, windowMs: WINDOW_MS } })),
  );
  try {
    return await Promise.all(
      rows.map((r, k) =>
        runLanes(emulators[k]!, r.contender, {
          groups: groups(r.marked),
          durationMs,
          callDeadlineMs: CALL_DEADLINE_MS,
          limit: LIMIT,
        }),
      ),
    );
  } finally {
    await Promise.all(emulators.map(e => e.close()));
  }
}

/** The interactive caller's waits (its successful calls, from call start to answer). */
function interactiveWaits(run: LanesRun): WaitFigures & { failed: number } {
  const calls = run.groups.find(g => g.name === 'interactive')?.calls ?? [];
  return {
    ...waitFigures(calls.filter(c => c.outcome.ok).map(c => c.outcome.ms)),
    failed: calls.filter(c => !c.outcome.ok).length,
  };
}

/** Each tenant's successful calls that answered in the steady state (after the first window). */
function tenantSlots(run: LanesRun): number[] {
  return TENANTS.map(
    t =>
      run.groups
        .find(g => g.name === t.tenant)
        ?.calls.filter(c => c.outcome.ok && c.endedAtMs >= WINDOW_MS).length ?? 0,
  );
}

/** What the lanes section returns. */
export type LanesResult = {
  runMs: number;
  serverLatencyMs: number;
  loadAverage: number[];
  lanes: LanesRun[];
  tenants: LanesRun[];
  table: Table;
};

export async function runLanesSection(args: SectionArgs): Promise<LanesResult> {
  const runMs = lanesRunMs(process.env, args.quick);
  const rows = rowsOf(args);
  const r = {
    runMs,
    ...(await runLanesAndTenants(
      args.log,
      { contenders: rows.map(row => row.contender), latency: rows[1]!.contender },
      ({ groups }) => sideBySide(rows, groups, runMs),
    )),
  };
  return { ...r, table: lanesTable(r, '', oneProcess) };
}

/**
 * The lanes section's course, wherever its callers run: warms `warm.contenders` up on an unlimited
 * emulator (open until the end, for worker processes to warm up on: its URL goes to `sideBySide`),
 * measures the server's latency through `warm.latency`, then runs the lanes callers and the tenants
 * callers of every contender through `sideBySide` (`name`: which run; `groups(marked)`: its
 * callers, with their lanes when marked), and logs their figures.
 */
export async function runLanesAndTenants(
  log: (line: string) => void,
  warm: { contenders: readonly Contender[]; latency: Contender },
  sideBySide: (run: {
    name: 'lanes' | 'tenants';
    groups: (marked: boolean) => CallerGroup[];
    warmUrl: string;
  }) => Promise<LanesRun[]>,
): Promise<Pick<LanesResult, 'serverLatencyMs' | 'loadAverage' | 'lanes' | 'tenants'>> {
  const warmEmulator = await startEmulatorProcess();
  try {
    await warmUp(warmEmulator.url, warm.contenders, { modelId: MODEL_A, fallbackModelId: MODEL_B });
    const serverLatencyMs = await measureServerLatency(warmEmulator.url, warm.latency);
    log(`  server latency (median of ${LATENCY_CALLS} calls alone): ${fmtMs(serverLatencyMs)}`);
    const lanes = await sideBySide({
      name: 'lanes',
      groups: lanesGroups,
      warmUrl: warmEmulator.url,
    });
    for (const run of lanes) {
      const w = interactiveWaits(run);
      log(
        `  lanes ${run.contender}: interactive p50 ${fmtMs(w.p50Ms)} p99 ${fmtMs(w.p99Ms)} (n ${w.n}, ${w.failed} failed), goodput ${pct(run.goodputFraction, 1)}, ${run.rateLimited} 429s`,
      );
    }
    const tenants = await sideBySide({
      name: 'tenants',
      groups: tenantGroups,
      warmUrl: warmEmulator.url,
    });
    for (const run of tenants) {
      log(`  tenants ${run.contender}: slots ${tenantSlots(run).join(' / ')}`);
    }
    return { serverLatencyMs, loadAverage: loadavg(), lanes, tenants };
  } finally {
    await warmEmulator.close();
  }
}

/** How the one-process runs were made (the table's first notes). */
function oneProcess(r: Omit<LanesResult, 'table'>): string[] {
  return [
    `One run per contender, ${r.runMs / 1000} s each, side by side (one emulator process and key each); the first ${WINDOW_MS / 1000} s window is the cold start (goodput and tenant slots counted after it; the interactive caller starts after it). Call deadline ${CALL_DEADLINE_MS / 1000} s. Server latency (median of ${LATENCY_CALLS} calls alone): ${fmtMs(r.serverLatencyMs)}. Load average at the end: ${r.loadAverage.map(l => l.toFixed(2)).join(' ')}.`,
    `${OURS_LANES}: background calls marked priority 'background' (tenant calls also their tenant), the interactive one 'interactive'; ${OURS_UNMARKED}: the same build, nothing marked; the oracle: bottleneck told the limit, maxConcurrent 1 and schedule({ priority }) with interactive 0 and background 5 (it has no tenants; without maxConcurrent bottleneck's priority reorders nothing).`,
  ];
}

function errorsCell(run: LanesRun): string {
  const entries = Object.entries(run.errors);
  return entries.length === 0 ? '0' : entries.map(([name, n]) => `${n} ${name}`).join(', ');
}

/**
 * The lanes table: one row per contender of `r.lanes` (its tenants from `r.tenants`), the goals of
 * ours with lanes, and the others' verdicts. `where` follows the title ('' for one process);
 * `method` gives the notes that say how the runs were made.
 */
export function lanesTable<R extends Omit<LanesResult, 'table'>>(
  r: R,
  where: string,
  method: (r: R) => string[],
): Table {
  const rows = r.lanes.map(run => {
    const w = interactiveWaits(run);
    const t = r.tenants.find(x => x.contender === run.contender);
    const slots = t ? tenantSlots(t) : [];
    return [
      run.contender,
      `${fmtMs(w.p50Ms)} / ${fmtMs(w.p99Ms)} (n ${w.n}${w.failed ? `, ${w.failed} failed` : ''})`,
      `${Math.round(run.goodputPerMin)}/min (${pct(run.goodputFraction, 1)})`,
      String(run.rateLimited),
      errorsCell(run),
      t
        ? `${slots.join(' / ')} (${tenantShares(slots)
            .map(s => pct(s, 1))
            .join(' / ')})`
        : 'n/a',
    ];
  });
  const ours = r.lanes.find(x => x.contender === OURS_LANES);
  const oursTenants = r.tenants.find(x => x.contender === OURS_LANES);
  const notMeasured = { kind: 'not measured' as const, detail: `${OURS_LANES} did not run` };
  return {
    title: `Lanes and tenants${where}: one key at 120 RPM learned, ${BACKGROUND_CALLERS} background callers + 1 interactive every ${INTERACTIVE_EVERY_MS / 1000} s; tenants of ${TENANTS.map(t => t.callers).join(' and ')} callers`,
    columns: [
      'Contender',
      'Interactive wait p50 / p99',
      'Total goodput (steady state)',
      '429s',
      'Failed calls (lanes run)',
      `Tenants ${TENANTS.map(t => `${t.tenant} (${t.callers})`).join(' / ')}: slots (shares)`,
    ],
    rows,
    notes: [
      ...method(r),
      goalLine(
        `${OURS_LANES}: interactive p99 wait ≤ one slot (${fmtMs(SLOT_MS)}) + the server's latency`,
        ours
          ? judgeInteractiveWait(interactiveWaits(ours).p99Ms, SLOT_MS, r.serverLatencyMs)
          : notMeasured,
      ),
      goalLine(
        `${OURS_LANES}: total goodput ≥ 97 % of the limit`,
        ours ? judgeGoodput(ours.goodputFraction) : notMeasured,
      ),
      goalLine(
        `${OURS_LANES}: two tenants of ${TENANTS.map(t => t.callers).join(' and ')} callers each within 10 % of an equal share`,
        oursTenants ? judgeTenantShares(tenantSlots(oursTenants)) : notMeasured,
      ),
      `Verdicts of the others (not goals): ${r.lanes
        .filter(x => x.contender !== OURS_LANES)
        .map(
          x =>
            `${x.contender}: wait ${verdictCell(judgeInteractiveWait(interactiveWaits(x).p99Ms, SLOT_MS, r.serverLatencyMs))}, goodput ${verdictCell(judgeGoodput(x.goodputFraction))}`,
        )
        .join('; ')}.`,
    ],
  };
}
