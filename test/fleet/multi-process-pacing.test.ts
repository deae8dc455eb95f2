import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleet } from '../support/fleet-run';
import type { WorkerReport } from '../support/fleet-worker';
import { findRedisServer, type RedisServer, startRedisServer } from '../support/redis-server';

const hasRedis = findRedisServer() !== undefined;
if (!hasRedis)
  console.warn('[fleet] redis-server is not installed: the multi-process pacing tests are skipped');

const API_KEY = 'pacing-test-key';
const WARMUP_KEY = 'pacing-warm-up-key';

/**
 * Time is scaled so that a run takes seconds: the emulator's window is 10 s instead of a minute, and
 * it sends no `x-ratelimit-*` headers (their "limit per window" would read as a limit per minute).
 * The fleet states its limit instead, a little under the window's (requests: 20 per 10 s = 120 per
 * minute, stated 100; tokens: 12,000 per 10 s = 72,000 per minute, stated 60,000), as a user states
 * a plan: one second of burst plus the rate then stays within any 10 s window.
 */
const WINDOW_MS = 10_000;

function count(reports: WorkerReport[]) {
  return {
    ok: reports.reduce((sum, r) => sum + r.ok, 0),
    failed: reports.reduce((sum, r) => sum + Object.values(r.failed).reduce((a, b) => a + b, 0), 0),
    storeErrors: reports.map(r => r.storeErrors),
    failedKinds: [...new Set(reports.flatMap(r => Object.keys(r.failed)))],
    paceWaits: reports.reduce((sum, r) => sum + r.paceWaits, 0),
  };
}

describe.skipIf(!hasRedis)(
  'a fleet paces as one through a shared Redis bucket (child processes, real redis-server)',
  () => {
    let redis: RedisServer;
    let emulator: Emulator;

    beforeAll(async () => {
      redis = await startRedisServer();
      emulator = await startEmulator({
        port: 0,
        apiKeys: [API_KEY, WARMUP_KEY],
        rateLimitHeaders: false,
      });
    });

    afterAll(async () => {
      await emulator?.close();
      await redis?.stop();
    });

    const fleetEnv = (mode: string, prefix: string, pacing: object) => ({
      MODE: mode,
      EMULATOR_URL: emulator.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      API_KEY,
      WARMUP_KEY,
      MODEL: 'glm-5.2',
      CALLERS: '5',
      DURATION_MS: '6000',
      PACING: JSON.stringify({ ...pacing, maxWaitMs: 20_000 }),
    });

    /**
     * Runs 4 processes × 5 callers, each calling again and again for 6 s (the calls queued by then
     * still run), and returns the reports and what the emulator saw (warm-up calls included).
     */
    async function run(env: Record<string, string>, onStarted?: () => void) {
      emulator.reset();
      const reports = await runFleet({ processes: 4, env, timeoutMs: 90_000, onStarted });
      const limited = emulator.requests.filter(r => r.status === 429).length;
      const sent = emulator.requests.filter(r => r.path.endsWith('/chat/completions')).length;
      return { reports, limited, sent, ...count(reports) };
    }

    it('4 processes × 5 callers stay under a stated request limit: shared bucket vs per process', async () => {
      emulator.setLimits({ rpm: 20, windowMs: WINDOW_MS });
      const shared = await run(fleetEnv('redis', 'pace-shared:', { rpm: 100 }));
      const alone = await run(fleetEnv('memory', 'pace-alone:', { rpm: 100 }));
      console.log(
        `[fleet pacing, requests] shared Redis bucket: ${shared.limited} 429s of ${shared.sent} sent, ${shared.ok} ok, ${shared.paceWaits} waits; ` +
          `a bucket per process: ${alone.limited} 429s of ${alone.sent} sent, ${alone.ok} ok`,
      );
      expect(shared.storeErrors).toEqual([0, 0, 0, 0]);
      expect(shared.failed).toBe(0);
      expect(shared.ok).toBeGreaterThanOrEqual(10);
      expect(shared.limited).toBeLessThanOrEqual(3);
      // The same fleet pacing each process alone at the whole limit is four times over it.
      expect(alone.limited).toBeGreaterThan(10);
    }, 200_000);

    it('and under a stated token limit, each attempt taking its prompt estimate', async () => {
      // About 500 tokens a call (2,000 prompt characters, plus the answer's); some 20 fit a window.
      emulator.setLimits({ tpm: 12_000, windowMs: WINDOW_MS });
      const env = { ...fleetEnv('redis', 'pace-tokens:', { tpm: 60_000 }), PROMPT_CHARS: '2000' };
      const shared = await run(env);
      console.log(
        `[fleet pacing, tokens] shared Redis bucket: ${shared.limited} 429s of ${shared.sent} sent, ${shared.ok} ok, ${shared.paceWaits} waits`,
      );
      expect(shared.storeErrors).toEqual([0, 0, 0, 0]);
      expect(shared.failed).toBe(0);
      expect(shared.ok).toBeGreaterThanOrEqual(10);
      expect(shared.limited).toBeLessThanOrEqual(3);
      expect(shared.paceWaits).toBeGreaterThan(0);
    }, 200_000);

    it('Redis killed mid-run: each process says so once and paces alone at its share', async () => {
      emulator.setLimits({ rpm: 20, windowMs: WINDOW_MS });
      let killed: Promise<void> | undefined;
      const result = await run(fleetEnv('redis', 'pace-kill:', { rpm: 100 }), () => {
        killed = new Promise(resolve => {
          setTimeout(() => void redis.stop('SIGKILL').then(resolve), 1_500);
        });
      });
      await killed;
      console.log(
        `[fleet pacing, Redis killed] ${result.limited} 429s of ${result.sent} sent, ${result.ok} ok, store errors ${result.storeErrors}, failed ${result.failed} ${result.failedKinds}`,
      );
      // Each process that went to the store after the kill said so once (a process whose callers all
      // held slots reserved before it may never go to the store again).
      expect(result.storeErrors.every(n => n <= 1)).toBe(true);
      expect(result.storeErrors.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
      // Alone, each process paces at its share of the limit (about a quarter), starting after the
      // slots it had reserved in Redis: a handful of 429s at most (pacing alone at the whole limit
      // gave 16, and 15 failed calls). A 429 slows the pacer down, and an admission that would then
      // wait beyond maxWaitMs fails fast (not sent): a few calls may fail that way.
      expect(result.limited).toBeLessThanOrEqual(6);
      expect(result.failed).toBeLessThanOrEqual(5);
      redis = await startRedisServer(redis.port);
    }, 200_000);
  },
);
