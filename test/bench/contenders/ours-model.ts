import type { LanguageModelV4 } from '@ai-sdk/provider';
import { type AlayaMiddlewareOptions, alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import { wrapLanguageModel } from 'ai';

/** Ours: `createAlaya(...)(id)` wrapped with `alayaMiddleware(options)`. */
export function oursModel(
  env: { baseURL: string; apiKey: string; fetch?: typeof globalThis.fetch },
  modelId: string,
  options: AlayaMiddlewareOptions = {},
  fallbackModelIds: readonly string[] = [],
): LanguageModelV4 {
  const alaya = createAlaya({ apiKey: env.apiKey, baseURL: env.baseURL, fetch: env.fetch });
  return wrapLanguageModel({
    model: alaya(modelId),
    middleware: alayaMiddleware({
      apiKey: env.apiKey,
      ...options,
      ...(fallbackModelIds.length > 0
        ? { fallbackModels: fallbackModelIds.map(id => alaya(id)) }
        : {}),
    }),
  }) as LanguageModelV4;
}
