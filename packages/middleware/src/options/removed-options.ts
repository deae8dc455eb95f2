import { InvalidArgumentError } from '@ai-sdk/provider';

/** What replaces the fleet options `alayaMiddleware` used to take flat (one path: `guard`). */
const USE_A_GUARD =
  'build the fleet once with createFleetGuard (with the same option, and apiKey to scope it by key) and pass it as guard';

/**
 * Options of earlier releases, each with what replaces it. Ignoring one silently would turn off
 * the safety net it configured (a circuit breaker, a shared store), so giving one is an error.
 */
const REMOVED_OPTIONS: Readonly<Record<string, string>> = {
  store: USE_A_GUARD,
  retryBudget: USE_A_GUARD,
  circuitBreaker: USE_A_GUARD,
  pacing: USE_A_GUARD,
  onCooldown: USE_A_GUARD,
  onBreakerStateChange: USE_A_GUARD,
  onBudgetExhausted: USE_A_GUARD,
  onStoreError: USE_A_GUARD,
  onPace: USE_A_GUARD,
  random: 'the jitter draws from Math.random (a test can spy on it)',
  errorContext: 'the typed errors carry the hints of their provider',
};

/**
 * Throws an `InvalidArgumentError` naming the first removed option `options` sets (not
 * `undefined`), and saying what replaces it; `middleware` is the factory the message names.
 */
export function rejectRemovedOptions(options: object, middleware = 'alayaMiddleware'): void {
  for (const [name, instead] of Object.entries(REMOVED_OPTIONS)) {
    if ((options as Record<string, unknown>)[name] === undefined) continue;
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} is no longer an option of ${middleware}: ${instead}.`,
    });
  }
}
