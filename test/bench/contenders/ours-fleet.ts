import { createFleetGuard, createMemoryStore } from '@alaya-code/ai-sdk-middleware';
import { generateCall } from './generate-call';
import { oursModel } from './ours-model';
import type { Contender } from './types';

/**
 * Ours with the fleet guard the middleware README describes for many callers behind one key
 * (`createFleetGuard({ store: createMemoryStore(), apiKey })`): a 429 seen by one caller holds off
 * all of them for the time the server asked, and retries spend a shared retry budget.
 */
export const oursFleet: Contender = {
  name: 'ours + fleet guard',
  config:
    'ours, plus alayaMiddleware({ guard: createFleetGuard({ store: createMemoryStore(), apiKey }) }) shared by all callers',
  canFallBack: true,
  build(env) {
    const guard = createFleetGuard({ store: createMemoryStore(), apiKey: env.apiKey });
    const model = oursModel(
      env,
      env.modelId,
      { maxRetries: 2, initialDelayMs: 1000, deadlineMs: env.deadlineMs, guard },
      env.fallbackModelId ? [env.fallbackModelId] : [],
    );
    return args => generateCall(model, args);
  },
};
