import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';

/**
 * The baseline model: `createOpenAICompatible` pointed at the emulator. `includeUsage: true` makes
 * its requests identical on the wire to the Alaya provider's (which always asks for usage), so the
 * overhead section compares code paths, not payloads.
 */
export function rawModel(
  env: { baseURL: string; apiKey: string; fetch?: typeof globalThis.fetch },
  modelId: string,
): LanguageModelV4 {
  return createOpenAICompatible({
    name: 'alaya',
    baseURL: env.baseURL,
    apiKey: env.apiKey,
    fetch: env.fetch,
    includeUsage: true,
  }).chatModel(modelId);
}
