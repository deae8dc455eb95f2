import type {
  EmbeddingModelV4,
  EmbeddingModelV4CallOptions,
  EmbeddingModelV4Result,
} from '@ai-sdk/provider';
import { ALAYA_METADATA_KEY } from './answer-metadata';
import type { DimensionCheck } from './embedding-dimensions';
import { type CallLane, callLane } from './fleet/call-lane';
import { embedTokensOf, estimateEmbedTokens } from './fleet/token-estimate';
import type { AttemptOperation } from './retry/operation';

/**
 * An embedding call (`embed`, or one batch of `embedMany`) as the retry loop sends it: one
 * `doEmbed` per attempt, whose answer is checked for its vector length before it is returned.
 * Paced by its input tokens, corrected by the `usage.tokens` it reports, in the lane and for the
 * tenant of its `providerOptions.alayaMiddleware` (see {@link embedLane}). Throws an
 * `InvalidArgumentError` for a bad one (see `callLane`).
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
    lane: embedLane(params),
  };
}

/**
 * The lane of an embedding call: its `providerOptions.alayaMiddleware` (`callLane`), and for a batch
 * of more than one value with no `priority` the background lane. `embedMany` sends all its batches
 * at once: queued first come, first served, the batches of a job longer than `pacing.maxWaitMs` at
 * the learned rate failed fast, and the job with them (issue 29: a job of 5,000 chunks whose limit
 * was learned at 792k tokens a minute queued its 39th batch 61 s out); in the background lane they
 * wait their turn (up to an hour) behind the calls someone waits for. A single value (`embed`, a
 * search query) keeps its lane.
 */
export function embedLane(params: EmbeddingModelV4CallOptions): CallLane {
  const lane = callLane(params.providerOptions);
  const priority = params.providerOptions?.[ALAYA_METADATA_KEY]?.priority;
  return priority === undefined && params.values.length > 1
    ? { ...lane, lane: 'background' }
    : lane;
}
