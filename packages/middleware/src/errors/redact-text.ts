/** Replacement text for anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Names (headers, JSON properties, URL query parameters) whose value is a credential:
 * `authorization`, `api-key`/`apiKey`/`x-api-key`, cookies, secrets, passwords, credentials, names
 * ending in `token` (`x-auth-token`, `access_token`), and names ending in a `key`, `auth`, `sig`,
 * `signature` or `pwd` segment (`?key=`, `ocp-apim-subscription-key`, `x-auth`). Not `max_tokens`
 * or the `x-ratelimit-*-tokens` headers: those are counts the caller and the fleet guard need.
 */
const SECRET_NAME =
  /authorization|api[-_]?key|cookie|secret|password|passwd|credential|token$|(?:^|[-_])token[-_]|(?:^|[-_.])(?:key|auth|sig|signature|pwd)$/i;

/**
 * Longest text an error keeps in one field: a longer string (a hostile 10 MB body) is cut to this,
 * with a note saying how much was dropped, before it is redacted, so that redaction costs the same
 * bounded time whatever a server sends.
 */
export const MAX_TEXT_LENGTH = 128 * 1024;

/*
 * Every pattern below is linear in the length of the text and bounded in its backtracking: each
 * starts at a boundary that a run of its own characters cannot contain, and every repetition has
 * an upper bound (an unbounded greedy loop over megabytes overflows the regex backtrack stack).
 */
/** Cheap test for text that may hold anything below; most messages hold none. */
const MAY_HOLD_SECRET = /bearer|basic|sk-|eyJ|key|token|secret|passw|:\/\/|=/i;
/** `Bearer …` / `Basic …` credentials. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s{1,8}[A-Za-z0-9._~+/=-]{1,4096}/g;
/** OpenAI, Anthropic and Alaya style keys: a word starting `sk-`, then 16 or more key characters. */
const SK_KEY = /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,4096}/g;
/** JSON Web Tokens: two base64url segments starting `eyJ` (`{"`), then the signature. */
const JWT =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{0,4096}/g;
/** `key: …`, `token=…`, `"secret": "…"`, `api key is …`: a credential word, a separator, a token. */
const AFTER_WORD =
  /(?<![A-Za-z])(key|token|secret|password|passwd)(?![A-Za-z])((?:\s{1,3}(?:is|provided|was))?[\s"':=]{1,8})([A-Za-z0-9._~+/=-]{16,4096})/gi;
/** User-info in a URL: `scheme://user:pass@`. */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]{0,20}:\/\/)[^\s/?#@"'<>]{1,1024}@/gi;
/** A query parameter; its value is replaced when its name is a credential name. */
const QUERY_PARAM = /([?&])([^=&#\s?]{1,64})=([^&#\s"'<>]{0,4096})/g;

/** True for names whose value is a credential (see the list above). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Removes secrets from text; this is the last step of building every message and field. Text
 * longer than {@link MAX_TEXT_LENGTH} is cut first. What is removed:
 * - `apiKey` (when it is at least 4 characters; otherwise only a text equal to it), also lower-cased
 *   (header names) and URL-encoded;
 * - credential shapes, even when no key is known: `Bearer …`/`Basic …`, `sk-…` keys of 16+
 *   characters, JWTs, and a token of 16+ characters with a digit (or 32+ without) right after the
 *   word key, token, secret or password and a separator (`api key: …`, `token=…`, `"secret": "…"`);
 * - URL user-info (`https://user:pass@host`) and credential query parameters (`?api_key=`, `?key=`,
 *   `&token=`, `&sig=`, …).
 *
 * Short words, ids such as `glm-5.1`, `req_123`, hex request ids and token counts are kept.
 */
export function redactString(value: string, apiKey?: string): string {
  // Redact a little past the cut: a secret across it is then gone before the cut is made.
  // (A text already cut, with its note, is not cut again.)
  const cut = value.length > MAX_TEXT_LENGTH + 256;
  let result = cut ? value.slice(0, MAX_TEXT_LENGTH + 1024) : value;
  if (apiKey) result = redactKey(result, apiKey);
  if (MAY_HOLD_SECRET.test(result)) result = redactShapes(result);
  if (!cut) return result;
  const dropped = value.length - MAX_TEXT_LENGTH;
  return `${result.slice(0, MAX_TEXT_LENGTH)}… [${dropped} more characters dropped]`;
}

function redactShapes(text: string): string {
  let result = text;
  if (/bearer|basic/i.test(result)) {
    result = result.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
  }
  if (result.includes('sk-')) result = result.replace(SK_KEY, REDACTED);
  if (result.includes('eyJ')) result = result.replace(JWT, REDACTED);
  if (/key|token|secret|passw/i.test(result)) {
    result = result.replace(AFTER_WORD, (match, word: string, separator: string, token: string) =>
      /\d/.test(token) || token.length >= 32 ? `${word}${separator}${REDACTED}` : match,
    );
  }
  if (result.includes('@') && result.includes('://')) {
    result = result.replace(URL_USER_INFO, `$1${REDACTED}@`);
  }
  if (result.includes('=') && (result.includes('?') || result.includes('&'))) {
    result = result.replace(QUERY_PARAM, (match, separator: string, name: string) =>
      isSecretName(safeDecode(name)) ? `${separator}${name}=${REDACTED}` : match,
    );
  }
  return result;
}

/** The forms of the last key seen (one key per process is the common case): computed once. */
let lastKey: { key: string; forms: string[] } | undefined;

function redactKey(value: string, apiKey: string): string {
  if (apiKey.length < 4) return value === apiKey ? REDACTED : value;
  if (lastKey?.key !== apiKey) {
    lastKey = {
      key: apiKey,
      forms: [...new Set([apiKey, apiKey.toLowerCase(), safeEncode(apiKey)])],
    };
  }
  let result = value;
  for (const form of lastKey.forms) {
    if (result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}
