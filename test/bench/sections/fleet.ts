/**
 * Section 4: many instances. 4 processes × 25 callers against one rate-limited key of the emulator,
 * with no guard, with a guard on per-process memory, with a guard on one shared Redis store, and
 * with pacing on it. Every configuration runs once per round (3 rounds, 2 when the budget is short;
 * 1 in a quick run), in an order drawn from the run's --seed and the round; each run gets its share
 * of what is left of the section budget (run length = share − settling − start-up, within 10–15 s).
 */
import { keyFingerprint, startEmulator } from '@alaya-code/emulator';
import { runFleet } from '../../support/fleet-run';
import { findRedisServer, startRedisServer } from '../../support/redis-server';
import { createRng } from '../lib/rng';
import type { SectionArgs } from '../lib/section';
import type { Table } from '../lib/table';
import { steadyGoodput } from './fleet-goodput';
import { fleetTable } from './fleet-table';

const PROCESSES = 4;
const CALLERS = 25;
/** 50 requests per 5 s sliding window: a per-minute limit scaled down 12×. */
const RPM = 50;
const WINDOW_MS = 5_000;
/** Spawning 4 workers under tsx and their warm-up calls, on a loaded 2-core machine. */
const START_UP_MS = 10_000;
const API_KEY = 'bench-fleet-key';
const WARMUP_KEY = 'bench-fleet-warm-up-key';

/** Rounds of every configuration (at least {@link MIN_ROUNDS} whatever the budget says). */
const ROUNDS = 3;
const MIN_ROUNDS = 2;

export type Mode = 'none' | 'none-aa' | 'memory' | 'redis' | 'redis-pacing';
export const MODES: readonly Mode[] = ['none', 'none-aa', 'memory', 'redis', 'redis-pacing'];
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
  /** The round it ran in (0-based). */
  round: number;
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
  /** The order the configurations ran in, per round (drawn from the run's --seed). */
  orders: Mode[][];
  /** Every run, in the order they ran. */
  rows: FleetBenchRow[];
  table: Table;
};

function emptyRow(mode: Mode, round: number, notMeasured: string): FleetBenchRow {
  return {
    mode,
    round,
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
  const redis = findRedisServer() ? await startRedisServer() : undefined;
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY, WARMUP_KEY],
    limits: { rpm: RPM, windowMs: WINDOW_MS },
  });
  const rounds = quick ? 1 : ROUNDS;
  const runnable = MODES.filter(mode => !needsRedis(mode) || redis);
  const orders: Mode[][] = [];
  const rows: FleetBenchRow[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Past the minimum, a round runs only if its runs still get their shortest length.
      const perRun = budget.remainingMs() / ((rounds - round) * runnable.length);
      if (round >= MIN_ROUNDS && perRun < 2 * WINDOW_MS + WINDOW_MS + START_UP_MS) break;
      const order = seededOrder(seed + round);
      orders.push(order);
      for (const mode of order) {
        if (needsRedis(mode) && !redis) {
          rows.push(emptyRow(mode, round, 'redis-server is not installed'));
          continue;
        }
        const runsLeft = (rounds - round) * runnable.length - runnable.indexOf(mode);
        const share = budget.remainingMs() / Math.max(1, runsLeft);
        const durationMs = Math.round(
          // At least two windows: the steady-state goodput leaves the first one out.
          Math.min(
            quick ? 6_000 : 15_000,
            Math.max(2 * WINDOW_MS, share - WINDOW_MS - START_UP_MS),
          ),
        );
        const row = await runOnce(mode, round, durationMs);
        rows.push(row);
        log(
          `  [${round + 1}] ${row.label}: ${durationMs / 1000} s, ${row.requests} requests, ${row.ok429} 429s, ${row.successes} ok`,
        );
      }
    }
  } finally {
    await emulator.close();
    await redis?.stop();
  }
  const result = {
    processes: PROCESSES,
    callers: CALLERS,
    rpm: RPM,
    windowMs: WINDOW_MS,
    seed,
    orders,
  };
  return { ...result, rows, table: fleetTable(result, rows) };

  /** One configuration's run on a key whose window emptied first. */
  async function runOnce(mode: Mode, round: number, durationMs: number): Promise<FleetBenchRow> {
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
    return {
      mode,
      round,
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
      steadyGoodput: steadyGoodput(chat, startedAt, RPM, WINDOW_MS),
    };
  }
}
