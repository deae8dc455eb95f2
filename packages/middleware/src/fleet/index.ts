export {
  breakerAfterFailure,
  breakerAfterSuccess,
  type CircuitBreakerOptions,
  decideBreaker,
  effectiveBreakerState,
  isBreakerFailure,
} from './circuit-breaker';
export { createFleetGuard, type FleetGuard, type FleetState } from './fleet-guard';
export type { FleetOptions, PacingOptions } from './fleet-options';
export type { StoreErrorEvent, StoreHealth } from './guarded-store';
export { fingerprintApiKey } from './key-fingerprint';
export { createMemoryStore, type MemoryStore } from './memory-store';
export type { PaceEvent, PaceReason, PaceState } from './pacer';
export { cooldownFromError, parseResetHeader } from './rate-limit-cooldown';
export type { RateLimit } from './rate-limits';
export type {
  BreakerRecord,
  BreakerState,
  PaceLane,
  RateAdjustment,
  RateBucketConfig,
  RateBucketState,
  RateCost,
  RateTakeResult,
  ResilienceStore,
  TokenBucketConfig,
  TokenTakeResult,
  VersionedBreakerRecord,
} from './resilience-store';
export type { RetryBudgetOptions } from './retry-budget';
export type { BreakerStateChangeEvent } from './shared-breaker';
export type { CooldownEvent } from './shared-cooldown';
export type { BudgetExhaustedEvent } from './shared-retry-budget';
