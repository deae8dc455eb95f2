import type { Contender } from '../contenders/types';
import { BENCH_API_KEY } from './emulator';
import { runCall } from './run-calls';
import { createTrafficFetch, type FaultPlan } from './traffic';

/** Warm-up fault plan: the first attempt of every `warm-fault-*` call gets `429, Retry-After: 1`. */
const warmUpPlan: FaultPlan = (call, attempt) =>
  call.startsWith('warm-fault-') && attempt === 0 ? { status: 429, retryAfter: '1' } : undefined;

/**
 * Calls through every contender before anything is measured, so the first measured run does not pay
 * for JIT, the first sockets or lazy imports, on either side of the wire (whoever ran first would
 * otherwise look slower): 5 sequential fault-free calls, 30 concurrent ones, then 30 concurrent calls
 * whose first attempt gets a 429 (the emulator's fault path and every contender's retry path).
 * `calls` asks for fewer (a worker process of many on a loaded machine: its own fault-free path).
 */
export async function warmUp(
  url: string,
  contenders: readonly Contender[],
  models: { modelId: string; fallbackModelId: string },
  calls: { sequential: number; concurrent: number; faulted: number } = {
    sequential: 5,
    concurrent: 30,
    faulted: 30,
  },
): Promise<void> {
  for (const contender of contenders) {
    const call = contender.build({
      baseURL: url,
      apiKey: BENCH_API_KEY,
      fetch: createTrafficFetch({ log: { attempts: [] }, plan: warmUpPlan }),
      modelId: models.modelId,
      fallbackModelId: contender.canFallBack ? models.fallbackModelId : undefined,
      deadlineMs: 10_000,
    });
    const one = (callId: string) =>
      runCall(call, { callId, prompt: 'Warm up.', deadlineMs: 10_000 });
    for (let i = 0; i < calls.sequential; i++) {
      const outcome = await one(`warm-up-${i}`);
      if (!outcome.ok)
        throw new Error(`warm-up call of ${contender.name} failed: ${outcome.error}`);
    }
    await Promise.all(
      Array.from({ length: calls.concurrent }, (_, i) => one(`warm-up-${calls.sequential + i}`)),
    );
    await Promise.all(Array.from({ length: calls.faulted }, (_, i) => one(`warm-fault-${i}`)));
  }
}
