import { describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { BadGatewayError } from '../errors/status-errors';
import { createFleetGuard } from '../fleet/fleet-guard';
import type { AlayaTelemetry, TelemetryEvent } from './alaya-telemetry';
import { fleetEventHooks } from './fleet-telemetry';

const glm = { provider: 'alaya.chat', modelId: 'glm-5.2' };

function recording(events: TelemetryEvent[]): AlayaTelemetry {
  return {
    startAttempt: () => ({ activate: fn => fn(), end: () => {} }),
    record: event => events.push(event),
  };
}

describe('fleetEventHooks', () => {
  it('reports each fleet event to the telemetry of the attempt and gives the user hook the event alone', () => {
    const events: TelemetryEvent[] = [];
    const seen: unknown[][] = [];
    const user = (...args: unknown[]) => {
      seen.push(args);
    };
    const hooks = fleetEventHooks({
      onCooldown: user,
      onPace: user,
      onBreakerStateChange: user,
      onBudgetExhausted: user,
    });
    const info: AttemptInfo = { ...glm, attempt: 1, telemetry: recording(events) };
    hooks.onCooldown({ ...glm, origin: 'response', waitMs: 900, reason: 'rate_limit_error' }, info);
    hooks.onCooldown({ ...glm, origin: 'shared', waitMs: 400 }, info);
    hooks.onPace({ ...glm, waitMs: 120, reason: 'stated_limit' }, info);
    hooks.onBreakerStateChange({ ...glm, from: 'closed', to: 'open' }, info);
    hooks.onBudgetExhausted({ ...glm, remaining: 0, cost: 5, error: new Error('502') }, info);
    expect(events).toEqual([
      { type: 'wait', model: glm, ms: 400, reason: 'cooldown' },
      { type: 'wait', model: glm, ms: 120, reason: 'pacing' },
      { type: 'breaker', model: glm, from: 'closed', to: 'open' },
      { type: 'budget_exhausted', model: glm },
    ]);
    expect(seen).toHaveLength(5);
    for (const args of seen) expect(args).toHaveLength(1);
  });

  it('still calls the user hook when the telemetry throws, and needs no telemetry', () => {
    let calls = 0;
    const hooks = fleetEventHooks({ onPace: () => void calls++ });
    const throwing: AlayaTelemetry = {
      startAttempt: () => ({ activate: fn => fn(), end: () => {} }),
      record: () => {
        throw new Error('observer failed');
      },
    };
    const event = { ...glm, waitMs: 120, reason: 'stated_limit' as const };
    hooks.onPace(event, { ...glm, attempt: 1, telemetry: throwing });
    hooks.onPace(event, { ...glm, attempt: 1 });
    expect(calls).toBe(2);
  });

  it('a guard shared by two middlewares reports each event to the telemetry of the attempt it happened to', async () => {
    const a: TelemetryEvent[] = [];
    const b: TelemetryEvent[] = [];
    const guard = createFleetGuard({
      circuitBreaker: { failureThreshold: 1 },
      retryBudget: { capacity: 5 },
    });
    const error = new BadGatewayError({ message: '502', statusCode: 502 });
    const ofA: AttemptInfo = { ...glm, attempt: 1, telemetry: recording(a) };
    const ofB: AttemptInfo = { ...glm, attempt: 1, telemetry: recording(b) };
    expect(await guard.allowRetry({ ...ofB, error })).toBe(true); // takes the 5 tokens
    await guard.onFailure({ ...ofA, error }); // opens the breaker
    expect(await guard.allowRetry({ ...ofB, error })).toBe(false);
    expect(a).toEqual([{ type: 'breaker', model: glm, from: 'closed', to: 'open' }]);
    expect(b).toEqual([{ type: 'budget_exhausted', model: glm }]);
  });
});
