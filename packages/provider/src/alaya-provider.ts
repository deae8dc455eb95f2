import {
  type EmbeddingModelV4,
  type LanguageModelV4,
  NoSuchModelError,
  type ProviderV4,
} from '@ai-sdk/provider';
import { AlayaChatLanguageModel } from './alaya-chat-language-model';
import type { AlayaChatModelId } from './alaya-chat-options';
import { AlayaEmbeddingModel } from './alaya-embedding-model';
import type { AlayaEmbeddingModelId } from './alaya-embedding-options';
import { createAlayaModelConfig } from './alaya-model-config';
import type { AlayaModel } from './alaya-models';
import type { AlayaProviderSettings } from './alaya-provider-settings';

export type { AlayaProviderSettings } from './alaya-provider-settings';

/**
 * The Alaya Code provider: call it with a model id for a chat model. Models
 * throw the typed errors of `@alaya-code/ai-sdk-middleware`.
 */
export interface AlayaProvider extends ProviderV4 {
  /** Creates a chat model (`POST /v1/chat/completions`). */
  (modelId: AlayaChatModelId): LanguageModelV4;

  /** Creates a chat model (`POST /v1/chat/completions`). */
  languageModel(modelId: AlayaChatModelId): LanguageModelV4;

  /** Creates a chat model (`POST /v1/chat/completions`). */
  chatModel(modelId: AlayaChatModelId): LanguageModelV4;

  /** Creates an embedding model (`POST /v1/embeddings`). */
  embeddingModel(modelId: AlayaEmbeddingModelId): EmbeddingModelV4;

  /** Not supported: throws `NoSuchModelError`. */
  imageModel(modelId: string): never;

  /** Not supported: throws `NoSuchModelError`. */
  transcriptionModel(modelId: string): never;

  /** Not supported: throws `NoSuchModelError`. */
  speechModel(modelId: string): never;

  /** Not supported: throws `NoSuchModelError`. */
  rerankingModel(modelId: string): never;

  /**
   * Lists the models the service offers (`GET /v1/models`). Failures throw the
   * middleware's typed errors.
   */
  listModels(options?: { abortSignal?: AbortSignal }): Promise<AlayaModel[]>;
}

/**
 * Creates an Alaya Code provider with the given settings. An explicit `baseURL` with user info
 * throws `InvalidArgumentError` here; the key and `ALAYA_BASE_URL` are read when a call is made.
 */
export function createAlaya(settings: AlayaProviderSettings = {}): AlayaProvider {
  const config = createAlayaModelConfig(settings);
  const createChatModel = (modelId: AlayaChatModelId) =>
    new AlayaChatLanguageModel(modelId, config);
  const createEmbeddingModel = (modelId: AlayaEmbeddingModelId) =>
    new AlayaEmbeddingModel(modelId, config);

  const unsupported =
    (modelType: 'imageModel' | 'transcriptionModel' | 'speechModel' | 'rerankingModel') =>
    (modelId: string): never => {
      throw new NoSuchModelError({
        modelId,
        modelType,
        message: `Alaya Code does not offer ${modelType}s (model '${modelId}'). Use languageModel or embeddingModel.`,
      });
    };

  const provider = (modelId: AlayaChatModelId) => createChatModel(modelId);

  provider.specificationVersion = 'v4' as const;
  provider.languageModel = createChatModel;
  provider.chatModel = createChatModel;
  provider.embeddingModel = createEmbeddingModel;
  provider.imageModel = unsupported('imageModel');
  provider.transcriptionModel = unsupported('transcriptionModel');
  provider.speechModel = unsupported('speechModel');
  provider.rerankingModel = unsupported('rerankingModel');
  provider.listModels = async (options: { abortSignal?: AbortSignal } = {}) => {
    try {
      return await config.listModels(options);
    } catch (error) {
      throw await config.mapError(error, {
        modelId: '',
        modelType: 'models',
        ...(options.abortSignal && { abortSignal: options.abortSignal }),
      });
    }
  };

  return provider;
}

/**
 * The default Alaya Code provider: key from `ALAYA_API_KEY`, base URL from
 * `ALAYA_BASE_URL` or `https://codingplan.alayanew.com/v1`, both read per call.
 */
export const alaya: AlayaProvider = createAlaya();
