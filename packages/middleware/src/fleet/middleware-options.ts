import { InvalidArgumentError } from '@ai-sdk/provider';
import type { AttemptGuard } from '../attempt-guard';
import { createFleetGuard } from './fleet-guard';
import type { FleetOptions } from './fleet-options';

/** The fleet options `alayaMiddleware` takes directly (the rest: `createFleetGuard` + `guard`). */
export type FleetMiddlewareOptions = Pick<
  FleetOptions,
  | 'store'
  | 'retryBudget'
  | 'circuitBreaker'
  | 'onCooldown'
  | 'onBreakerStateChange'
  | 'onBudgetExhausted'
  | 'onStoreError'
  | 'pacing'
  | 'onPace'
>;

/** The names of {@link FleetMiddlewareOptions}: setting any of them builds a fleet guard. */
export const FLEET_OPTION_NAMES = [
  'store',
  'retryBudget',
  'circuitBreaker',
  'onCooldown',
  'onBreakerStateChange',
  'onBudgetExhausted',
  'onStoreError',
  'pacing',
  'onPace',
] as const satisfies ReadonlyArray<keyof FleetMiddlewareOptions>;

/**
 * The guard `alayaMiddleware` uses: `options.guard`, or a fleet guard built from the fleet options
 * when any is set (the API key, when given, scopes it by its fingerprint), or `undefined` for none.
 * Passing both `guard` and fleet options is an `InvalidArgumentError`: the guard would ignore them.
 */
export function guardFromOptions(
  options: FleetMiddlewareOptions & { guard?: AttemptGuard; apiKey?: string },
): AttemptGuard | undefined {
  const given = FLEET_OPTION_NAMES.filter(name => options[name] !== undefined);
  if (given.length === 0) return options.guard;
  if (options.guard !== undefined) {
    throw new InvalidArgumentError({
      argument: given[0] as string,
      message: `Pass either \`guard\` or the fleet options (${given.join(', ')}), not both: give them to createFleetGuard instead.`,
    });
  }
  const fleet: FleetOptions = {};
  for (const name of FLEET_OPTION_NAMES) (fleet as Record<string, unknown>)[name] = options[name];
  const apiKey = options.apiKey?.trim();
  if (apiKey) fleet.apiKey = apiKey;
  return createFleetGuard(fleet);
}
