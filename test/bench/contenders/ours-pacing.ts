import { createFleetGuard } from '@alaya-code/ai-sdk-middleware';
import { generateText } from 'ai';
import { CALL_HEADER } from '../lib/traffic';
import { oursModel } from './ours-model';
import type { Contender } from './types';

/**
 * Ours with pacing, **not told the limit**: `createFleetGuard({ pacing: true })` learns it from
 * the `x-ratelimit-*` headers (or, without them, from 429s alone) and admits each attempt before
 * sending. One middleware instance and its guard (one memory store) shared by all callers. A call's
 * lane (the lanes section) goes to `providerOptions.alayaMiddleware`.
 */
export const oursPacing: Contender = {
  name: 'ours + pacing',
  config:
    'ours, plus alayaMiddleware({ guard: createFleetGuard({ pacing: true, apiKey }) }) (learned from the server, no limit stated) shared by all callers',
  canFallBack: false,
  build(env) {
    const model = oursModel(env, env.modelId, {
      maxRetries: 2,
      initialDelayMs: 1000,
      deadlineMs: env.deadlineMs,
      guard: createFleetGuard({ pacing: true, apiKey: env.apiKey }),
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
