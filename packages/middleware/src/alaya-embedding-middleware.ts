import type { EmbeddingModelV4Middleware } from '@ai-sdk/provider';
import { withAnswerMetadata } from './answer-metadata';
import { embedOperation } from './embed-operation';
import { createDimensions } from './embedding-dimensions';
import type { AlayaEmbeddingMiddlewareOptions } from './options/alaya-middleware-options';
import { EMBEDDING_MODELS } from './options/model-kinds';
import { resolveOptions } from './options/resolve-options';
import { runWithFallback } from './retry/run-with-fallback';

export type { AlayaEmbeddingMiddlewareOptions };

/**
 * An `EmbeddingModelV4Middleware` with the resilience of `alayaMiddleware` for `embed` and
 * `embedMany`: every failure of a `doEmbed` (one per `embedMany` batch) becomes a typed
 * `AlayaError`, retried with backoff and `Retry-After`, within `deadlineMs`, then falls back to
 * `fallbackModels` whose vectors have the expected length (`dimensions`; another length is a
 * `DimensionMismatchError`, never returned). With a `guard` from `createFleetGuard`, each batch is
 * admitted on its own and paced by its input tokens, on the same limits as the chat calls sharing
 * the guard. Options are those of `alayaMiddleware` minus the stream-only ones, checked by the same
 * resolver.
 *
 * ```ts
 * const model = wrapEmbeddingModel({
 *   model: openai.embedding('text-embedding-3-small'),
 *   middleware: alayaEmbeddingMiddleware({ guard }),
 * });
 * ```
 */
export function alayaEmbeddingMiddleware(
  options?: AlayaEmbeddingMiddlewareOptions,
): EmbeddingModelV4Middleware {
  const settings = resolveOptions(options, EMBEDDING_MODELS);
  const dimensions = createDimensions(settings.dimensions);

  return {
    specificationVersion: 'v4',

    async wrapEmbed({ params, model }) {
      const outcome = await runWithFallback({
        models: [model, ...settings.fallbackModels],
        operation: embedOperation(params, dimensions.forCall(model, params.dimensions)),
        signal: params.abortSignal,
        settings,
      });
      const { result } = outcome;
      return { ...result, providerMetadata: withAnswerMetadata(result.providerMetadata, outcome) };
    },
  };
}
