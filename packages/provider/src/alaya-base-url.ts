import { loadOptionalSetting, withoutTrailingSlash } from '@ai-sdk/provider-utils';

/** The Alaya Code API base URL used when neither `baseURL` nor `ALAYA_BASE_URL` is set. */
export const DEFAULT_ALAYA_BASE_URL = 'https://codingplan.alayanew.com/v1';

/** Environment variable the base URL is read from when `baseURL` is not set. */
export const ALAYA_BASE_URL_ENV = 'ALAYA_BASE_URL';

/** Resolves `baseURL`, then `ALAYA_BASE_URL`, then the default; trimmed, without a trailing slash. */
export function loadAlayaBaseURL(baseURL: string | undefined): string {
  const value = loadOptionalSetting({
    settingValue: baseURL,
    environmentVariableName: ALAYA_BASE_URL_ENV,
  })?.trim();
  return withoutTrailingSlash(value || DEFAULT_ALAYA_BASE_URL)!;
}

/**
 * True when the URL's path ends in a version segment such as `/v1`. The Alaya
 * API lives under `/v1`; a base URL without it answers 404 on every call.
 */
export function hasVersionSegment(baseURL: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(baseURL).pathname;
  } catch {
    pathname = baseURL;
  }
  return /\/v\d+$/.test(withoutTrailingSlash(pathname) ?? '');
}
