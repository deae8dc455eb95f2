import { experimental_retryableStreamText as retryableStreamText } from 'ai-retry/stream-text';
import { error, timeout } from 'ai-retry/stream-text/conditions';
import { readFullStream } from '../lib/read-stream';
import { CALL_HEADER } from '../lib/traffic';
import { rawModel } from './raw-model';
import { FIRST_CONTENT_MS, IDLE_MS } from './stall-timeouts';
import type { Contender } from './types';

/**
 * `ai-retry` 2.x on a stream, as its README shows for stalls: the call-level
 * `retryableStreamText` (a model-level retry cannot recover a `streamText` timeout, its README
 * says), the SDK's `timeout: { firstChunkMs, chunkMs }` on every attempt, `timeout().retry()` to
 * re-run a timed-out attempt and `error.isRetryable(true).retry()` for 5xx and resets, 3 attempts
 * each; `maxRetries: 0` so ai-retry is the single authority on retries. Like the README says, it
 * cannot fail over once the first content part reached the stream.
 */
export const aiRetryStream: Contender = {
  name: 'ai-retry 2.x',
  config: `retryableStreamText({ timeout: { firstChunkMs: ${FIRST_CONTENT_MS}, chunkMs: ${IDLE_MS} }, retry: [timeout().retry({ maxAttempts: 3 }), error.isRetryable(true).retry({ maxAttempts: 3, delay: 1000, backoffFactor: 2 })], maxRetries: 0 })`,
  canFallBack: false,
  build(env) {
    const model = rawModel(env, env.modelId);
    return async ({ callId, prompt, abortSignal, onContent }) => {
      const result = await retryableStreamText({
        model,
        prompt,
        maxRetries: 0,
        timeout: { firstChunkMs: FIRST_CONTENT_MS, chunkMs: IDLE_MS },
        abortSignal,
        headers: { [CALL_HEADER]: callId },
        onError: () => {},
        retry: [
          timeout().retry({ maxAttempts: 3 }),
          error.isRetryable(true).retry({ maxAttempts: 3, delay: 1_000, backoffFactor: 2 }),
        ],
      });
      return readFullStream(result.fullStream, onContent);
    };
  },
};
