import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
} from '@ai-sdk/provider';
import { callLane } from './fleet/call-lane';
import { estimateCallTokens, usedTokensOf } from './fleet/token-estimate';
import type { AttemptOperation } from './retry/operation';

/**
 * A `generateText` call as the retry loop sends it: one `doGenerate` per attempt. Throws an
 * `InvalidArgumentError` for a bad `providerOptions.alayaMiddleware` (see `callLane`).
 */
export function generateOperation(
  params: LanguageModelV4CallOptions,
): AttemptOperation<LanguageModelV4GenerateResult, LanguageModelV4> {
  return {
    name: 'generate',
    send: async (model, signal) => model.doGenerate({ ...params, abortSignal: signal }),
    responseHeaders: result => result.response?.headers,
    usedTokens: result => usedTokensOf(result.usage),
    estimateTokens: () => estimateCallTokens(params),
    lane: callLane(params.providerOptions),
  };
}
