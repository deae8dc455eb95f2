import { generateCall } from './generate-call';
import { oursModel } from './ours-model';
import type { Contender } from './types';

/**
 * Ours: `alaya(id)` + `alayaMiddleware({ maxRetries: 2, initialDelayMs: 1000, deadlineMs })`, plus
 * `fallbackModels: [alaya(B)]` when the schedule has a fallback model. The same retry budget as the
 * others (3 attempts per model); the defaults otherwise (full jitter, Retry-After respected up to 60 s).
 */
export const ours: Contender = {
  name: 'ours',
  config:
    'wrapLanguageModel({ model: alaya(A), middleware: alayaMiddleware({ maxRetries: 2, initialDelayMs: 1000, deadlineMs: 10000, fallbackModels: [alaya(B)] }) })',
  canFallBack: true,
  build(env) {
    const model = oursModel(
      env,
      env.modelId,
      { maxRetries: 2, initialDelayMs: 1000, deadlineMs: env.deadlineMs },
      env.fallbackModelId ? [env.fallbackModelId] : [],
    );
    return args => generateCall(model, args);
  },
};
