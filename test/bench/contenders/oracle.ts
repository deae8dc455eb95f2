import { APICallError } from 'ai';
import Bottleneck from 'bottleneck';
import { sleep } from '../lib/budget';
import { toldRetryAfterMs } from '../lib/traffic';
import { generateCall } from './generate-call';
import { rawModel } from './raw-model';
import type { CallArgs, Contender, TrueLimit } from './types';

/** Thrown without a request when the oracle's queue would outlast the call's deadline. */
class WouldMissDeadlineError extends Error {
  override name = 'WouldMissDeadlineError';
}

/** `job`, or its caller's abort while it still waits in the queue (the job then ends at its turn). */
function untilAborted<T>(job: Promise<T>, signal: AbortSignal): Promise<T> {
  job.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    job.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * bottleneck's `priority` for a call's lane (0 runs first, 9 last, 5 its default): interactive 0,
 * background and unmarked 5. bottleneck has no tenants: a tenant's share follows its callers.
 */
export function bottleneckPriority(lane: CallArgs['lane']): number {
  return lane?.priority === 'interactive' ? 0 : 5;
}

/**
 * Bottleneck settings for the true limit: requests spaced evenly (`minTime`), at the pace of the
 * tighter of the request and the token limit (the oracle knows what a call costs in tokens).
 * bottleneck's own token reservoir refills only every 250 ms (its heartbeat) and ran well below the
 * limit's rate here, so the token limit is expressed as spacing too.
 */
function limiterFor(
  limit: TrueLimit | undefined,
  maxConcurrent: number | null,
): { limiter: Bottleneck; intervalMs: number } {
  if (!limit) return { limiter: new Bottleneck(), intervalMs: 0 };
  const byRequests = limit.windowMs / limit.requestsPerWindow;
  const { tokensPerWindow, tokensPerCall } = limit;
  const byTokens =
    tokensPerWindow !== undefined && tokensPerCall !== undefined
      ? (tokensPerCall * limit.windowMs) / tokensPerWindow
      : 0;
  const minTime = Math.max(byRequests, byTokens);
  return { limiter: new Bottleneck({ minTime, maxConcurrent }), intervalMs: minTime };
}

/**
 * The oracle of issue 16: `bottleneck` told the key's true limit (what a user who knows it would
 * configure): requests spaced evenly (`minTime`) at the pace of the tighter limit, requests or tokens
 * (a token limit divided by the tokens one call uses). One limiter is shared
 * by all callers. Each HTTP attempt is one job (`generateText({ maxRetries: 0 })`); a 429 is queued
 * again after its `Retry-After`, at most twice. A call whose turn would come after its deadline fails
 * at once without a request. Unlimited when not told a limit (warm-up).
 */
function createOracle(name: string, config: string, maxConcurrent: number | null): Contender {
  return {
    name,
    config,
    canFallBack: false,
    build(env) {
      const model = rawModel(env, env.modelId);
      const { limiter, intervalMs } = limiterFor(env.limit, maxConcurrent);
      // Jobs waiting for their turn per bottleneck priority, counted at once (bottleneck's own counts
      // lag behind schedule()).
      const waiting = new Map<number, number>();
      const add = (priority: number, n: number) =>
        waiting.set(priority, (waiting.get(priority) ?? 0) + n);
      /** Jobs that go before one of `priority` (its own priority and the higher ones, lower numbers). */
      const ahead = (priority: number) =>
        [...waiting].reduce((sum, [p, n]) => (p <= priority ? sum + n : sum), 0);
      return async args => {
        const { abortSignal, lane } = args;
        const deadlineAt = performance.now() + env.deadlineMs;
        const priority = bottleneckPriority(lane);
        for (let attempt = 0; ; attempt++) {
          if (performance.now() + (ahead(priority) + 1) * intervalMs > deadlineAt) {
            throw new WouldMissDeadlineError('the queue is longer than the deadline allows');
          }
          add(priority, 1);
          let started = false;
          try {
            const job = limiter.schedule({ priority }, async () => {
              started = true;
              add(priority, -1);
              abortSignal.throwIfAborted();
              return generateCall(model, args, 0);
            });
            return await untilAborted(job, abortSignal);
          } catch (error) {
            if (!started) add(priority, -1);
            if (!APICallError.isInstance(error) || error.statusCode !== 429 || attempt >= 2)
              throw error;
            const waitMs = toldRetryAfterMs(new Headers(error.responseHeaders ?? {})) ?? 1000;
            await sleep(waitMs);
            abortSignal.throwIfAborted();
          }
        }
      };
    },
  };
}

const ORACLE_CONFIG =
  'new Bottleneck({ minTime: the tighter of windowMs / requests and windowMs × tokens per call / tokens }) shared by all callers; limiter.schedule(() => generateText({ maxRetries: 0 })); a 429 is scheduled again after its Retry-After (at most 2 retries); a call whose turn is past its deadline fails without a request';

/** The oracle of issue 16 (above). */
export const oracle: Contender = createOracle(
  'oracle (bottleneck, told the limit)',
  ORACLE_CONFIG,
  null,
);

/**
 * The oracle of issue 30 (lanes): the same, with a call's lane as bottleneck's `priority`
 * (interactive 0, background 5) and `maxConcurrent: 1`. bottleneck orders only the jobs still in its
 * queue, and with `minTime` alone it takes every job out at once with its future start, so priority
 * never reorders anything (its README: "If you plan on using priorities, make sure to set a
 * maxConcurrent value"). One at a time costs nothing while an answer takes less than a slot.
 */
export const oraclePriority: Contender = createOracle(
  'oracle (bottleneck + priority, told the limit)',
  `${ORACLE_CONFIG}; new Bottleneck({ ..., maxConcurrent: 1 }); schedule({ priority: interactive 0, background 5 })`,
  1,
);
