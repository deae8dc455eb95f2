import {
  type EmbeddingModelV4,
  type LanguageModelV4,
  NoSuchModelError,
  type ProviderV4,
} from '@ai-sdk/provider';
import { type FetchFunction, withUserAgentSuffix } from '@ai-sdk/provider-utils';
import { loadAlayaApiKey, tryLoadAlayaApiKey } from './alaya-api-key';
import { hasVersionSegment, loadAlayaBaseURL } from './alaya-base-url';
import { AlayaChatLanguageModel } from './alaya-chat-language-model';
import type { AlayaChatModelId } from './alaya-chat-options';
import { AlayaEmbeddingModel } from './alaya-embedding-model';
import type { AlayaEmbeddingModelId } from './alaya-embedding-options';
import { createAlayaErrorMapper } from './alaya-error-mapping';
import { alayaErrorStructure } from './alaya-error-structure';
import { type AlayaModel, fetchAlayaModels } from './alaya-models';
import { ALAYA_USER_AGENT_SUFFIX } from './alaya-user-agent';
import { toWorkflowSettings } from './alaya-workflow-settings';
import { transformAlayaRequestBody } from './transform-alaya-request-body';

/** Longest wait for the model list that a 404 message is completed with. */
const MODEL_LIST_TIMEOUT_MS = 5_000;

/** Settings of {@link createAlaya}. Every setting is optional. */
export interface AlayaProviderSettings {
  /**
   * Alaya Code API key, sent as `Authorization: Bearer <key>`. Defaults to the
   * `ALAYA_API_KEY` environment variable, read when a call is made (not at
   * import). Surrounding whitespace is trimmed.
   */
  apiKey?: string;

  /**
   * Base URL of the API, including `/v1`. Defaults to the `ALAYA_BASE_URL`
   * environment variable, then `https://codingplan.alayanew.com/v1`.
   */
  baseURL?: string;

  /** Extra headers sent with every request (after `Authorization`). */
  headers?: Record<string, string>;

  /**
   * Custom fetch implementation, e.g. to add a proxy or to log requests.
   * Defaults to the global `fetch`.
   */
  fetch?: FetchFunction;

  /**
   * Provider name: the `provider` of the models (`<name>.chat`,
   * `<name>.embedding`) and the `providerOptions` key. Defaults to `alaya`.
   */
  name?: string;
}

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

/** Creates an Alaya Code provider with the given settings. */
export function createAlaya(settings: AlayaProviderSettings = {}): AlayaProvider {
  const providerName = settings.name ?? 'alaya';
  const getBaseURL = () => loadAlayaBaseURL(settings.baseURL);
  const url = ({ path }: { path: string }) => `${getBaseURL()}${path}`;

  const getHeaders = () =>
    withUserAgentSuffix(
      {
        Authorization: `Bearer ${loadAlayaApiKey(settings.apiKey)}`,
        ...settings.headers,
      },
      ALAYA_USER_AGENT_SUFFIX,
    );

  const listModels = async ({ abortSignal }: { abortSignal?: AbortSignal } = {}) =>
    fetchAlayaModels({
      url: url({ path: '/models' }),
      headers: getHeaders(),
      fetch: settings.fetch,
      abortSignal,
    });

  // Fetched at most once per provider instance, and only when a model call got a 404 (bounded in
  // time, so a slow service cannot hold the 404 back; a failed fetch is tried again next time):
  let availableModelIds: Promise<string[]> | undefined;
  const getAvailableModelIds = (abortSignal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(MODEL_LIST_TIMEOUT_MS);
    availableModelIds ??= listModels({
      abortSignal: abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout,
    }).then(
      models => models.map(model => model.id),
      error => {
        availableModelIds = undefined;
        throw error;
      },
    );
    return availableModelIds;
  };

  const workflowSettings = toWorkflowSettings(settings);

  const mapError = createAlayaErrorMapper({
    providerName,
    getBaseURL,
    getApiKey: () => tryLoadAlayaApiKey(settings.apiKey),
    getAvailableModelIds: abortSignal =>
      hasVersionSegment(getBaseURL()) ? getAvailableModelIds(abortSignal) : undefined,
  });

  const createChatModel = (modelId: AlayaChatModelId) =>
    new AlayaChatLanguageModel(modelId, {
      provider: `${providerName}.chat`,
      url,
      headers: getHeaders,
      fetch: settings.fetch,
      errorStructure: alayaErrorStructure,
      includeUsage: true,
      supportsStructuredOutputs: true,
      transformRequestBody: transformAlayaRequestBody,
      mapError,
      workflowSettings,
    });

  const createEmbeddingModel = (modelId: AlayaEmbeddingModelId) =>
    new AlayaEmbeddingModel(modelId, {
      provider: `${providerName}.embedding`,
      url,
      headers: getHeaders,
      fetch: settings.fetch,
      errorStructure: alayaErrorStructure,
      mapError,
      workflowSettings,
    });

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
      return await listModels(options);
    } catch (error) {
      throw await mapError(error, {
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
