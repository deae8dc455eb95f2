import { checkOptionalNumber, checkOptionalObject } from '../util/check-option';

/**
 * Retry budget: a token bucket in the style of the AWS SDK's standard retry mode. Every retry
 * spends tokens, every success puts some back; when the bucket cannot pay for a retry, the
 * failure is returned at once, so an outage does not multiply the load on the service.
 */
export interface RetryBudgetOptions {
  /** Tokens in a full bucket. Default 500 (AWS: 500). */
  capacity?: number;
  /** Tokens a retry costs. Default 5 (AWS: 5). */
  retryCost?: number;
  /** Tokens a retry after a timeout or connection error costs. Default 10 (AWS: 10). */
  timeoutRetryCost?: number;
  /**
   * Tokens a retry after a 429 costs. Default 0: those retries are paced by the shared cooldown
   * (every instance waits for `Retry-After`), so they add no load; the budget is kept for outages.
   * Set it to `retryCost` to charge them as the AWS SDK does.
   */
  rateLimitRetryCost?: number;
  /** Tokens a success on the first attempt puts back. Default 1 (AWS: 1). */
  successReward?: number;
  /**
   * How long an untouched bucket lives in the store before it counts as full again, in ms.
   * Default 600000 (10 minutes).
   */
  ttlMs?: number;
}

/** {@link RetryBudgetOptions} with every default filled in. */
export type ResolvedRetryBudget = Required<RetryBudgetOptions>;

const DEFAULTS: ResolvedRetryBudget = {
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  rateLimitRetryCost: 0,
  successReward: 1,
  ttlMs: 600_000,
};

/** Fills in the defaults and checks every value (an `InvalidArgumentError` names a bad one). */
export function resolveRetryBudget(options: RetryBudgetOptions = {}): ResolvedRetryBudget {
  checkOptionalObject('retryBudget', options);
  const resolved = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as Array<keyof ResolvedRetryBudget>) {
    resolved[name] =
      checkOptionalNumber(`retryBudget.${name}`, options[name], {
        exclusiveMin: name === 'capacity' || name === 'ttlMs',
      }) ?? DEFAULTS[name];
  }
  return resolved;
}

/**
 * Tokens a retry after `error` costs: more after timeouts and connection errors (AWS: transient),
 * `rateLimitRetryCost` after a 429.
 */
export function retryCostFor(error: unknown, budget: ResolvedRetryBudget): number {
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (kind === 'timeout' || kind === 'connection') return budget.timeoutRetryCost;
  if (kind === 'rate_limit') return budget.rateLimitRetryCost;
  return budget.retryCost;
}

/**
 * Tokens a success puts back: a success after retries refunds one retry's cost, a first-attempt
 * success adds `successReward`.
 */
export function successRefund(attempt: number, budget: ResolvedRetryBudget): number {
  return attempt > 1 ? budget.retryCost : budget.successReward;
}
