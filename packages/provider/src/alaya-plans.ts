import { InvalidArgumentError } from '@ai-sdk/provider';

/** Alaya's published limits per plan, in requests and tokens per minute. */
const ALAYA_PLANS = {
  free: { rpm: 60, tpm: 30_000 },
  pro: { rpm: 300, tpm: 150_000 },
  team: { rpm: 600, tpm: 500_000 },
} as const satisfies Record<string, { rpm: number; tpm: number }>;

/** An Alaya plan name: `'free'`, `'pro'` or `'team'`. */
export type AlayaPlan = keyof typeof ALAYA_PLANS;

/**
 * The published limits of an Alaya plan as the middleware's `pacing` option takes them: requests
 * and tokens per minute, which the pacer then never exceeds, counted per API key (`per: 'key'`:
 * Alaya's limits hold for the key, so chat and embedding calls on it pace as one). Throws
 * `InvalidArgumentError` for a name that is not a plan.
 *
 * ```ts
 * createFleetGuard({ pacing: alayaPacing('pro') });
 * createFleetGuard({ pacing: { ...alayaPacing('pro'), maxWaitMs: 30_000 } });
 * ```
 */
export function alayaPacing(plan: AlayaPlan): { rpm: number; tpm: number; per: 'key' } {
  if (typeof plan !== 'string' || !Object.hasOwn(ALAYA_PLANS, plan)) {
    const got = typeof plan === 'string' ? `a string of ${plan.length} characters` : typeof plan;
    throw new InvalidArgumentError({
      argument: 'plan',
      message: `plan must be one of ${Object.keys(ALAYA_PLANS)
        .map(name => `'${name}'`)
        .join(', ')}, got ${got}`,
    });
  }
  const { rpm, tpm } = ALAYA_PLANS[plan];
  return { rpm, tpm, per: 'key' };
}
