import type { FetchFunction } from '@ai-sdk/provider-utils';

/** Settings of `createAlaya`. Every setting is optional. */
export interface AlayaProviderSettings {
  /**
   * Alaya Code API key, sent as `Authorization: Bearer <key>`. Defaults to the
   * `ALAYA_API_KEY` environment variable, read when a call is made (not at
   * import). Surrounding whitespace is trimmed.
   */
  apiKey?: string;

  /**
   * Base URL of the API, including `/v1`. Defaults to the `ALAYA_BASE_URL`
   * environment variable, then `https://codingplan.alayanew.com/v1`. Trailing
   * slashes are removed; a query string (`?api-version=...`) is sent with every
   * request, after the request path. User info (`user:pass@`) is rejected with
   * an `InvalidArgumentError`.
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
