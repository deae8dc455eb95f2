import { InvalidArgumentError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { resolveCircuitBreaker } from './circuit-breaker';
import { createFleetGuard } from './fleet-guard';
import type { FleetOptions } from './fleet-options';
import { createMemoryStore } from './memory-store';
import { resolveRetryBudget } from './retry-budget';

/** The `InvalidArgumentError` that `build` throws (fails the test when it throws anything else). */
function invalid(build: () => unknown): InvalidArgumentError {
  try {
    build();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('fleet options', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['apiKey', { apiKey: ' ' }],
    ['apiKey', { apiKey: 123 }],
    ['keyFingerprint', { keyFingerprint: '' }],
    ['store', { store: {} }],
    ['store', { store: { ...createMemoryStore(), addTokens: undefined } }],
    ['retryBudget', { retryBudget: 'yes' }],
    ['retryBudget.capacity', { retryBudget: { capacity: -1 } }],
    ['circuitBreaker', { circuitBreaker: 1 }],
    ['circuitBreaker.openMs', { circuitBreaker: { openMs: 0 } }],
    ['circuitBreaker.isFailure', { circuitBreaker: { isFailure: 'x' } }],
    ['maxCooldownMs', { maxCooldownMs: Number.NaN }],
    ['maxCooldownWaitMs', { maxCooldownWaitMs: 0 }],
    ['cooldownSpreadMs', { cooldownSpreadMs: -1 }],
    ['storeTimeoutMs', { storeTimeoutMs: 0 }],
    ['storeRetryMs', { storeRetryMs: '2000' }],
    ['onCooldown', { onCooldown: true }],
    ['onStoreError', { onStoreError: {} }],
    ['onBreakerStateChange', { onBreakerStateChange: 'log' }],
    ['onBudgetExhausted', { onBudgetExhausted: 5 }],
    ['onPace', { onPace: 'log' }],
    ['pacing', { pacing: 'fast' }],
    // Removed (a plan is the provider's `alayaPacing(plan)`): refused, never silently ignored.
    ['pacing.plan', { pacing: { plan: 'pro' } }],
    ['pacing.rpm', { pacing: { rpm: 0 } }],
    ['pacing.tpm', { pacing: { tpm: -1 } }],
    ['pacing.maxWaitMs', { pacing: { maxWaitMs: Number.NaN } }],
    ['pacing.per', { pacing: { per: 'provider' as 'key' } }],
  ];

  for (const [name, options] of bad) {
    it(`throws an InvalidArgumentError naming ${name} for ${JSON.stringify(options)}`, () => {
      const error = invalid(() => createFleetGuard(options as FleetOptions));
      expect(error.argument).toBe(name);
      expect(error.message).toContain(name);
    });
  }

  it('pacing.plan (removed: a plan is a provider fact) is refused with the way to migrate, not ignored', () => {
    const error = invalid(() => createFleetGuard({ pacing: { plan: 'pro' } } as FleetOptions));
    expect(error.message).toContain('the provider package gives its limits');
    expect(error.message).toContain('{ rpm, tpm }');
  });

  it('never echoes a string value (it could be a key)', () => {
    const error = invalid(() => createFleetGuard({ storeRetryMs: 'sk-secret' as never }));
    expect(error.message).not.toContain('sk-secret');
  });

  it('accepts the documented values', () => {
    expect(() =>
      createFleetGuard({
        store: createMemoryStore(),
        apiKey: 'k',
        retryBudget: false,
        circuitBreaker: true,
        cooldownSpreadMs: 0,
        onCooldown: async () => {},
      }),
    ).not.toThrow();
    expect(resolveRetryBudget({ successReward: 0 }).successReward).toBe(0);
    expect(resolveCircuitBreaker().failureThreshold).toBe(5);
  });
});
