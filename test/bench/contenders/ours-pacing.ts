import { createFleetGuard, type FleetOptions } from '@alaya-code/ai-sdk-middleware';
import { generateText } from 'ai';
import { CALL_HEADER } from '../lib/traffic';
import { oursModel } from './ours-model';
import type { Contender } from './types';

/** What a fleet of instances shares beside pacing: the store, its timeout and its error hook. */
export type SharedPacing = Pick<FleetOptions, 'store' | 'storeTimeoutMs' | 'onStoreError'>;

/**
 * Ours with pacing, **not told the limit**: `createFleetGuard({ pacing: true, ...shared })` learns
 * it from the `x-ratelimit-*` headers (or, without them, from 429s alone) and admits each attempt
 * before sending. One middleware instance and its guard shared by all callers of the process; its
 * store is this process's memory unless `shared.store` is given (the lanes-fleet section's Redis).
 * A call's lane (the lanes sections) goes to `providerOptions.alayaMiddleware`.
 */
export function oursPacingOn(shared: SharedPacing = {}): Contender {
  return {
    name: 'ours + pacing',
    config: `ours, plus alayaMiddleware({ guard: createFleetGuard({ pacing: true, apiKey }) }) (learned from the server, no limit stated) shared by all callers${shared.store ? ' of each process, on a shared store' : ''}`,
    canFallBack: false,
    build(env) {
      const model = oursModel(env, env.modelId, {
        maxRetries: 2,
        initialDelayMs: 1000,
        deadlineMs: env.deadlineMs,
        guard: createFleetGuard({ pacing: true, apiKey: env.apiKey, ...shared }),
      });
      return async ({ callId, prompt, abortSignal, lane }) => {
        const { text } = await generateText({
          model,
          prompt,
          abortSignal,
          headers: { [CALL_HEADER]: callId },
          ...(lane ? { providerOptions: { alayaMiddleware: lane } } : {}),
        });
        return text;
      };
    },
  };
}

/** Ours with pacing learned, on one process's memory store (see {@link oursPacingOn}). */
export const oursPacing: Contender = oursPacingOn();
