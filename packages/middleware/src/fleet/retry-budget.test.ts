import { InvalidArgumentError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { ConnectionError, TimeoutError } from '../errors/network-errors';
import { RateLimitError, ServiceUnavailableError } from '../errors/status-errors';
import { resolveRetryBudget, retryCostFor, successRefund } from './retry-budget';

describe('retry budget', () => {
  const budget = resolveRetryBudget();

  it('defaults to the AWS standard retry mode numbers', () => {
    expect(budget).toEqual({
      capacity: 500,
      retryCost: 5,
      timeoutRetryCost: 10,
      rateLimitRetryCost: 0,
      successReward: 1,
      ttlMs: 600_000,
    });
  });

  it('charges more for retries after timeouts and connection errors', () => {
    expect(
      retryCostFor(new ServiceUnavailableError({ message: 'x', statusCode: 503 }), budget),
    ).toBe(5);
    expect(retryCostFor(new TimeoutError({ message: 'x' }), budget)).toBe(10);
    expect(retryCostFor(new ConnectionError({ message: 'x' }), budget)).toBe(10);
  });

  it('does not charge 429 retries by default (the shared cooldown paces them)', () => {
    const error = new RateLimitError({ message: 'x', statusCode: 429 });
    expect(retryCostFor(error, budget)).toBe(0);
    expect(retryCostFor(error, resolveRetryBudget({ rateLimitRetryCost: 5 }))).toBe(5);
  });

  it('refunds a retry cost after a retried success, a small reward otherwise', () => {
    expect(successRefund(1, budget)).toBe(1);
    expect(successRefund(3, budget)).toBe(5);
  });

  it('rejects bad options with an InvalidArgumentError naming them', () => {
    expect(() => resolveRetryBudget({ capacity: 0 })).toThrow(InvalidArgumentError);
    expect(() => resolveRetryBudget({ capacity: 0 })).toThrow(/retryBudget\.capacity/);
    expect(() => resolveRetryBudget({ retryCost: -1 })).toThrow(/retryBudget\.retryCost/);
    expect(resolveRetryBudget({ successReward: 0 }).successReward).toBe(0);
  });
});
