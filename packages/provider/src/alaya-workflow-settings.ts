import { REDACTED, redactHeaders } from '@alaya-code/ai-sdk-middleware/errors';

/**
 * The provider settings a model carries across a Workflow step boundary (`WORKFLOW_SERIALIZE`):
 * base URL, name and the headers that carry no credential. Never the API key, an `Authorization`
 * or other credential header, or `fetch`: the rebuilt model reads its key from `ALAYA_API_KEY`
 * when it is called.
 */
export type AlayaWorkflowSettings = {
  baseURL?: string;
  name?: string;
  headers?: Record<string, string>;
};

/** Picks the serialisable, credential-free part of the provider settings. */
export function toWorkflowSettings(settings: {
  baseURL?: string;
  name?: string;
  headers?: Record<string, string>;
}): AlayaWorkflowSettings {
  const headers = Object.fromEntries(
    Object.entries(redactHeaders(settings.headers) ?? {}).filter(
      ([, value]) => !value.includes(REDACTED),
    ),
  );
  return {
    ...(settings.baseURL !== undefined && { baseURL: settings.baseURL }),
    ...(settings.name !== undefined && { name: settings.name }),
    ...(Object.keys(headers).length > 0 && { headers }),
  };
}
