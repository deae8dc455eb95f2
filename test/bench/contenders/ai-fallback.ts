import { createFallback } from 'ai-fallback';
import { generateCall } from './generate-call';
import { rawModel } from './raw-model';
import type { Contender } from './types';

/**
 * `ai-fallback` 3.x as its README shows it: `createFallback({ models: [A, B] })` passed to
 * `generateText` with the SDK's default `maxRetries` (2). It only switches models, so it runs in
 * the schedules that have a fallback model.
 */
export const aiFallback: Contender = {
  name: 'ai-fallback 3.x',
  config: 'createFallback({ models: [A, B] }), generateText() (default maxRetries 2)',
  canFallBack: true,
  fallbackOnly: true,
  build(env) {
    if (!env.fallbackModelId) throw new Error('ai-fallback needs a fallback model');
    const model = createFallback({
      models: [rawModel(env, env.modelId), rawModel(env, env.fallbackModelId)],
    });
    return args => generateCall(model, args);
  },
};
