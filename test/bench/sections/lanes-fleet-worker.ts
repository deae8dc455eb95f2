/**
 * One process of the lanes-fleet section, started by `runFleet` (test/support/fleet-run.ts): ours
 * with pacing learned (the lanes section's contender) on a Redis store shared with the other
 * processes, built on the bench key of the run's emulator. Warms up on an unlimited emulator (its
 * own memory store: nothing learned there reaches Redis), says `ready`, runs its share of the
 * callers from `go` for the run's length and prints a {@link LanesFleetReport} as one JSON line.
 * Its configuration is the JSON of `LANES_FLEET_WORKER` ({@link LanesFleetWorkerConfig}).
 */
import { createRedisStore } from '@alaya-code/ai-sdk-store-redis';
import { awaitGo } from '../../support/fleet-run';
import { connectRedis } from '../../support/redis-client';
import { oursPacing, oursPacingOn } from '../contenders/ours-pacing';
import type { TrueLimit } from '../contenders/types';
import type { TrafficLog } from '../lib/traffic';
import { warmUp } from '../lib/warm-up';
import { contenderOnKey } from './contention-run';
import { type CallerGroup, type GroupRun, runCallers, trafficCounts } from './lanes-run';
import { MODEL_A, MODEL_B } from './schedules';

/** What one worker is told (as JSON in `LANES_FLEET_WORKER`). */
export type LanesFleetWorkerConfig = {
  /** The run's emulator (the limited key). */
  emulatorUrl: string;
  /** An unlimited emulator for the warm-up. */
  warmUrl: string;
  redisUrl: string;
  /** The run's Redis prefix: one per run and contender, so nothing learned carries over. */
  prefix: string;
  storeTimeoutMs: number;
  /** This process's callers. */
  groups: CallerGroup[];
  durationMs: number;
  callDeadlineMs: number;
  limit: TrueLimit;
};

/** What one worker prints at the end. */
export type LanesFleetReport = {
  groups: GroupRun[];
  /** Requests it sent and the 429s among them. */
  requests: number;
  rateLimited: number;
  /** `onStoreError` events (the store slow or down: local order). */
  storeErrors: number;
};

async function main(): Promise<void> {
  const config = JSON.parse(process.env.LANES_FLEET_WORKER ?? '') as LanesFleetWorkerConfig;
  // Default client options (offline queue on), as an instance has: the guard's timeout bounds it.
  const client = await connectRedis(
    { url: config.redisUrl },
    { socket: { reconnectStrategy: () => 200 } },
  );
  const store = createRedisStore({ client, prefix: config.prefix });
  await store.getCooldown('warm-up'); // loads the scripts, as a long-running instance has
  // The fault-free path only (no Retry-After waits): 8 workers warm up at once on 2 cores.
  await warmUp(
    config.warmUrl,
    [oursPacing],
    { modelId: MODEL_A, fallbackModelId: MODEL_B },
    { sequential: 5, concurrent: 10, faulted: 0 },
  );
  let storeErrors = 0;
  const log: TrafficLog = { attempts: [] };
  const contender = oursPacingOn({
    store,
    storeTimeoutMs: config.storeTimeoutMs,
    onStoreError: () => {
      storeErrors++;
    },
  });
  const call = contenderOnKey({ url: config.emulatorUrl }, contender, config, log);
  await awaitGo();
  const groups = await runCallers(call, config);
  await client.destroy();
  const report: LanesFleetReport = { groups, ...trafficCounts(log), storeErrors };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(
      `lanes-fleet worker failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
