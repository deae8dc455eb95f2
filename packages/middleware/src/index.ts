export {
  ALAYA_METADATA_KEY,
  type AlayaMiddlewareOptions,
  alayaMiddleware,
  defaultFallbackOn,
} from './alaya-middleware';
export {
  type AttemptGuard,
  type AttemptInfo,
  type AttemptSuccessInfo,
  noopAttemptGuard,
} from './attempt-guard';
export { type BackoffSettings, computeBackoffDelay, sleep } from './backoff';
export * from './errors';
export * from './fleet';
export type { FallbackEvent, ModelRef, RetryEvent } from './retry';
export { isContentPart } from './stream-attempt';
