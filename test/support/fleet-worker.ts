/**
 * One "instance" of a fleet, run as a child process by test/fleet/multi-process.test.ts and the bench's fleet section:
 * `CALLERS` concurrent callers each make `CALLS` generateText calls (or call until `DURATION_MS`
 * has passed) through createAlaya + alayaMiddleware, with a fleet guard whose store is Redis
 * (`MODE=redis`: a client of `REDIS_URL`, or of the Redis Cluster whose nodes `REDIS_CLUSTER` lists,
 * comma-separated), this process's memory (`MODE=memory`), or no guard at all (`MODE=none`).
 * `PACING` (JSON, e.g. `{"rpm":100}` or `true`) turns the guard's pacing on; `PROMPT_CHARS` pads
 * each prompt to that many characters (for token-per-minute limits). The first `EMBED_CALLERS`
 * callers (default 0) call `embed` on `EMBED_MODEL` through alayaEmbeddingMiddleware, on the same
 * guard, instead of `generateText`. `PRIORITY` and `TENANT` mark every call
 * (`providerOptions.alayaMiddleware`); `GAP_MS` is a pause between a caller's calls.
 *
 * Protocol: prints `ready` once set up, starts on a `go` line on stdin, and prints one JSON line
 * (`WorkerReport`) at the end. Every attempt's failure is reported with its x-request-id, so the
 * parent can match it against the emulator's request log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AttemptGuard,
  alayaEmbeddingMiddleware,
  alayaMiddleware,
  createFleetGuard,
  type FleetGuard,
  type FleetOptions,
} from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
// The test package does not depend on the store package (yet): its source, run by tsx.
import { createRedisStore } from '@alaya-code/ai-sdk-store-redis';
import { embed, generateText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';
import { awaitGo } from './fleet-run';
import { connectRedis, type TestRedisClient } from './redis-client';

/** What a worker prints at the end. */
export interface WorkerReport {
  pid: number;
  mode: string;
  /** Calls that returned text. */
  ok: number;
  /** Calls that threw, by error kind (or name). */
  failed: Record<string, number>;
  /**
   * Every failed attempt: the emulator's x-request-id, status, the wait the server asked for, and
   * when the guard had handled it (shared the cooldown), epoch ms.
   */
  attemptFailures: Array<{
    requestId?: string;
    status?: number;
    retryAfterMs?: number;
    handledAt: number;
  }>;
  /**
   * Every request sent to the emulator: when the provider's fetch was called, and when the guard
   * check that let it through began (`beforeAttempt`), epoch ms.
   */
  sends: Array<{ at: number; checkedAt: number }>;
  /** onStoreError events. */
  storeErrors: number;
  /** onCooldown events by origin. */
  cooldowns: { response: number; shared: number };
  /** onPace events (attempts that waited for the pacer). */
  paceWaits: number;
  /** How long each call that returned text took, ms (from its start to its answer). */
  callMs: number[];
  /** When each call that returned text ended, ms after go. */
  endedMs: number[];
  /** Wall time from go to the last call's end, ms. */
  elapsedMs: number;
}

const env = process.env;
const mode = env.MODE ?? 'redis';
const callers = Number(env.CALLERS ?? 4);
const calls = Number(env.CALLS ?? 0);
const durationMs = Number(env.DURATION_MS ?? 0);
const model = env.MODEL ?? 'glm-5.2';
const apiKey = env.API_KEY ?? 'test-key';

const report: WorkerReport = {
  pid: process.pid,
  mode,
  ok: 0,
  failed: {},
  attemptFailures: [],
  sends: [],
  storeErrors: 0,
  cooldowns: { response: 0, shared: 0 },
  paceWaits: 0,
  callMs: [],
  endedMs: [],
  elapsedMs: 0,
};
const priority = env.PRIORITY as 'interactive' | 'background' | undefined;
const tenant = env.TENANT;
const gapMs = Number(env.GAP_MS ?? 0);
const pacing = env.PACING ? (JSON.parse(env.PACING) as FleetOptions['pacing']) : undefined;
const promptChars = Number(env.PROMPT_CHARS ?? 0);
const embedCallers = Number(env.EMBED_CALLERS ?? 0);

/** Per caller: when its current attempt's guard check began (the fetch wrapper reads it). */
const attemptContext = new AsyncLocalStorage<{ checkedAt: number }>();

async function main(): Promise<void> {
  let client: TestRedisClient | undefined;
  let guard: AttemptGuard | undefined;
  if (mode === 'redis' || mode === 'memory') {
    if (mode === 'redis') {
      const target = env.REDIS_CLUSTER
        ? { rootNodes: env.REDIS_CLUSTER.split(',').map(url => ({ url })) }
        : { url: env.REDIS_URL ?? '' };
      // Default client options on purpose (offline queue on): the guard's timeout must bound it.
      client = await connectRedis(target, { socket: { reconnectStrategy: () => 200 } });
    }
    const store = client
      ? createRedisStore({ client, prefix: env.REDIS_PREFIX ?? 'fleet-test:' })
      : undefined;
    await store?.getCooldown('warm-up'); // loads the scripts, as a long-running instance has
    const fleet: FleetGuard = createFleetGuard({
      store,
      apiKey,
      storeTimeoutMs: env.STORE_TIMEOUT_MS ? Number(env.STORE_TIMEOUT_MS) : undefined,
      cooldownSpreadMs: env.COOLDOWN_SPREAD_MS ? Number(env.COOLDOWN_SPREAD_MS) : undefined,
      onStoreError: event => {
        // On stderr, so a test that counts store errors shows which operation failed and why.
        const why = event.error instanceof Error ? event.error.message : String(event.error);
        process.stderr.write(
          `[fleet-worker ${process.pid}] store error in ${event.operation}: ${why}\n`,
        );
        report.storeErrors++;
      },
      onCooldown: event => {
        report.cooldowns[event.origin]++;
      },
      pacing,
      onPace: () => {
        report.paceWaits++;
      },
    });
    guard = fleet;
  }
  const recording: AttemptGuard = {
    beforeAttempt: info => {
      const context = attemptContext.getStore();
      if (context) context.checkedAt = Date.now();
      return guard?.beforeAttempt(info) ?? Promise.resolve();
    },
    allowRetry: info => guard?.allowRetry(info) ?? true,
    onSuccess: info => guard?.onSuccess(info),
    onAbandon: info => guard?.onAbandon?.(info),
    onFailure: async info => {
      await guard?.onFailure(info);
      report.attemptFailures.push({
        requestId: info.error.requestId,
        status: info.error.statusCode,
        retryAfterMs: info.error.retryAfterMs,
        handledAt: Date.now(),
      });
    },
  };
  const alaya = createAlaya({
    apiKey,
    baseURL: env.EMULATOR_URL,
    fetch: (input, init) => {
      report.sends.push({ at: Date.now(), checkedAt: attemptContext.getStore()?.checkedAt ?? 0 });
      return fetch(input, init);
    },
  });
  const wrapped = wrapLanguageModel({
    model: alaya(model),
    middleware: alayaMiddleware({
      guard: recording,
      apiKey,
      maxRetries: Number(env.MAX_RETRIES ?? 6),
      initialDelayMs: 200,
    }),
  });

  const embedder = wrapEmbeddingModel({
    model: alaya.embeddingModel(env.EMBED_MODEL ?? 'embedding'),
    middleware: alayaEmbeddingMiddleware({
      guard: recording,
      apiKey,
      maxRetries: Number(env.MAX_RETRIES ?? 6),
      initialDelayMs: 200,
    }),
  });

  if (env.WARMUP_KEY) {
    // A cold process spends its first call compiling the SDK; do it on another key (its own limit),
    // so that the measured run sees warm instances.
    const warm = createAlaya({ apiKey: env.WARMUP_KEY, baseURL: env.EMULATOR_URL });
    await generateText({ model: warm(model), prompt: 'warm-up', maxRetries: 0 });
  }
  await awaitGo();

  const started = Date.now();
  const endAt = durationMs > 0 ? started + durationMs : Number.POSITIVE_INFINITY;
  await Promise.all(
    Array.from({ length: callers }, (_, caller) =>
      attemptContext.run({ checkedAt: 0 }, async () => {
        for (let i = 0; calls > 0 ? i < calls : Date.now() < endAt; i++) {
          if (i > 0 && gapMs > 0) await new Promise(resolve => setTimeout(resolve, gapMs));
          if (Date.now() >= endAt) break;
          const callStart = Date.now();
          try {
            const prompt = `caller ${caller} call ${i}`.padEnd(promptChars, '.');
            const abortSignal = AbortSignal.timeout(60_000);
            const providerOptions = {
              alayaMiddleware: {
                ...(priority ? { priority } : {}),
                ...(tenant ? { tenant } : {}),
              },
            };
            if (caller < embedCallers) {
              await embed({
                model: embedder,
                value: prompt,
                maxRetries: 0,
                abortSignal,
                providerOptions,
              });
            } else {
              await generateText({
                model: wrapped,
                prompt,
                maxRetries: 0,
                abortSignal,
                providerOptions,
              });
            }
            report.callMs.push(Date.now() - callStart);
            report.endedMs.push(Date.now() - started);
            report.ok++;
          } catch (error) {
            const kind = (error as { kind?: string; name?: string }).kind ?? (error as Error).name;
            report.failed[kind] = (report.failed[kind] ?? 0) + 1;
          }
        }
      }),
    ),
  );
  report.elapsedMs = Date.now() - started;
  if (client) await client.destroy();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(
      `worker failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
