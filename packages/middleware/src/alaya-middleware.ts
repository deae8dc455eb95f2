import type { LanguageModelV4Middleware } from '@ai-sdk/provider';
import { withAnswerMetadata } from './answer-metadata';
import { callLane } from './fleet/call-lane';
import { generateOperation } from './generate-operation';
import type { AlayaMiddlewareOptions } from './options/alaya-middleware-options';
import { resolveOptions } from './options/resolve-options';
import { runWithFallback } from './retry/run-with-fallback';
import { retryingStream } from './stream/retrying-stream';

export { ALAYA_METADATA_KEY } from './answer-metadata';
export type { AlayaMiddlewareOptions };

/**
 * A `LanguageModelV4Middleware` that maps every failure of the wrapped model to a typed
 * `AlayaError`, retries with exponential backoff, full jitter and `Retry-After`, and falls back
 * to `fallbackModels`. Streams are retried until their first content part, inside the stream it
 * returns at once, so the consumer sees one `stream-start` and no duplicated parts, and the AI SDK's
 * `timeout` fields work as without it. When it gives up, the last typed error has
 * `isRetryable: false` and the attempt history, so the AI SDK's own `maxRetries` adds no requests.
 * The caller's abort is never mapped, retried or delayed. Every option is checked here: a bad one
 * throws an `InvalidArgumentError` naming it.
 *
 * ```ts
 * const model = wrapLanguageModel({ model: openai('gpt-5'), middleware: alayaMiddleware({ maxRetries: 3 }) });
 * ```
 */
export function alayaMiddleware(options?: AlayaMiddlewareOptions): LanguageModelV4Middleware {
  const settings = resolveOptions(options);

  return {
    specificationVersion: 'v4',

    async wrapGenerate({ params, model }) {
      const outcome = await runWithFallback({
        models: [model, ...settings.fallbackModels],
        operation: generateOperation(params),
        signal: params.abortSignal,
        settings,
      });
      const { result } = outcome;
      return { ...result, providerMetadata: withAnswerMetadata(result.providerMetadata, outcome) };
    },

    async wrapStream({ params, model }) {
      callLane(params.providerOptions); // a bad lane or tenant fails here, before the stream opens
      return retryingStream({ models: [model, ...settings.fallbackModels], params, settings });
    },
  };
}
