import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import { STREAM_ONLY_OPTIONS } from './alaya-middleware-options';

/**
 * The kind of model a middleware wraps, as the options resolver checks for it: what a
 * `fallbackModels` entry must be, and the options this kind of middleware does not read (refused,
 * not ignored: a stream's timeout given to embeddings would protect nothing).
 */
export interface ModelKind<M> {
  /** The factory, for error messages (`alayaMiddleware`). */
  readonly middleware: string;
  /** True for a model object of this kind. */
  is(value: unknown): value is M;
  /** What an error says a fallback model must be. */
  readonly expected: string;
  /** Options of the shared type that this kind does not read. */
  readonly unread: readonly string[];
}

/** True when `value` has the string `provider` and `modelId` and every method named. */
function hasModelShape(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Record<string, unknown>;
  return (
    typeof model.modelId === 'string' &&
    typeof model.provider === 'string' &&
    methods.every(name => typeof model[name] === 'function')
  );
}

/** Language models (`alayaMiddleware`): `dimensions` is an embedding option. */
export const LANGUAGE_MODELS: ModelKind<LanguageModelV4> = {
  middleware: 'alayaMiddleware',
  is: (value): value is LanguageModelV4 => hasModelShape(value, ['doGenerate', 'doStream']),
  expected: "a language model object such as alaya('glm-5.1') or openai('gpt-5'), not a model id",
  unread: ['dimensions'],
};

/** Embedding models (`alayaEmbeddingMiddleware`): one-shot calls, no stream options. */
export const EMBEDDING_MODELS: ModelKind<EmbeddingModelV4> = {
  middleware: 'alayaEmbeddingMiddleware',
  is: (value): value is EmbeddingModelV4 => hasModelShape(value, ['doEmbed']),
  expected:
    "an embedding model object such as openai.embedding('text-embedding-3-small'), not a model id",
  unread: STREAM_ONLY_OPTIONS,
};
