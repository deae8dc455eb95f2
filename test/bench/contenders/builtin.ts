import { generateCall } from './generate-call';
import { rawModel } from './raw-model';
import type { Contender } from './types';

/** The AI SDK's own retry loop: `generateText({ maxRetries: 2 })` over the raw model. */
export const builtin: Contender = {
  name: 'AI SDK built-in',
  config: 'generateText({ maxRetries: 2 }) over createOpenAICompatible',
  canFallBack: false,
  build(env) {
    const model = rawModel(env, env.modelId);
    return args => generateCall(model, args, 2);
  },
};
