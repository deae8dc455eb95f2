import type { RateLimits } from './rate-limiter';

/** Alaya's plan tiers, as its docs name them. */
export type AlayaPlan = 'free' | 'pro' | 'team';

/** RPM/TPM per plan tier from Alaya's docs: Free 60 / 30K, Pro 300 / 150K, Team 600 / 500K. */
export const PLAN_LIMITS: Readonly<
  Record<AlayaPlan, Readonly<Required<Pick<RateLimits, 'rpm' | 'tpm'>>>>
> = {
  free: { rpm: 60, tpm: 30_000 },
  pro: { rpm: 300, tpm: 150_000 },
  team: { rpm: 600, tpm: 500_000 },
};

/** The limits of Alaya's "throttled mode", once a key's monthly quota is used: 60 RPM / 30K TPM. */
export const THROTTLED_LIMITS: Readonly<Required<Pick<RateLimits, 'rpm' | 'tpm'>>> = {
  rpm: 60,
  tpm: 30_000,
};

/** What happens once a key's `quotaTokens` are used: 402 (the error guide) or throttled mode (the docs). */
export type QuotaExhaustedMode = 'error' | 'throttle';

/** Validates the `plan` option and returns its limits (none without a plan). */
export function planLimits(plan: unknown): RateLimits {
  if (plan === undefined) return {};
  if (typeof plan !== 'string' || !Object.hasOwn(PLAN_LIMITS, plan)) {
    throw new TypeError(`plan must be one of free, pro, team, got ${String(plan)}`);
  }
  return { ...PLAN_LIMITS[plan as AlayaPlan] };
}

/** Validates the `quotaExhausted` option. */
export function checkQuotaExhausted(mode: unknown): QuotaExhaustedMode {
  if (mode === undefined) return 'error';
  if (mode !== 'error' && mode !== 'throttle') {
    throw new TypeError(`quotaExhausted must be "error" or "throttle", got ${String(mode)}`);
  }
  return mode;
}

/** A key's limits in throttled mode: its own, tightened to {@link THROTTLED_LIMITS}. */
export function throttledLimits(shared: RateLimits, own: RateLimits | undefined): RateLimits {
  const limits = { ...shared, ...own };
  return {
    ...limits,
    rpm: Math.min(limits.rpm ?? Number.POSITIVE_INFINITY, THROTTLED_LIMITS.rpm),
    tpm: Math.min(limits.tpm ?? Number.POSITIVE_INFINITY, THROTTLED_LIMITS.tpm),
  };
}
