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
import type { AlayaCallInfo } from './alaya-error-mapper';
import { alayaErrorStructure } from './alaya-error-structure';
import type { AlayaModelConfig } from './alaya-model-config';
import { withAlayaUserAgent } from './alaya-user-agent';
import {
  type AlayaSerializedModel,
  deserializeAlayaConfig,
  serializeAlayaModel,
} from './alaya-workflow';
import { mapStreamErrors } from './map-stream-errors';
import { transformAlayaRequestBody } from './transform-alaya-request-body';

/**
 * An Alaya Code chat model: the OpenAI-compatible chat model with
 * `providerOptions.alaya` validated and every failure mapped once by the
 * provider's error mapper (the error floor's typed errors).
 */
export class AlayaChatLanguageModel
  extends OpenAICompatibleChatLanguageModel
  implements LanguageModelV4
{
  private readonly alaya: AlayaModelConfig;

  /** The `providerOptions` keys read: the provider name and its camelCase form. */
  private readonly optionNamespaces: string[];

  /** Workflow step boundary: the model id and the provider settings without any credential. */
  static override [WORKFLOW_SERIALIZE](model: AlayaChatLanguageModel): AlayaSerializedModel {
    return serializeAlayaModel(model.modelId, model.alaya);
  }

  /** Rebuilds the model from its written settings; the key comes from `ALAYA_API_KEY` per call. */
  static override [WORKFLOW_DESERIALIZE](options: { modelId: AlayaChatModelId; config: unknown }) {
    return new AlayaChatLanguageModel(options.modelId, deserializeAlayaConfig(options.config));
  }

  constructor(modelId: AlayaChatModelId, config: AlayaModelConfig) {
    super(modelId, {
      provider: `${config.providerName}.chat`,
      url: config.url,
      headers: config.headers,
      ...(config.fetch && { fetch: config.fetch }),
      errorStructure: alayaErrorStructure,
      includeUsage: true,
      supportsStructuredOutputs: true,
      transformRequestBody: transformAlayaRequestBody,
    });
    this.alaya = config;
    const name = config.providerName.trim();
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
      throw await this.alaya.mapError(error, this.callInfo(options));
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
      throw await this.alaya.mapError(error, this.callInfo(options));
    }
    const call = this.callInfo(options);
    return {
      ...result,
      stream: mapStreamErrors(result.stream, (error, fromStreamPart) =>
        this.alaya.mapError(error, { ...call, fromStreamPart }),
      ),
    };
  }

  private callInfo(options: LanguageModelV4CallOptions): AlayaCallInfo {
    return {
      modelId: this.modelId,
      modelType: 'chat',
      ...(options.abortSignal && { abortSignal: options.abortSignal }),
    };
  }
}
