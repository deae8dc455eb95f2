import { generateText } from 'ai';
import { CALL_HEADER } from '../lib/traffic';
import { rawModel } from './raw-model';
import type { Contender } from './types';

/** The AI SDK's own retry loop: `generateText({ maxRetries: 2 })` over the raw model. */
export const builtin: Contender = {
  name: 'AI SDK built-in',
  config: 'generateText({ maxRetries: 2 }) over createOpenAICompatible',
  canFallBack: false,
  build(env) {
    const model = rawModel(env, env.modelId);
    return async ({ callId, prompt, abortSignal }) => {
      const { text } = await generateText({
        model,
        prompt,
        maxRetries: 2,
        abortSignal,
        headers: { [CALL_HEADER]: callId },
      });
      return text;
    };
  },
};
