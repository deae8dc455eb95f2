import { streamText } from 'ai';
import { readFullStream } from '../lib/read-stream';
import { CALL_HEADER } from '../lib/traffic';
import { rawModel } from './raw-model';
import { FIRST_CONTENT_MS, IDLE_MS } from './stall-timeouts';
import type { Contender } from './types';

/**
 * The AI SDK's own time limits on a stream: `streamText({ maxRetries: 2, timeout: { firstChunkMs,
 * chunkMs } })` over the raw model. The SDK aborts the call when one fires; it never retries an abort.
 */
export const builtinStream: Contender = {
  name: 'AI SDK built-in',
  config: `streamText({ maxRetries: 2, timeout: { firstChunkMs: ${FIRST_CONTENT_MS}, chunkMs: ${IDLE_MS} } }) over createOpenAICompatible`,
  canFallBack: false,
  build(env) {
    const model = rawModel(env, env.modelId);
    return ({ callId, prompt, abortSignal, onContent }) =>
      readFullStream(
        streamText({
          model,
          prompt,
          maxRetries: 2,
          timeout: { firstChunkMs: FIRST_CONTENT_MS, chunkMs: IDLE_MS },
          abortSignal,
          headers: { [CALL_HEADER]: callId },
          // The error reaches readFullStream as an `error` part; the SDK's default logs it.
          onError: () => {},
        }).fullStream,
        onContent,
      );
  },
};
