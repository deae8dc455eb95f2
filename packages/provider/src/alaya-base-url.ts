import { InvalidArgumentError } from '@ai-sdk/provider';
import { loadOptionalSetting } from '@ai-sdk/provider-utils';
import { hasUserInfo } from './alaya-url-credentials';

/** The Alaya Code API base URL used when neither `baseURL` nor `ALAYA_BASE_URL` is set. */
export const DEFAULT_ALAYA_BASE_URL = 'https://codingplan.alayanew.com/v1';

/** Environment variable the base URL is read from when `baseURL` is not set. */
export const ALAYA_BASE_URL_ENV = 'ALAYA_BASE_URL';

/**
 * Resolves `baseURL`, then `ALAYA_BASE_URL`, then the default: trimmed, with every trailing slash
 * of the path removed (`/v1//?x=y` -> `/v1?x=y`); a query string is kept and moved behind each
 * request path by {@link alayaRequestURL}. Throws `InvalidArgumentError` for a URL with user info
 * (`https://user:pass@host/v1`), which `fetch` rejects; the message never contains it.
 */
export function loadAlayaBaseURL(baseURL: string | undefined): string {
  const value = loadOptionalSetting({
    settingValue: baseURL,
    environmentVariableName: ALAYA_BASE_URL_ENV,
  })?.trim();
  const argument = baseURL?.trim() ? 'baseURL' : ALAYA_BASE_URL_ENV;
  const url = value || DEFAULT_ALAYA_BASE_URL;
  if (hasUserInfo(url)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must not contain user info (user:password@host): fetch rejects such URLs. Pass the API key as apiKey (or ALAYA_API_KEY) and other credentials in headers.`,
    });
  }
  const { path, query } = splitQuery(url);
  return `${withoutTrailingSlashes(path)}${query}`;
}

/**
 * The URL of one API request: `path` (e.g. `/chat/completions`) joined to the base URL's path, and
 * the base URL's query string, if any, after it (`https://h/v1?x=y` -> `https://h/v1/chat/completions?x=y`).
 */
export function alayaRequestURL(baseURL: string, path: string): string {
  const { path: basePath, query } = splitQuery(baseURL);
  return `${basePath}${path}${query}`;
}

/**
 * True when the URL's path ends in a version segment such as `/v1`. The Alaya
 * API lives under `/v1`; a base URL without it answers 404 on every call.
 */
export function hasVersionSegment(baseURL: string): boolean {
  let pathname = splitQuery(baseURL).path;
  try {
    pathname = new URL(pathname).pathname;
  } catch {
    // A relative URL: its path is the string itself.
  }
  return /\/v\d+$/.test(withoutTrailingSlashes(pathname));
}

function splitQuery(url: string): { path: string; query: string } {
  const start = url.search(/[?#]/);
  return start < 0
    ? { path: url, query: '' }
    : { path: url.slice(0, start), query: url.slice(start) };
}

function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}
