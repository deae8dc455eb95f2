import { createHash } from 'node:crypto';
import { type RateLimits, validateLimits } from './rate-limiter';

/** The key the emulator accepts when `apiKeys` is not given. */
export const DEFAULT_TEST_KEY = 'test-key';

/** One API key the emulator accepts, with its plan and quota. */
export interface ApiKeyConfig {
  /** The key, sent as `Authorization: Bearer <key>`. Compared exactly: no trimming. */
  key: string;
  /** The models this key's plan includes; any other known model answers 403. Default: all. */
  models?: readonly string[];
  /** Total tokens the key may use; once used up, requests answer 402. Default: unlimited. */
  quotaTokens?: number;
  /** RPM/TPM limits for this key, overriding the emulator's `limits` field by field. */
  limits?: RateLimits;
}

/** A key as given in options: a bare string or a full {@link ApiKeyConfig}. */
export type ApiKeyOption = string | ApiKeyConfig;

/** Normalises the `apiKeys` option into configs (bare strings become unrestricted keys). */
export function normalizeApiKeys(keys: readonly ApiKeyOption[] | undefined): ApiKeyConfig[] {
  const list = keys ?? [DEFAULT_TEST_KEY];
  return list.map(entry => {
    const config = typeof entry === 'string' ? { key: entry } : { ...entry };
    if (typeof config.key !== 'string' || config.key.length === 0) {
      throw new TypeError('apiKeys: every key must be a non-empty string');
    }
    if (config.quotaTokens !== undefined && !(config.quotaTokens >= 0)) {
      throw new TypeError('apiKeys: quotaTokens must be a non-negative number');
    }
    if (config.limits !== undefined) config.limits = validateLimits(config.limits);
    return config;
  });
}

/** A short, stable, non-reversible fingerprint of a key, safe to log (`key_` + 8 hex digits). */
export function keyFingerprint(key: string): string {
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** What the `Authorization` header contained. */
export type AuthResult =
  | { ok: true; config: ApiKeyConfig }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown'; presentedKey?: string };

/**
 * Checks the `Authorization` header against the configured keys. The scheme must be `Bearer`
 * (any case) followed by exactly one space and the key, compared byte for byte: a key with extra
 * whitespace is rejected, as the real service does. (HTTP itself strips whitespace at the ends of
 * a header value, so only leading or inner whitespace in the key can reach the server.)
 */
export function authenticate(
  header: string | undefined,
  keys: readonly ApiKeyConfig[],
): AuthResult {
  if (header === undefined || header.length === 0) return { ok: false, reason: 'missing' };
  const match = /^bearer (.*)$/is.exec(header);
  if (!match) return { ok: false, reason: 'malformed' };
  const presented = match[1] ?? '';
  if (presented.length === 0) return { ok: false, reason: 'missing' };
  const config = keys.find(candidate => candidate.key === presented);
  return config ? { ok: true, config } : { ok: false, reason: 'unknown', presentedKey: presented };
}

/** The 401 message for a failed {@link AuthResult}; it never contains the key. */
export function authFailureMessage(reason: 'missing' | 'malformed' | 'unknown'): string {
  switch (reason) {
    case 'missing':
      return 'Authentication failed: missing API key. Send it as "Authorization: Bearer <API key>"';
    case 'malformed':
      return 'Authentication failed: malformed Authorization header, expected "Bearer <API key>"';
    default:
      return 'Authentication failed: invalid, expired, or missing API key. Check the key for extra spaces';
  }
}
