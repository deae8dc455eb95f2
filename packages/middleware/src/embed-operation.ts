import type {
  EmbeddingModelV4,
  EmbeddingModelV4CallOptions,
  EmbeddingModelV4Result,
} from '@ai-sdk/provider';
import type { DimensionCheck } from './embedding-dimensions';
import { callLane } from './fleet/call-lane';
import { embedTokensOf, estimateEmbedTokens } from './fleet/token-estimate';
import type { AttemptOperation } from './retry/operation';

/**
 * An embedding call (`embed`, or one batch of `embedMany`) as the retry loop sends it: one
 * `doEmbed` per attempt, whose answer is checked for its vector length before it is returned.
 * Paced by its input tokens, corrected by the `usage.tokens` it reports, in the lane and for the
 * tenant of its `providerOptions.alayaMiddleware` (an ingestion job: `priority: 'background'`).
 * Throws an `InvalidArgumentError` for a bad one (see `callLane`).
 */
export function embedOperation(
  params: EmbeddingModelV4CallOptions,
  dimensions: DimensionCheck,
): AttemptOperation<EmbeddingModelV4Result, EmbeddingModelV4> {
  return {
    name: 'embed',
    send: async (model, signal, context) => {
      const result = await model.doEmbed({ ...params, abortSignal: signal });
      dimensions.check(result, model, context);
      return result;
    },
    responseHeaders: result => result.response?.headers,
    usedTokens: result => embedTokensOf(result.usage),
    estimateTokens: () => estimateEmbedTokens(params.values),
    lane: callLane(params.providerOptions),
  };
}
