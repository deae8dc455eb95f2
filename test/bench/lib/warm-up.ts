import type { Contender } from '../contenders/types';
import { BENCH_API_KEY } from './emulator';
import { runCall } from './run-calls';
import { createTrafficFetch } from './traffic';

/**
 * Fault-free calls through every contender before anything is measured, so the first measured run
 * does not pay for module JIT, the first socket or lazy imports (whoever ran first would otherwise
 * look slower): 5 sequential calls, then 10 concurrent ones.
 */
export async function warmUp(
  url: string,
  contenders: readonly Contender[],
  models: { modelId: string; fallbackModelId: string },
): Promise<void> {
  for (const contender of contenders) {
    const call = contender.build({
      baseURL: url,
      apiKey: BENCH_API_KEY,
      fetch: createTrafficFetch({ log: { attempts: [] } }),
      modelId: models.modelId,
      fallbackModelId: contender.canFallBack ? models.fallbackModelId : undefined,
      deadlineMs: 10_000,
    });
    const one = (i: number) =>
      runCall(call, { callId: `warm-up-${i}`, prompt: 'Warm up.', deadlineMs: 10_000 });
    for (let i = 0; i < 5; i++) {
      const outcome = await one(i);
      if (!outcome.ok)
        throw new Error(`warm-up call of ${contender.name} failed: ${outcome.error}`);
    }
    await Promise.all(Array.from({ length: 10 }, (_, i) => one(5 + i)));
  }
}
