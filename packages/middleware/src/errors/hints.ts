import type { AlayaErrorKind } from './alaya-error-options';

/**
 * Hints for Alaya's own models: the "Solution" column of Alaya's error guide, per kind (and, for the
 * kinds the guide does not name, the same hints as for any provider).
 */
export const DEFAULT_HINTS: Readonly<Record<AlayaErrorKind, string>> = {
  bad_request: 'Check request body format and ensure all required fields are present',
  authentication: 'Check the Authorization header format and API Key',
  insufficient_quota: 'Upgrade plan or purchase a booster pack',
  permission_denied: 'Upgrade to a plan that supports the model',
  not_found: 'Check the URL path and model name',
  rate_limit: 'Reduce request frequency or upgrade plan. Check Retry-After header',
  internal_server: 'Retry the request. Contact support if it persists',
  bad_gateway: 'Retry later or switch to another model',
  service_unavailable: 'Retry later',
  unknown_status: 'Retry later if the status is 408, 409 or 5xx; otherwise check the request',
  connection: 'Check the network connection and the base URL, then retry',
  timeout: 'Retry the request; raise the timeout if it keeps happening',
  circuit_open: 'Add fallbackModels to keep serving while the model recovers, or retry later',
  dimension_mismatch:
    'Use fallback embedding models of the same dimensions, or set dimensions to the length your vector store holds',
};

/**
 * Hints for any other provider's models: true of every API, with no Alaya plan or product in them.
 * Every kind is written out (no spread), so a new kind does not compile until it has its hint here.
 */
export const GENERIC_HINTS: Readonly<Record<AlayaErrorKind, string>> = {
  bad_request: 'Check the request body: required fields, their types and values',
  authentication: "Check the API key and the way it is sent (the provider's auth header)",
  insufficient_quota:
    "The account is out of credit or over its spend limit: check the provider's billing",
  permission_denied: 'The key or its plan has no access to this model or feature',
  not_found: 'Check the base URL and the model id',
  rate_limit: 'Reduce request frequency; wait as long as the Retry-After header says',
  internal_server: 'Retry the request; contact the provider if it persists',
  bad_gateway: DEFAULT_HINTS.bad_gateway,
  service_unavailable: DEFAULT_HINTS.service_unavailable,
  unknown_status: DEFAULT_HINTS.unknown_status,
  connection: DEFAULT_HINTS.connection,
  timeout: DEFAULT_HINTS.timeout,
  circuit_open: DEFAULT_HINTS.circuit_open,
  dimension_mismatch: DEFAULT_HINTS.dimension_mismatch,
};

/**
 * The hint for a failure: Alaya's error guide when the provider is Alaya's (its id starts with
 * `alaya`, as `alaya.chat` does) or not known (a bare `toAlayaError(error)`); otherwise the generic
 * hint, so that OpenAI's `429 insufficient_quota` does not tell anyone to buy an Alaya booster pack.
 */
export function hintFor(kind: AlayaErrorKind, provider: string | undefined): string {
  const alaya = provider === undefined || provider.toLowerCase().startsWith('alaya');
  return (alaya ? DEFAULT_HINTS : GENERIC_HINTS)[kind];
}
