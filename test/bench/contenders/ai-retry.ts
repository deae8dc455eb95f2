import { createRetryableModel, error, httpStatus } from 'ai-retry/language-model';
import { generateCall } from './generate-call';
import { rawModel } from './raw-model';
import type { Contender } from './types';

/**
 * `ai-retry` 2.x configured as its README recommends for 429 and 5xx:
 * - `httpStatus(429).retry({ maxAttempts: 3, delay: 1_000, backoffFactor: 2 })` ("Rate limited: wait
 *   it out on the same model"); `.retry()` honours `Retry-After`/`Retry-After-Ms` (capped at 60 s),
 * - `error.isRetryable(true).retry({ delay: 1_000, backoffFactor: 2, maxAttempts: 3 })` for 5xx and
 *   network errors (its first example), same attempt budget as the other contenders (3),
 * - the fallback model as a plain entry ("Still failing, so switch") when the schedule has one,
 * - `maxRetries: 0` on `generateText` ("let ai-retry be the single authority on retries").
 */
export const aiRetry: Contender = {
  name: 'ai-retry 2.x',
  config:
    'createRetryableModel({ retries: [httpStatus(429).retry({ maxAttempts: 3, delay: 1000, backoffFactor: 2 }), error.isRetryable(true).retry({ maxAttempts: 3, delay: 1000, backoffFactor: 2 }), <fallback model>] }), generateText({ maxRetries: 0 })',
  canFallBack: true,
  build(env) {
    const primary = rawModel(env, env.modelId);
    const model = createRetryableModel({
      model: primary,
      retries: [
        httpStatus(429).retry({ maxAttempts: 3, delay: 1_000, backoffFactor: 2 }),
        error.isRetryable(true).retry({ maxAttempts: 3, delay: 1_000, backoffFactor: 2 }),
        ...(env.fallbackModelId ? [rawModel(env, env.fallbackModelId)] : []),
      ],
    });
    return args => generateCall(model, args, 0);
  },
};
