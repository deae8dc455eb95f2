import { tryLoadAlayaApiKey } from './alaya-api-key';
import { isCredentialName, withoutUrlCredentials } from './alaya-url-credentials';

/**
 * The provider settings a model carries across a Workflow step boundary (`WORKFLOW_SERIALIZE`):
 * base URL, name and the headers that carry no credential. Never the API key, `fetch`, a header
 * named like a credential (`authorization`, `x-api-key`, `ocp-apim-subscription-key`, `x-auth`,
 * tokens, cookies, ...), a header whose value holds the key or a `Bearer`/`Basic` credential, or
 * the user info and credential query parameters (`?key=`, `?api_key=`, `?token=`, ...) of the
 * base URL: the rebuilt model reads its key from `ALAYA_API_KEY` when it is called.
 */
export type AlayaWorkflowSettings = {
  baseURL?: string;
  name?: string;
  headers?: Record<string, string>;
};

const CREDENTIAL_VALUE = /^\s*(?:bearer|basic|token)\s/i;

/** Picks the serialisable, credential-free part of the provider settings. */
export function toWorkflowSettings(settings: {
  apiKey?: string;
  baseURL?: string;
  name?: string;
  headers?: Record<string, string>;
}): AlayaWorkflowSettings {
  const apiKey = tryLoadAlayaApiKey(settings.apiKey);
  const headers = Object.fromEntries(
    Object.entries(settings.headers ?? {}).filter(
      ([name, value]) =>
        typeof value === 'string' &&
        !isCredentialName(name) &&
        !CREDENTIAL_VALUE.test(value) &&
        !(apiKey && value.includes(apiKey)),
    ),
  );
  return {
    ...(settings.baseURL !== undefined && { baseURL: withoutUrlCredentials(settings.baseURL) }),
    ...(settings.name !== undefined && { name: settings.name }),
    ...(Object.keys(headers).length > 0 && { headers }),
  };
}
