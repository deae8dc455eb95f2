// The public entry: what a user of the middleware needs (at most 22 runtime names), and only names
// a user can use: to configure it, to catch its errors, to implement a guard, a store or telemetry.
// Building blocks for this repository's other packages are in `./internal`.
export { alayaEmbeddingMiddleware } from './alaya-embedding-middleware';
export { alayaMiddleware } from './alaya-middleware';
export type {
  AbandonedAttemptInfo,
  AttemptGuard,
  AttemptInfo,
  AttemptPace,
  AttemptSuccessInfo,
  ModelRef,
} from './attempt-guard';
export {
  type AlayaAttempt,
  AlayaError,
  type AlayaErrorKind,
  type AlayaErrorOptions,
  type AlayaExhaustedReason,
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  CircuitOpenError,
  type CircuitOpenErrorOptions,
  ConnectionError,
  DimensionMismatchError,
  InsufficientQuotaError,
  InternalServerError,
  isAlayaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  type ToAlayaErrorContext,
  toAlayaError,
  UnknownStatusError,
} from './errors';
export {
  type BreakerRecord,
  type BreakerState,
  type BreakerStateChangeEvent,
  type BudgetExhaustedEvent,
  type CircuitBreakerOptions,
  type CooldownEvent,
  createFleetGuard,
  createMemoryStore,
  type FleetGuard,
  type FleetOptions,
  type FleetState,
  type MemoryStore,
  type PaceEvent,
  type PaceLane,
  type PaceReason,
  type PaceState,
  type PacingOptions,
  type RateAdjustment,
  type RateBucketConfig,
  type RateBucketState,
  type RateCost,
  type RateTakeResult,
  type ResilienceStore,
  type RetryBudgetOptions,
  type StoreErrorEvent,
  type StoreHealth,
  type TokenBucketConfig,
  type TokenTakeResult,
  type VersionedBreakerRecord,
} from './fleet';
export type {
  AlayaEmbeddingMiddlewareOptions,
  AlayaMiddlewareOptions,
  HedgeOptions,
} from './options/alaya-middleware-options';
export type { FallbackEvent, HedgeEvent, RetryEvent } from './retry/retry-events';
export type {
  AlayaTelemetry,
  TelemetryAttempt,
  TelemetryAttemptOutcome,
  TelemetryAttemptStart,
  TelemetryEvent,
  TelemetryWaitReason,
} from './telemetry/alaya-telemetry';
export {
  type CallCounters,
  type CallCountersSnapshot,
  type CallCounts,
  createCallCounters,
} from './telemetry/call-counters';
