import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { BadGatewayError, RateLimitError } from '../errors/status-errors';
import { createFleetGuard } from './fleet-guard';
import type { FleetOptions } from './fleet-options';
import type { ResilienceStore } from './resilience-store';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
const rateLimited = () => new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 5 });
const badGateway = () => new BadGatewayError({ message: '502', statusCode: 502 });

const downStore = new Proxy({} as ResilienceStore, {
  get: () => () => Promise.reject(new Error('ECONNREFUSED')),
});

type HookName = 'onCooldown' | 'onStoreError' | 'onBreakerStateChange' | 'onBudgetExhausted';

/** Makes each hook fire once, with the options it needs. */
const scenarios: Record<
  HookName,
  { options: FleetOptions; run: (guard: ReturnType<typeof createFleetGuard>) => Promise<unknown> }
> = {
  onCooldown: {
    options: {},
    run: guard => guard.onFailure({ ...glm, error: rateLimited() }) as Promise<void>,
  },
  onStoreError: {
    options: { store: downStore },
    run: guard => guard.beforeAttempt(glm),
  },
  onBreakerStateChange: {
    options: { circuitBreaker: { failureThreshold: 1 } },
    run: guard => guard.onFailure({ ...glm, error: badGateway() }) as Promise<void>,
  },
  onBudgetExhausted: {
    options: { retryBudget: { capacity: 1 } },
    run: async guard => guard.allowRetry({ ...glm, error: badGateway() }),
  },
};

describe('fleet hooks are called through the one safe hook caller', () => {
  const unhandled = vi.fn();
  process.on('unhandledRejection', unhandled);
  afterEach(() => unhandled.mockReset());
  afterAll(() => {
    process.off('unhandledRejection', unhandled);
  });

  const throwing = {
    'a sync throw': () => {
      throw new Error('hook threw');
    },
    'an async rejection': async () => {
      throw new Error('hook rejected');
    },
  };

  for (const [name, scenario] of Object.entries(scenarios) as [
    HookName,
    (typeof scenarios)[HookName],
  ][]) {
    for (const [how, hook] of Object.entries(throwing)) {
      it(`${name}: ${how} neither fails the call nor leaves an unhandled rejection`, async () => {
        // A plain function, not vi.fn: a spy handles the promise it records.
        let calls = 0;
        const called = () => {
          calls++;
          return hook();
        };
        const guard = createFleetGuard({
          cooldownSpreadMs: 0,
          ...scenario.options,
          [name]: called,
        });
        await scenario.run(guard); // resolves: the hook's failure does not reach the call
        // Unhandled rejections are reported after the microtask queue drains: give them two turns.
        await new Promise(resolve => setTimeout(resolve, 20));
        await new Promise(resolve => setTimeout(resolve, 0));
        expect(calls).toBe(1);
        expect(unhandled).not.toHaveBeenCalled();
      });
    }
  }
});
