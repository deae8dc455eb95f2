import { OpenAICompatibleEmbeddingModel } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import { WORKFLOW_DESERIALIZE, WORKFLOW_SERIALIZE } from '@ai-sdk/provider-utils';
import type { AlayaEmbeddingModelId } from './alaya-embedding-options';
import { alayaErrorStructure } from './alaya-error-structure';
import type { AlayaModelConfig } from './alaya-model-config';
import { withAlayaUserAgent } from './alaya-user-agent';
import {
  type AlayaSerializedModel,
  deserializeAlayaConfig,
  serializeAlayaModel,
} from './alaya-workflow';

/**
 * An Alaya Code embedding model (`POST /v1/embeddings`): the OpenAI-compatible
 * embedding model with every failure mapped once by the provider's error mapper.
 */
export class AlayaEmbeddingModel
  extends OpenAICompatibleEmbeddingModel
  implements EmbeddingModelV4
{
  private readonly alaya: AlayaModelConfig;

  /** Workflow step boundary: the model id and the provider settings without any credential. */
  static override [WORKFLOW_SERIALIZE](model: AlayaEmbeddingModel): AlayaSerializedModel {
    return serializeAlayaModel(model.modelId, model.alaya);
  }

  /** Rebuilds the model from its written settings; the key comes from `ALAYA_API_KEY` per call. */
  static override [WORKFLOW_DESERIALIZE](options: {
    modelId: AlayaEmbeddingModelId;
    config: unknown;
  }) {
    return new AlayaEmbeddingModel(options.modelId, deserializeAlayaConfig(options.config));
  }

  constructor(modelId: AlayaEmbeddingModelId, config: AlayaModelConfig) {
    super(modelId, {
      provider: `${config.providerName}.embedding`,
      url: config.url,
      headers: config.headers,
      ...(config.fetch && { fetch: config.fetch }),
      errorStructure: alayaErrorStructure,
    });
    this.alaya = config;
  }

  override async doEmbed(
    options: Parameters<EmbeddingModelV4['doEmbed']>[0],
  ): Promise<Awaited<ReturnType<EmbeddingModelV4['doEmbed']>>> {
    try {
      return await super.doEmbed({ ...options, headers: withAlayaUserAgent(options.headers) });
    } catch (error) {
      throw await this.alaya.mapError(error, {
        modelId: this.modelId,
        modelType: 'embedding',
        ...(options.abortSignal && { abortSignal: options.abortSignal }),
      });
    }
  }
}
