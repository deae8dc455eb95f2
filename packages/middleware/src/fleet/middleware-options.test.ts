import { InvalidArgumentError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { noopAttemptGuard } from '../attempt-guard';
import { BadGatewayError } from '../errors/status-errors';
import type { FleetGuard } from './fleet-guard';
import { createMemoryStore } from './memory-store';
import { guardFromOptions } from './middleware-options';

const info = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };

describe('guardFromOptions', () => {
  it('passes `guard` through, and builds nothing without fleet options', () => {
    expect(guardFromOptions({})).toBeUndefined();
    expect(guardFromOptions({ guard: noopAttemptGuard })).toBe(noopAttemptGuard);
  });

  it('builds a fleet guard from the fleet options, on the given store', async () => {
    const store = createMemoryStore();
    const guard = guardFromOptions({
      store,
      circuitBreaker: { failureThreshold: 1 },
      apiKey: ' sk-x ',
    });
    expect(guard).toBeDefined();
    await guard!.onFailure({
      ...info,
      error: new BadGatewayError({ message: '502', statusCode: 502 }),
    });
    expect((await store.getBreaker('breaker:alaya.chat:glm-5.2')).record?.state).toBe('open');
    await expect(guard!.beforeAttempt(info)).rejects.toMatchObject({ kind: 'circuit_open' });
  });

  it('builds one for a hook alone (in-memory store)', async () => {
    const events: unknown[] = [];
    const guard = guardFromOptions({
      retryBudget: { capacity: 5 },
      onBudgetExhausted: e => events.push(e),
    });
    const error = new BadGatewayError({ message: '502', statusCode: 502 });
    expect(await guard!.allowRetry({ ...info, error })).toBe(true);
    expect(await guard!.allowRetry({ ...info, error })).toBe(false);
    expect(events).toHaveLength(1);
  });

  it('refuses `guard` together with fleet options', () => {
    expect(() => guardFromOptions({ guard: noopAttemptGuard, circuitBreaker: true })).toThrow(
      InvalidArgumentError,
    );
    expect(() => guardFromOptions({ guard: noopAttemptGuard, circuitBreaker: true })).toThrow(
      /circuitBreaker/,
    );
  });

  it('builds a pacing guard from `pacing` (a stated Alaya plan)', async () => {
    const guard = guardFromOptions({ pacing: { plan: 'pro' } }) as FleetGuard;
    await guard.beforeAttempt(info);
    expect((await guard.getState()).pacing[0]).toMatchObject({
      rpm: 300,
      tpm: 150_000,
      reason: 'stated_limit',
    });
  });
});
