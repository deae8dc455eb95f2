/**
 * Shared-store benchmark: 4 processes × 25 callers against one RPM-limited key of the emulator,
 * with no guard, with a guard on per-process memory, and with a guard on one shared Redis store.
 * Prints 429s and goodput as ratios. Standalone:
 *
 *   cd test && node --import tsx fleet/bench-fleet.ts       (packages built: pnpm build)
 *
 * Env: BENCH_FLEET_DURATION_MS (default 15000), BENCH_FLEET_RPM (50), BENCH_FLEET_WINDOW_MS (5000: a
 * per-minute limit scaled down 12×),
 * BENCH_FLEET_MODES (default none,memory,redis), BENCH_FLEET_JSON=path to also write the result as JSON.
 */
import { writeFileSync } from 'node:fs';
import { keyFingerprint, startEmulator } from '@alaya-code/emulator';
import { findRedisServer, startRedisServer } from './redis-server';
import { runFleet } from './run-fleet';

const PROCESSES = 4;
const CALLERS = 25;

/** Run length and the emulator's limit (defaults from the BENCH_FLEET_* variables). */
export interface FleetBenchOptions {
  durationMs?: number;
  rpm?: number;
  windowMs?: number;
}
const API_KEY = 'bench-fleet-key';
const WARMUP_KEY = 'bench-fleet-warm-up-key';

/** One row of the table. */
export interface FleetBenchRow {
  mode: 'none' | 'memory' | 'redis';
  label: string;
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
}

const LABELS = {
  none: 'no guard',
  memory: 'guard, per-process memory',
  redis: 'guard, shared Redis store',
} as const;

/** Runs the three configurations (about 3 × (durationMs + 5 s)) and returns their rows. */
export async function benchFleet(options: FleetBenchOptions = {}): Promise<FleetBenchResult> {
  const durationMs = options.durationMs ?? Number(process.env.BENCH_FLEET_DURATION_MS ?? 15_000);
  const rpm = options.rpm ?? Number(process.env.BENCH_FLEET_RPM ?? 50);
  const windowMs = options.windowMs ?? Number(process.env.BENCH_FLEET_WINDOW_MS ?? 5000);
  const redis = findRedisServer() ? await startRedisServer() : undefined;
  if (!redis)
    console.warn('[bench-fleet] redis-server not installed: the shared-store row is skipped');
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY, WARMUP_KEY],
    limits: { rpm, windowMs },
  });
  const rows: FleetBenchRow[] = [];
  try {
    const modes = (process.env.BENCH_FLEET_MODES ?? 'none,memory,redis').split(',');
    for (const mode of ['none', 'memory', 'redis'] as const) {
      if (!modes.includes(mode)) continue;
      if (mode === 'redis' && !redis) continue;
      emulator.reset();
      // Let the previous run's window empty so each run starts from a fresh limit.
      await new Promise(resolve => setTimeout(resolve, windowMs));
      emulator.reset();
      const reports = await runFleet({
        processes: PROCESSES,
        timeoutMs: durationMs + 120_000,
        env: {
          MODE: mode,
          EMULATOR_URL: emulator.url,
          REDIS_URL: redis?.url ?? '',
          REDIS_PREFIX: `bench:${Date.now()}:`,
          API_KEY,
          WARMUP_KEY,
          // 4 × 25 callers on a 2-core machine starve the event loops for more than the default
          // 100 ms store timeout; production instances have their own CPUs.
          STORE_TIMEOUT_MS: process.env.BENCH_FLEET_STORE_TIMEOUT_MS ?? '1000',
          CALLERS: String(CALLERS),
          DURATION_MS: String(durationMs),
        },
      });
      const chat = emulator.requests.filter(
        r => r.path === '/v1/chat/completions' && r.keyFingerprint === keyFingerprint(API_KEY),
      );
      const limited = chat.filter(r => r.status === 429).length;
      const successes = reports.reduce((sum, r) => sum + r.ok, 0);
      const failedCalls = reports.reduce(
        (sum, r) => sum + Object.values(r.failed).reduce((a, b) => a + b, 0),
        0,
      );
      const failedKinds: Record<string, number> = {};
      for (const [kind, count] of reports.flatMap(r => Object.entries(r.failed))) {
        failedKinds[kind] = (failedKinds[kind] ?? 0) + count;
      }
      const elapsedMs = Math.max(...reports.map(r => r.elapsedMs));
      rows.push({
        mode,
        label: LABELS[mode],
        requests: chat.length,
        ok429: limited,
        successes,
        failedCalls,
        storeErrors: reports.map(r => r.storeErrors),
        failedKinds,
        elapsedMs,
        rate429: limited / Math.max(1, chat.length),
        per429: limited / Math.max(1, successes),
        // At most rpm calls fit in any window: rpm at the start, then rpm more per windowMs.
        goodput: successes / (rpm * (1 + elapsedMs / windowMs)),
      });
    }
  } finally {
    await emulator.close();
    await redis?.stop();
  }
  return { processes: PROCESSES, callers: CALLERS, durationMs, rpm, windowMs, rows };
}

/** What {@link benchFleet} measured. */
export interface FleetBenchResult {
  processes: number;
  callers: number;
  durationMs: number;
  rpm: number;
  windowMs: number;
  rows: FleetBenchRow[];
}

/**
 * The result in the shape of test/bench's `Table` (title, columns, rows, notes), for a `fleet`
 * section of `pnpm bench`.
 */
export function fleetBenchTable(result: FleetBenchResult): {
  title: string;
  columns: string[];
  rows: string[][];
  notes: string[];
} {
  const shared = result.rows.find(row => row.mode === 'redis');
  return {
    title: `Many instances: ${result.processes} processes × ${result.callers} callers, one key limited to ${result.rpm} per ${result.windowMs} ms`,
    columns: [
      'configuration',
      'requests',
      '429s',
      '429s / requests',
      '429s per success',
      'successes',
      'failed calls',
      'goodput',
    ],
    rows: result.rows.map(row => [
      row.label,
      String(row.requests),
      String(row.ok429),
      row.rate429.toFixed(2),
      row.per429.toFixed(2),
      String(row.successes),
      String(row.failedCalls),
      row.goodput.toFixed(2),
    ]),
    notes: shared
      ? result.rows
          .filter(row => row !== shared)
          .map(
            row =>
              `shared store vs ${row.label}: 429s × ${(shared.ok429 / Math.max(1, row.ok429)).toFixed(2)}, goodput × ${(shared.goodput / Math.max(1e-9, row.goodput)).toFixed(2)}`,
          )
      : ['redis-server not installed: no shared-store row'],
  };
}

/** The result as a Markdown table. */
export function formatFleetTable({ durationMs, rpm, windowMs, rows }: FleetBenchResult): string {
  const lines = [
    `${PROCESSES} processes × ${CALLERS} callers, one key limited to ${rpm} requests per ${windowMs} ms (sliding window), ${durationMs / 1000} s per run`,
    '',
    '| configuration | requests | 429s | 429s / requests | 429s per success | successful calls | failed calls | goodput (of the limit) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.label} | ${row.requests} | ${row.ok429} | ${row.rate429.toFixed(2)} | ${row.per429.toFixed(2)} | ${row.successes} | ${row.failedCalls} | ${row.goodput.toFixed(2)} |`,
    );
  }
  const shared = rows.find(row => row.mode === 'redis');
  if (shared) {
    for (const other of rows.filter(row => row.mode !== 'redis')) {
      lines.push(
        '',
        `shared store vs ${other.label}: 429s × ${(shared.ok429 / Math.max(1, other.ok429)).toFixed(2)}, ` +
          `429s per success × ${(shared.per429 / Math.max(1e-9, other.per429)).toFixed(2)}, ` +
          `goodput × ${(shared.goodput / Math.max(1e-9, other.goodput)).toFixed(2)}`,
      );
    }
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchFleet();
  console.log(formatFleetTable(rows));
  if (process.env.BENCH_FLEET_JSON)
    writeFileSync(process.env.BENCH_FLEET_JSON, JSON.stringify(rows, null, 2));
}
