/**
 * Section `lanes-fleet` (issue 30): the lanes section's load spread over 4 processes that share one
 * Redis. Same key (120 RPM, learned from the emulator's headers, not told), same callers (40
 * background + 1 interactive every 2 s; two background tenants of 40 and 2), same figures and goals
 * as section `lanes`; each run's callers are dealt to 4 worker processes (lanes-fleet-worker.ts),
 * each with its own middleware and a guard on one `redis-server` (`@alaya-code/ai-sdk-store-redis`).
 * Contenders: ours with lanes and ours unmarked, side by side (one emulator process, one Redis
 * prefix and 4 workers each). The oracle is left out: bottleneck's Redis clustering needs the
 * callback API of `redis` 3 or `ioredis`, and test/ has `redis` 5. Skipped, saying why, when
 * `redis-server` is not installed. `BENCH_LANES_RUN_S` sets each run's length, within the budget.
 */
import { fileURLToPath } from 'node:url';
import { runFleet } from '../../support/fleet-run';
import { findRedisServer, type RedisServer, startRedisServer } from '../../support/redis-server';
import { oursPacing } from '../contenders/ours-pacing';
import { sleep } from '../lib/budget';
import { type BenchEmulator, startEmulatorProcess } from '../lib/emulator';
import { fmtMs } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import type { SectionArgs } from '../lib/section';
import type { Table } from '../lib/table';
import {
  CALL_DEADLINE_MS,
  type LanesResult,
  LIMIT,
  lanesRunMs,
  lanesTable,
  OURS_LANES,
  OURS_UNMARKED,
  runLanesAndTenants,
} from './lanes';
import { dealCallers, lanesFleetRunMs, mergeGroupRuns } from './lanes-fleet-figures';
import type { LanesFleetReport, LanesFleetWorkerConfig } from './lanes-fleet-worker';
import { type CallerGroup, type LanesRun, lanesRunOf } from './lanes-run';

const PROCESSES = 4;
const WORKER = fileURLToPath(new URL('./lanes-fleet-worker.ts', import.meta.url));
/** As in the fleet section: 8 processes on 2 cores starve event loops past the default 100 ms. */
const STORE_TIMEOUT_MS = 1_000;

/** A contender of this section: ours, its calls marked with their lane or not. */
type Row = { name: string; marked: boolean };
const ROWS: readonly Row[] = [
  { name: OURS_LANES, marked: true },
  { name: OURS_UNMARKED, marked: false },
];

/** What the lanes-fleet section returns. */
export type LanesFleetResult = Omit<LanesResult, 'table'> & {
  processes: number;
  /** `onStoreError` events per run (`lanes` / `tenants`, contender), per process. */
  storeErrors: Record<string, number[]>;
  /** Why there are no figures (redis-server not installed). */
  notMeasured?: string;
  table: Table;
};

export async function runLanesFleetSection(args: SectionArgs): Promise<LanesFleetResult> {
  const { log, quick, seed, budget } = args;
  if (!findRedisServer()) {
    const why = 'redis-server is not installed (apt-get install redis-server): section skipped';
    log(`  ${why}`);
    return skipped(why);
  }
  const runMs = lanesFleetRunMs(lanesRunMs(process.env, quick), budget.remainingMs());
  const redis = await startRedisServer();
  const storeErrors: Record<string, number[]> = {};
  try {
    const r = {
      runMs,
      processes: PROCESSES,
      storeErrors,
      ...(await runLanesAndTenants(
        log,
        { contenders: [oursPacing], latency: oursPacing },
        async ({ name, groups, warmUrl }) => {
          collectGarbage();
          const emulators = await Promise.all(
            ROWS.map(() =>
              startEmulatorProcess({
                limits: { rpm: LIMIT.requestsPerWindow, windowMs: LIMIT.windowMs },
              }),
            ),
          );
          try {
            return await runOnFleets(
              emulators,
              groups,
              { redis, warmUrl, runMs, prefix: `bench:lanes-fleet:${seed}:${name}:` },
              (row, errors) => {
                storeErrors[`${name}, ${row.name}`] = errors;
              },
              log,
            );
          } finally {
            await Promise.all(emulators.map(e => e.close()));
          }
        },
      )),
    };
    return { ...r, table: lanesTable(r, ` over Redis, ${PROCESSES} processes`, fleetMethod) };
  } finally {
    await redis.stop();
  }
}

/**
 * Every contender's run at once: `ROWS.length` × {@link PROCESSES} workers started together, each
 * contender's callers dealt to its own {@link PROCESSES} on its own emulator and Redis prefix.
 */
async function runOnFleets(
  emulators: readonly BenchEmulator[],
  groups: (marked: boolean) => CallerGroup[],
  on: { redis: RedisServer; warmUrl: string; runMs: number; prefix: string },
  onStoreErrors: (row: Row, perProcess: number[]) => void,
  log: (line: string) => void,
): Promise<LanesRun[]> {
  const shape = { durationMs: on.runMs, callDeadlineMs: CALL_DEADLINE_MS, limit: LIMIT };
  const spawnedAt = Date.now();
  let epochStart = 0;
  const reports = await runFleet<LanesFleetReport>({
    processes: ROWS.length * PROCESSES,
    worker: WORKER,
    env: {},
    envs: ROWS.flatMap((row, k) =>
      dealCallers(groups(row.marked), PROCESSES).map(mine => {
        const config: LanesFleetWorkerConfig = {
          emulatorUrl: emulators[k]!.url,
          warmUrl: on.warmUrl,
          redisUrl: on.redis.url,
          prefix: `${on.prefix}${k}:`,
          storeTimeoutMs: STORE_TIMEOUT_MS,
          groups: mine,
          ...shape,
        };
        return { LANES_FLEET_WORKER: JSON.stringify(config) };
      }),
    ),
    // Past the start-up, the run and a call cut off at its end, the workers are killed.
    timeoutMs: on.runMs + 120_000,
    onStarted: () => {
      epochStart = Date.now();
      log(`  ${ROWS.length * PROCESSES} workers ready in ${fmtMs(epochStart - spawnedAt)}`);
    },
  });
  await sleep(50);
  return Promise.all(
    ROWS.map(async (row, k) => {
      const mine = reports.slice(k * PROCESSES, (k + 1) * PROCESSES);
      onStoreErrors(
        row,
        mine.map(r => r.storeErrors),
      );
      return lanesRunOf(
        row.name,
        mergeGroupRuns(mine.map(r => r.groups)),
        {
          requests: mine.reduce((n, r) => n + r.requests, 0),
          rateLimited: mine.reduce((n, r) => n + r.rateLimited, 0),
        },
        await emulators[k]!.loggedRequests(),
        epochStart,
        shape,
      );
    }),
  );
}

/** How the runs over Redis were made (the table's first notes). */
function fleetMethod(r: Omit<LanesFleetResult, 'table'>): string[] {
  return [
    `One run per contender, ${r.runMs / 1000} s each, side by side (one emulator process and key each); each run's callers dealt in turn to ${r.processes} worker processes (background 10 each, the interactive caller with the first 10; tenants 10 of the big one each, the small one's 2 on the first two), each process its own middleware and guard on one redis-server (a Redis prefix per run and contender, store timeout ${fmtMs(STORE_TIMEOUT_MS)}). The first ${LIMIT.windowMs / 1000} s window is the cold start (goodput and tenant slots counted after it; the interactive caller starts after it). Call deadline ${CALL_DEADLINE_MS / 1000} s. Server latency (median of calls alone): ${fmtMs(r.serverLatencyMs)}. Load average at the end: ${r.loadAverage.map(l => l.toFixed(2)).join(' ')}.`,
    `${OURS_LANES}: background calls marked priority 'background' (tenant calls also their tenant), the interactive one 'interactive'; ${OURS_UNMARKED}: the same build, nothing marked. No oracle: bottleneck's Redis clustering needs redis 3's callback API or ioredis (test/ has redis 5). Store errors (onStoreError, per process): ${
      Object.entries(r.storeErrors)
        .map(([run, errors]) => `${run} ${errors.join(' / ')}`)
        .join('; ') || 'none'
    }.`,
  ];
}

/** The section's result when it could not run. */
function skipped(why: string): LanesFleetResult {
  return {
    runMs: 0,
    processes: PROCESSES,
    serverLatencyMs: Number.NaN,
    loadAverage: [],
    lanes: [],
    tenants: [],
    storeErrors: {},
    notMeasured: why,
    table: {
      title: `Lanes and tenants over Redis, ${PROCESSES} processes`,
      columns: ['Contender', 'Not measured'],
      rows: ROWS.map(row => [row.name, why]),
      notes: [],
    },
  };
}
