import { OpenAICompatibleEmbeddingModel } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import { WORKFLOW_DESERIALIZE, WORKFLOW_SERIALIZE } from '@ai-sdk/provider-utils';
import type { AlayaEmbeddingModelId } from './alaya-embedding-options';
import { type AlayaErrorMapper, identityErrorMapper } from './alaya-error-mapper';
import { createAlaya } from './alaya-provider';
import { withAlayaUserAgent } from './alaya-user-agent';
import type { AlayaWorkflowSettings } from './alaya-workflow-settings';

type OpenAICompatibleEmbeddingConfig = ConstructorParameters<
  typeof OpenAICompatibleEmbeddingModel
>[1];

/** Configuration of an {@link AlayaEmbeddingModel}; built by `createAlaya`. */
export type AlayaEmbeddingConfig = OpenAICompatibleEmbeddingConfig & {
  /** Maps every failure of a call; identity when absent. */
  mapError?: AlayaErrorMapper;
  /** What `WORKFLOW_SERIALIZE` writes (no credentials). */
  workflowSettings?: AlayaWorkflowSettings;
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
  private readonly workflowSettings: AlayaWorkflowSettings | undefined;

  /** Workflow step boundary: the model id and the provider settings without any credential. */
  static override [WORKFLOW_SERIALIZE](model: AlayaEmbeddingModel) {
    return { modelId: model.modelId, config: { ...model.workflowSettings } };
  }

  /** Rebuilds the model with `createAlaya(settings)`; the key comes from `ALAYA_API_KEY` per call. */
  static override [WORKFLOW_DESERIALIZE](options: {
    modelId: AlayaEmbeddingModelId;
    config: Record<string, unknown>;
  }) {
    return createAlaya(options.config as AlayaWorkflowSettings).embeddingModel(
      options.modelId,
    ) as AlayaEmbeddingModel;
  }

  constructor(
    modelId: AlayaEmbeddingModelId,
    { mapError, workflowSettings, ...config }: AlayaEmbeddingConfig,
  ) {
    super(modelId, config);
    this.mapError = mapError ?? identityErrorMapper;
    this.workflowSettings = workflowSettings;
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
