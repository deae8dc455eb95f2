/**
 * Section 4: many instances. 4 processes × 25 callers against one rate-limited key of the emulator,
 * with no guard, with a guard on per-process memory, and with a guard on one shared Redis store.
 * Each configuration gets its share of the section budget (run length = share − settling − start-up,
 * within 3–15 s); the run's --seed orders the configurations.
 */
import { keyFingerprint, startEmulator } from '@alaya-code/emulator';
import { runFleet } from '../../support/fleet-run';
import { findRedisServer, startRedisServer } from '../../support/redis-server';
import { phaseShareMs } from '../lib/phases';
import { createRng } from '../lib/rng';
import type { SectionArgs } from '../lib/section';
import type { Table } from '../lib/table';
import { goalLine, judgeFigure } from './contention-goals';

const PROCESSES = 4;
const CALLERS = 25;
/** 50 requests per 5 s sliding window: a per-minute limit scaled down 12×. */
const RPM = 50;
const WINDOW_MS = 5_000;
/** Spawning 4 workers under tsx and their warm-up calls, on a loaded 2-core machine. */
const START_UP_MS = 10_000;
const API_KEY = 'bench-fleet-key';
const WARMUP_KEY = 'bench-fleet-warm-up-key';

type Mode = 'none' | 'none-aa' | 'memory' | 'redis' | 'redis-pacing';
const MODES: readonly Mode[] = ['none', 'none-aa', 'memory', 'redis', 'redis-pacing'];
const LABELS: Record<Mode, string> = {
  none: 'no guard',
  'none-aa': 'no guard (A/A)',
  memory: 'guard, per-process memory',
  redis: 'guard, shared Redis store',
  'redis-pacing': 'guard + pacing (learned), shared Redis store',
};
/** What each configuration runs as in the worker (`MODE`, `PACING`). */
const WORKER: Record<Mode, { MODE: string; PACING?: string }> = {
  none: { MODE: 'none' },
  'none-aa': { MODE: 'none' },
  memory: { MODE: 'memory' },
  redis: { MODE: 'redis' },
  'redis-pacing': { MODE: 'redis', PACING: 'true' },
};
const needsRedis = (mode: Mode) => mode === 'redis' || mode === 'redis-pacing';

/** One configuration's run, or why it did not run. */
export type FleetBenchRow = {
  mode: Mode;
  label: string;
  /** Why there are no figures (e.g. redis-server not installed). */
  notMeasured?: string;
  durationMs: number;
  requests: number;
  ok429: number;
  successes: number;
  failedCalls: number;
  /** onStoreError events, per process. */
  storeErrors: number[];
  /** Failed calls by error kind. */
  failedKinds: Record<string, number>;
  elapsedMs: number;
  /** 429s / requests sent. */
  rate429: number;
  /** 429s per successful call. */
  per429: number;
  /** Successful calls / the most the limit admits in the elapsed time (rpm × (1 + elapsed / window)). */
  goodput: number;
  /**
   * Steady state: 200s that arrived after the first window ÷ what the limit admits in the rest of
   * the run (the burst an empty window admits at once left out).
   */
  steadyGoodput: number;
};

/** What the fleet section returns. */
export type FleetBenchResult = {
  processes: number;
  callers: number;
  rpm: number;
  windowMs: number;
  seed: number;
  /** The order the configurations ran in (drawn from the run's --seed). */
  order: Mode[];
  rows: FleetBenchRow[];
  table: Table;
};

function emptyRow(mode: Mode, notMeasured: string): FleetBenchRow {
  return {
    mode,
    label: LABELS[mode],
    notMeasured,
    durationMs: 0,
    requests: 0,
    ok429: 0,
    successes: 0,
    failedCalls: 0,
    storeErrors: [],
    failedKinds: {},
    elapsedMs: 0,
    rate429: Number.NaN,
    per429: Number.NaN,
    goodput: Number.NaN,
    steadyGoodput: Number.NaN,
  };
}

/** A seeded Fisher–Yates shuffle, so no configuration always runs first on a cold machine. */
function seededOrder(seed: number): Mode[] {
  const rng = createRng(seed);
  const modes: Mode[] = [...MODES];
  for (let i = modes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [modes[i], modes[j]] = [modes[j]!, modes[i]!];
  }
  return modes;
}

export async function runFleetSection(args: SectionArgs): Promise<FleetBenchResult> {
  const { budget, seed, quick, log } = args;
  const order = seededOrder(seed);
  const redis = findRedisServer() ? await startRedisServer() : undefined;
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY, WARMUP_KEY],
    limits: { rpm: RPM, windowMs: WINDOW_MS },
  });
  const rows = new Map<Mode, FleetBenchRow>();
  try {
    const runnable = order.filter(mode => !needsRedis(mode) || redis);
    for (const mode of order) {
      if (needsRedis(mode) && !redis) {
        rows.set(mode, emptyRow(mode, 'redis-server is not installed'));
        continue;
      }
      const share = phaseShareMs(
        budget.remainingMs(),
        runnable.map(() => 1),
        runnable.indexOf(mode),
      );
      const durationMs = Math.round(
        // At least two windows: the steady-state goodput leaves the first one out.
        Math.min(quick ? 6_000 : 15_000, Math.max(2 * WINDOW_MS, share - WINDOW_MS - START_UP_MS)),
      );
      // Let the previous run's window empty so each run starts from a fresh limit.
      emulator.reset();
      await new Promise(resolve => setTimeout(resolve, WINDOW_MS));
      emulator.reset();
      const reports = await runFleet({
        processes: PROCESSES,
        timeoutMs: durationMs + 120_000,
        env: {
          ...WORKER[mode],
          EMULATOR_URL: emulator.url,
          REDIS_URL: redis?.url ?? '',
          REDIS_PREFIX: `bench:${seed}:${Date.now()}:`,
          API_KEY,
          WARMUP_KEY,
          // 4 × 25 callers on a 2-core machine starve the event loops for more than the default
          // 100 ms store timeout; production instances have their own CPUs.
          STORE_TIMEOUT_MS: '1000',
          CALLERS: String(CALLERS),
          DURATION_MS: String(durationMs),
        },
      });
      const chat = emulator.requests.filter(
        r => r.path === '/v1/chat/completions' && r.keyFingerprint === keyFingerprint(API_KEY),
      );
      const limited = chat.filter(r => r.status === 429).length;
      const successes = reports.reduce((sum, r) => sum + r.ok, 0);
      const failedKinds: Record<string, number> = {};
      for (const [kind, count] of reports.flatMap(r => Object.entries(r.failed))) {
        failedKinds[kind] = (failedKinds[kind] ?? 0) + count;
      }
      const elapsedMs = Math.max(...reports.map(r => r.elapsedMs));
      const startedAt = Math.min(...reports.flatMap(r => r.sends.map(send => send.at)));
      const steadyOk = chat.filter(r => r.status === 200 && r.time >= startedAt + WINDOW_MS).length;
      const row: FleetBenchRow = {
        mode,
        label: LABELS[mode],
        durationMs,
        requests: chat.length,
        ok429: limited,
        successes,
        failedCalls: Object.values(failedKinds).reduce((a, b) => a + b, 0),
        storeErrors: reports.map(r => r.storeErrors),
        failedKinds,
        elapsedMs,
        rate429: limited / Math.max(1, chat.length),
        per429: limited / Math.max(1, successes),
        // At most rpm calls fit in any window: rpm at the start, then rpm more per windowMs.
        goodput: successes / (RPM * (1 + elapsedMs / WINDOW_MS)),
        steadyGoodput: steadyOk / ((RPM * (elapsedMs - WINDOW_MS)) / WINDOW_MS),
      };
      rows.set(mode, row);
      log(
        `  ${row.label}: ${durationMs / 1000} s, ${row.requests} requests, ${row.ok429} 429s, ${row.successes} ok`,
      );
    }
  } finally {
    await emulator.close();
    await redis?.stop();
  }
  const ordered = MODES.map(mode => rows.get(mode)!);
  const result = {
    processes: PROCESSES,
    callers: CALLERS,
    rpm: RPM,
    windowMs: WINDOW_MS,
    seed,
    order,
  };
  return { ...result, rows: ordered, table: fleetTable(result, ordered) };
}

/** Issue 16's fleet goals: pacing on one Redis vs the unguarded fleet, against the A/A noise. */
function fleetGoals(rows: readonly FleetBenchRow[]): string[] {
  const of = (mode: Mode) => rows.find(row => row.mode === mode && !row.notMeasured);
  const [none, aa, paced] = [of('none'), of('none-aa'), of('redis-pacing')];
  const why = paced
    ? 'the unguarded fleet did not run'
    : 'the pacing row did not run (redis-server missing?)';
  const ratio = (
    a: FleetBenchRow | undefined,
    b: FleetBenchRow | undefined,
    pick: (r: FleetBenchRow) => number,
  ) => (a && b && pick(b) > 0 ? [pick(a) / pick(b)] : []);
  return [
    goalLine(
      `4 × 25 callers on one Redis with pacing (learned): 429s ≤ 5 % of the unguarded fleet's (${paced?.ok429 ?? 'n/a'} vs ${none?.ok429 ?? 'n/a'})`,
      judgeFigure(
        ratio(paced, none, r => r.ok429),
        0.05,
        'lower',
        ratio(aa, none, r => r.ok429),
        why,
      ),
    ),
    goalLine(
      '4 × 25 callers on one Redis with pacing: steady goodput ≥ 97 % of the limit',
      judgeFigure(
        paced ? [paced.steadyGoodput] : [],
        0.97,
        'higher',
        ratio(aa, none, r => r.steadyGoodput),
        why,
      ),
    ),
  ];
}

function fleetTable(
  r: Pick<FleetBenchResult, 'processes' | 'callers' | 'rpm' | 'windowMs' | 'order'>,
  rows: readonly FleetBenchRow[],
): Table {
  const shared = rows.find(row => row.mode === 'redis' && !row.notMeasured);
  const cell = (row: FleetBenchRow, value: string) => (row.notMeasured ? '' : value);
  return {
    title: `4. Many instances: ${r.processes} processes × ${r.callers} callers, one key limited to ${r.rpm} requests per ${r.windowMs / 1000} s`,
    columns: [
      'configuration',
      'run',
      'requests',
      '429s',
      '429s / requests',
      '429s per success',
      'successes',
      'failed calls',
      'goodput (of the limit)',
      'steady goodput',
    ],
    rows: rows.map(row => [
      row.label,
      row.notMeasured ? `not measured (${row.notMeasured})` : `${row.durationMs / 1000} s`,
      cell(row, String(row.requests)),
      cell(row, String(row.ok429)),
      cell(row, row.rate429.toFixed(2)),
      cell(row, row.per429.toFixed(2)),
      cell(row, String(row.successes)),
      cell(row, String(row.failedCalls)),
      cell(row, row.goodput.toFixed(2)),
      cell(row, row.steadyGoodput.toFixed(2)),
    ]),
    notes: [
      `Configurations ran in the order ${r.order.join(', ')} (drawn from the run's --seed), each after the key's window emptied; run length is each configuration's share of the section budget minus settling and start-up, within 10–15 s. Goodput = successes ÷ what the limit admits in the elapsed time, first window's burst included; steady goodput = 200s that arrived after the first window ÷ what the limit admits in the rest of the run. "no guard (A/A)" is the unguarded fleet run twice: the noise floor of the goals.`,
      ...fleetGoals(rows),
      ...(shared
        ? rows
            .filter(row => row !== shared && !row.notMeasured)
            .map(
              row =>
                `shared store vs ${row.label}: 429s × ${(shared.ok429 / Math.max(1, row.ok429)).toFixed(2)}, goodput × ${(shared.goodput / Math.max(1e-9, row.goodput)).toFixed(2)}`,
            )
        : ['no shared-store row: nothing to compare with']),
    ],
  };
}
