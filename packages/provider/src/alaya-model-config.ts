import { type FetchFunction, withUserAgentSuffix } from '@ai-sdk/provider-utils';
import { loadAlayaApiKey, tryLoadAlayaApiKey } from './alaya-api-key';
import { alayaRequestURL, hasVersionSegment, loadAlayaBaseURL } from './alaya-base-url';
import { type AlayaErrorMapper, createAlayaErrorMapper } from './alaya-error-mapper';
import { type AlayaModel, fetchAlayaModels } from './alaya-models';
import type { AlayaProviderSettings } from './alaya-provider-settings';
import { withoutUrlCredentials } from './alaya-url-credentials';
import { ALAYA_USER_AGENT_SUFFIX } from './alaya-user-agent';
import { type AlayaWorkflowSettings, toWorkflowSettings } from './alaya-workflow-settings';

/** Longest wait for the model list that a 404 message is completed with. */
const MODEL_LIST_TIMEOUT_MS = 5_000;

/** What every model of one provider instance shares; built once per `createAlaya` call. */
export interface AlayaModelConfig {
  /** The provider name (`alaya` by default). */
  providerName: string;
  /** The URL of a request path, e.g. `/chat/completions`. */
  url: (options: { path: string }) => string;
  /** The request headers, `Authorization` included (the key is loaded per call). */
  headers: () => Record<string, string | undefined>;
  /** The custom fetch, if any. */
  fetch?: FetchFunction;
  /** Maps a failure of any call of this provider, once. */
  mapError: AlayaErrorMapper;
  /** What `WORKFLOW_SERIALIZE` writes: the settings without any credential. */
  workflowSettings: AlayaWorkflowSettings;
  /** `GET /v1/models`, unmapped. */
  listModels: (options?: { abortSignal?: AbortSignal }) => Promise<AlayaModel[]>;
}

/** Resolves the provider settings into the configuration its models share. */
export function createAlayaModelConfig(settings: AlayaProviderSettings = {}): AlayaModelConfig {
  // An explicit bad baseURL fails here, at construction; ALAYA_BASE_URL is read per call.
  if (settings.baseURL?.trim()) loadAlayaBaseURL(settings.baseURL);
  const providerName = settings.name ?? 'alaya';
  const getBaseURL = () => loadAlayaBaseURL(settings.baseURL);
  const url = ({ path }: { path: string }) => alayaRequestURL(getBaseURL(), path);
  const headers = () =>
    withUserAgentSuffix(
      { Authorization: `Bearer ${loadAlayaApiKey(settings.apiKey)}`, ...settings.headers },
      ALAYA_USER_AGENT_SUFFIX,
    );
  const listModels = async ({ abortSignal }: { abortSignal?: AbortSignal } = {}) =>
    fetchAlayaModels({
      url: url({ path: '/models' }),
      headers: headers(),
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

  const mapError = createAlayaErrorMapper({
    providerName,
    getBaseURL: () => withoutUrlCredentials(getBaseURL()),
    getApiKey: () => tryLoadAlayaApiKey(settings.apiKey),
    getAvailableModelIds: abortSignal =>
      hasVersionSegment(getBaseURL()) ? getAvailableModelIds(abortSignal) : undefined,
  });

  return {
    providerName,
    url,
    headers,
    ...(settings.fetch && { fetch: settings.fetch }),
    mapError,
    workflowSettings: toWorkflowSettings(settings),
    listModels,
  };
}
