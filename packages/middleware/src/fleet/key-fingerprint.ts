/**
 * A short, stable fingerprint of an API key: the first 16 hex digits of its SHA-256 (Web Crypto,
 * so it runs on Node, Edge and browsers). Instances that use the same key share cooldowns under
 * this fingerprint; the key itself is never stored, logged or sent to the store.
 */
export async function fingerprintApiKey(apiKey: string): Promise<string> {
  const key = apiKey.trim();
  if (key === '') throw new TypeError('fingerprintApiKey: the API key is empty');
  return shortHash(key);
}

/**
 * The first 16 hex digits of the SHA-256 of `text` (Web Crypto): what the store, logs and
 * telemetry see of a secret or a caller's id (an API key, a tenant).
 */
export async function shortHash(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest).subarray(0, 8))
    hex += byte.toString(16).padStart(2, '0');
  return hex;
}
