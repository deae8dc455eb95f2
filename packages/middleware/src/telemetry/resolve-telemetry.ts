import { FLEET_OPTION_NAMES, type FleetMiddlewareOptions } from '../fleet/middleware-options';
import { checkOptionalImplementation } from '../util/check-option';
import { type AlayaTelemetry, combineTelemetry } from './alaya-telemetry';

const METHODS = ['startAttempt', 'record'] as const;

/** Checks the `telemetry` option (one observer or a list) and combines it into one, or none. */
export function resolveTelemetry(value: unknown): AlayaTelemetry | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const checked = list.map((item, i) =>
    checkOptionalImplementation<AlayaTelemetry>(
      Array.isArray(value) ? `telemetry[${i}]` : 'telemetry',
      item ?? null,
      METHODS,
    ),
  ) as AlayaTelemetry[];
  return checked.length === 0 ? undefined : combineTelemetry(checked);
}

type FleetHooks = Pick<
  FleetMiddlewareOptions,
  'onCooldown' | 'onBreakerStateChange' | 'onBudgetExhausted'
>;

/**
 * The fleet hooks with telemetry added: a cooldown this instance waits for is a `wait` event, a
 * breaker transition a `breaker` event, a refused retry a `budget_exhausted` event. The user's own
 * hooks still run (the fleet guard calls them through the safe hook caller). Only when the fleet
 * is in use (a fleet option is set), so telemetry alone never creates a fleet guard.
 */
export function fleetHooksWithTelemetry(
  options: FleetMiddlewareOptions,
  telemetry: AlayaTelemetry | undefined,
): FleetHooks {
  const fleetInUse = FLEET_OPTION_NAMES.some(name => options[name] !== undefined);
  if (telemetry === undefined || !fleetInUse) return {};
  return {
    onCooldown: event => {
      if (event.origin === 'shared') {
        telemetry.record({ type: 'wait', model: event, ms: event.waitMs, reason: 'cooldown' });
      }
      return options.onCooldown?.(event);
    },
    onBreakerStateChange: event => {
      telemetry.record({ type: 'breaker', model: event, from: event.from, to: event.to });
      return options.onBreakerStateChange?.(event);
    },
    onBudgetExhausted: event => {
      telemetry.record({ type: 'budget_exhausted', model: event });
      return options.onBudgetExhausted?.(event);
    },
  };
}
