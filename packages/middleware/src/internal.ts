// `@alaya-code/ai-sdk-middleware/internal`: building blocks for this repository's own packages
// (provider, store-redis, tests). Not a public API: names here may change in any release.

export { ALAYA_METADATA_KEY } from './alaya-middleware';
export { noopAttemptGuard } from './attempt-guard';
export { computeBackoffDelay } from './backoff';
export * from './errors';
export * from './fleet';
export { FAIR_TAU_MS, MAX_RESERVED, MAX_TENANTS, TENANT_TTL_MS } from './fleet/fair-lanes';
export { MINUTE_MS } from './fleet/rate-limits';
export { MAX_ENTRY_TTL_MS, storeTtlMs } from './fleet/store-ttl';
export * from './index';
export { defaultFallbackOn } from './options/default-fallback-on';
export { DEFAULTS as OPTION_DEFAULTS, resolveOptions } from './options/resolve-options';
export { isContentPart } from './stream/content-part';
export { checkOptionalNumber, checkValue } from './util/check-option';
export { sleep } from './util/sleep';
