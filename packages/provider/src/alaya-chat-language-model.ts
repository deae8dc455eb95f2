import { OpenAICompatibleChatLanguageModel } from '@ai-sdk/openai-compatible';
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import {
  resolveProviderOptions,
  WORKFLOW_DESERIALIZE,
  WORKFLOW_SERIALIZE,
} from '@ai-sdk/provider-utils';
import { type AlayaChatModelId, alayaLanguageModelChatOptions } from './alaya-chat-options';
import { type AlayaErrorMapper, identityErrorMapper } from './alaya-error-mapper';
import { createAlaya } from './alaya-provider';
import { withAlayaUserAgent } from './alaya-user-agent';
import type { AlayaWorkflowSettings } from './alaya-workflow-settings';
import { mapStreamErrors } from './map-stream-errors';

type OpenAICompatibleChatConfig = ConstructorParameters<
  typeof OpenAICompatibleChatLanguageModel
>[1];

/** Configuration of an {@link AlayaChatLanguageModel}; built by `createAlaya`. */
export type AlayaChatConfig = OpenAICompatibleChatConfig & {
  /** Maps every failure of a call; identity when absent. */
  mapError?: AlayaErrorMapper;
  /** What `WORKFLOW_SERIALIZE` writes (no credentials). */
  workflowSettings?: AlayaWorkflowSettings;
};

/**
 * An Alaya Code chat model: the OpenAI-compatible chat model with
 * `providerOptions.alaya` validated and every failure passed through the
 * provider's error mapping (the middleware's typed errors).
 */
export class AlayaChatLanguageModel
  extends OpenAICompatibleChatLanguageModel
  implements LanguageModelV4
{
  private readonly mapError: AlayaErrorMapper;

  private readonly workflowSettings: AlayaWorkflowSettings | undefined;

  /** The `providerOptions` keys read: the provider name and its camelCase form. */
  private readonly optionNamespaces: string[];

  /**
   * Workflow step boundary: the model id and, as `config`, the provider settings without any credential (the
   * AI SDK's `serializeModelOptions` would write the resolved `Authorization` header).
   */
  static override [WORKFLOW_SERIALIZE](model: AlayaChatLanguageModel) {
    return { modelId: model.modelId, config: { ...model.workflowSettings } };
  }

  /** Rebuilds the model with `createAlaya(settings)`; the key comes from `ALAYA_API_KEY` per call. */
  static override [WORKFLOW_DESERIALIZE](options: {
    modelId: AlayaChatModelId;
    config: Record<string, unknown>;
  }) {
    return createAlaya(options.config as AlayaWorkflowSettings).chatModel(
      options.modelId,
    ) as AlayaChatLanguageModel;
  }

  constructor(
    modelId: AlayaChatModelId,
    { mapError, workflowSettings, ...config }: AlayaChatConfig,
  ) {
    super(modelId, config);
    this.mapError = mapError ?? identityErrorMapper;
    this.workflowSettings = workflowSettings;
    const name = this.provider.split('.')[0]!.trim();
    const camelCaseName = name.replace(/[_-]([a-z])/g, match => match[1]!.toUpperCase());
    this.optionNamespaces = camelCaseName === name ? [name] : [name, camelCaseName];
  }

  /**
   * Validates `providerOptions` under the provider name (`alaya` by default) and its camelCase
   * form (`my-alaya` -> `myAlaya`), the two keys `@ai-sdk/openai-compatible` reads.
   */
  private async validateProviderOptions(options: LanguageModelV4CallOptions): Promise<void> {
    await resolveProviderOptions({
      providerOptions: options.providerOptions,
      namespaces: this.optionNamespaces,
      resolution: 'merge',
      schema: alayaLanguageModelChatOptions,
    });
  }

  override async doGenerate(
    options: LanguageModelV4CallOptions,
  ): Promise<LanguageModelV4GenerateResult> {
    await this.validateProviderOptions(options);
    try {
      return await super.doGenerate({ ...options, headers: withAlayaUserAgent(options.headers) });
    } catch (error) {
      throw await this.mapError(error, this.callInfo(options));
    }
  }

  override async doStream(
    options: LanguageModelV4CallOptions,
  ): Promise<LanguageModelV4StreamResult> {
    await this.validateProviderOptions(options);
    let result: LanguageModelV4StreamResult;
    try {
      result = await super.doStream({ ...options, headers: withAlayaUserAgent(options.headers) });
    } catch (error) {
      throw await this.mapError(error, this.callInfo(options));
    }
    const call = this.callInfo(options);
    return {
      ...result,
      stream: mapStreamErrors(result.stream, (error, fromStreamPart) =>
        this.mapError(error, { ...call, fromStreamPart }),
      ),
    };
  }

  private callInfo(options: LanguageModelV4CallOptions) {
    return {
      modelId: this.modelId,
      modelType: 'chat' as const,
      ...(options.abortSignal && { abortSignal: options.abortSignal }),
    };
  }
}
