/**
 * Names that carry a credential in a header or a query parameter: keys (`api_key`, `key`,
 * `ocp-apim-subscription-key`), auth (`authorization`, `x-auth`), tokens, secrets, passwords,
 * cookies, sessions and signatures. Broader than the error floor's redaction on purpose: this
 * decides what is never written or shown at all, where dropping a harmless header costs little.
 */
const CREDENTIAL_NAME =
  /(?:^|[-_.])key$|api[-_]?key|auth|token|secret|passw|pwd|cookie|session|signature|credential|(?:^|[-_.])sig$/i;

/** True for a header or query parameter name that looks like it carries a credential. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/** True when the URL carries user info (`https://user:pass@host/...`). */
export function hasUserInfo(url: string): boolean {
  return USER_INFO.test(url);
}

/**
 * The URL without user info and without query parameters whose name looks like a credential
 * (`?api_key=`, `?key=`, `?token=`, ...); other parameters stay in their order. Works on relative
 * URLs too (string operations only).
 */
export function withoutUrlCredentials(url: string): string {
  const withoutUserInfo = url.replace(USER_INFO, '$1');
  const queryStart = withoutUserInfo.search(/[?#]/);
  if (queryStart < 0 || withoutUserInfo[queryStart] !== '?') return withoutUserInfo;
  const hashStart = withoutUserInfo.indexOf('#', queryStart);
  const end = hashStart < 0 ? withoutUserInfo.length : hashStart;
  const kept = withoutUserInfo
    .slice(queryStart + 1, end)
    .split('&')
    .filter(pair => pair !== '' && !isCredentialName(safeDecode(pair.split('=')[0] ?? '')));
  const query = kept.length > 0 ? `?${kept.join('&')}` : '';
  return `${withoutUserInfo.slice(0, queryStart)}${query}${withoutUserInfo.slice(end)}`;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
