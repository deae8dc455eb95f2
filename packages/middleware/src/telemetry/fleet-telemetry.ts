import type { AttemptInfo } from '../attempt-guard';
import type { FleetOptions } from '../fleet/fleet-options';
import type { PaceEvent } from '../fleet/pacer';
import type { BreakerStateChangeEvent } from '../fleet/shared-breaker';
import type { CooldownEvent } from '../fleet/shared-cooldown';
import type { BudgetExhaustedEvent } from '../fleet/shared-retry-budget';
import { callHook } from '../util/call-hook';
import type { TelemetryEvent } from './alaya-telemetry';

/** A fleet hook as the fleet guard's parts call it: the event, and the attempt it happened to. */
export type FleetEventHook<E> = (event: E, info: AttemptInfo) => void;

/** The fleet hooks whose events telemetry records. */
export interface FleetEventHooks {
  onCooldown: FleetEventHook<CooldownEvent>;
  onBreakerStateChange: FleetEventHook<BreakerStateChangeEvent>;
  onBudgetExhausted: FleetEventHook<BudgetExhaustedEvent>;
  onPace: FleetEventHook<PaceEvent>;
}

/**
 * The user's fleet hooks, each also reporting its event to the telemetry of the middleware whose
 * attempt it happened to (`info.telemetry`): a wait for a shared cooldown (`origin: 'shared'`) or
 * for a pace slot is a `wait` event (reason `cooldown` or `pacing`, with the time waited), a breaker
 * transition a `breaker` event, a refused retry a `budget_exhausted` event. The one place fleet
 * events become telemetry: a guard shared by several middlewares reports to each the events of its
 * own attempts (the telemetry travels with the attempt, not with the guard). The user's hook gets
 * the event alone.
 */
export function fleetEventHooks(
  hooks: Pick<
    FleetOptions,
    'onCooldown' | 'onBreakerStateChange' | 'onBudgetExhausted' | 'onPace'
  > = {},
): FleetEventHooks {
  return {
    onCooldown: (event, info) => {
      if (event.origin === 'shared') {
        report(info, { type: 'wait', model: modelOf(info), ms: event.waitMs, reason: 'cooldown' });
      }
      return hooks.onCooldown?.(event);
    },
    onBreakerStateChange: (event, info) => {
      report(info, { type: 'breaker', model: modelOf(info), from: event.from, to: event.to });
      return hooks.onBreakerStateChange?.(event);
    },
    onBudgetExhausted: (event, info) => {
      report(info, { type: 'budget_exhausted', model: modelOf(info) });
      return hooks.onBudgetExhausted?.(event);
    },
    onPace: (event, info) => {
      report(info, { type: 'wait', model: modelOf(info), ms: event.waitMs, reason: 'pacing' });
      return hooks.onPace?.(event);
    },
  };
}

function modelOf(info: AttemptInfo): { provider: string; modelId: string } {
  return { provider: info.provider, modelId: info.modelId };
}

/** Records `event` on the attempt's telemetry; a failing observer never reaches the guard. */
function report(info: AttemptInfo, event: TelemetryEvent): void {
  const { telemetry } = info;
  if (telemetry !== undefined) void callHook(e => telemetry.record(e), event);
}
