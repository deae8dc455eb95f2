import type { LanguageModelV4, LanguageModelV4Middleware } from '@ai-sdk/provider';
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
  return oursWrap(
    env,
    modelId,
    alayaMiddleware({
      apiKey: env.apiKey,
      ...options,
      ...(fallbackModelIds.length > 0
        ? { fallbackModels: fallbackModelIds.map(id => alaya(id)) }
        : {}),
    }),
  );
}

/**
 * `createAlaya(...)(id)` wrapped with a middleware built before: one middleware across runs keeps
 * what it learned (the automatic hedge delay), as in a long-lived process.
 */
export function oursWrap(
  env: { baseURL: string; apiKey: string; fetch?: typeof globalThis.fetch },
  modelId: string,
  middleware: LanguageModelV4Middleware,
): LanguageModelV4 {
  const alaya = createAlaya({ apiKey: env.apiKey, baseURL: env.baseURL, fetch: env.fetch });
  return wrapLanguageModel({ model: alaya(modelId), middleware }) as LanguageModelV4;
}
