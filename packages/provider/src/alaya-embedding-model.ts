import { OpenAICompatibleEmbeddingModel } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import type { AlayaEmbeddingModelId } from './alaya-embedding-options';
import type { AlayaErrorMapper } from './alaya-error-mapper';
import { withAlayaUserAgent } from './alaya-user-agent';

type OpenAICompatibleEmbeddingConfig = ConstructorParameters<
  typeof OpenAICompatibleEmbeddingModel
>[1];

/** Configuration of an {@link AlayaEmbeddingModel}; built by `createAlaya`. */
export type AlayaEmbeddingConfig = OpenAICompatibleEmbeddingConfig & {
  /** Maps every failure of a call; identity when absent. */
  mapError?: AlayaErrorMapper;
};

/**
 * An Alaya Code embedding model (`POST /v1/embeddings`): the OpenAI-compatible
 * embedding model with every failure passed through the provider's error mapping.
 */
export class AlayaEmbeddingModel
  extends OpenAICompatibleEmbeddingModel
  implements EmbeddingModelV4
{
  private readonly mapError: AlayaErrorMapper;

  constructor(modelId: AlayaEmbeddingModelId, { mapError, ...config }: AlayaEmbeddingConfig) {
    super(modelId, config);
    this.mapError = mapError ?? (async error => error);
  }

  override async doEmbed(
    options: Parameters<EmbeddingModelV4['doEmbed']>[0],
  ): Promise<Awaited<ReturnType<EmbeddingModelV4['doEmbed']>>> {
    try {
      return await super.doEmbed({ ...options, headers: withAlayaUserAgent(options.headers) });
    } catch (error) {
      throw await this.mapError(error, {
        modelId: this.modelId,
        modelType: 'embedding',
        ...(options.abortSignal && { abortSignal: options.abortSignal }),
      });
    }
  }
}
