import type { LearnedRate } from './learn-rate';
import type { RateAdjustment } from './resilience-store';

/**
 * The rate cut from `before` to `after` (a factor below 1 per dimension, `undefined`: none) and the
 * debt the bucket must add so that new takes queue behind the stretched waits (a debt is kept as
 * time when the rate changes: at the lower rate, this instance's `waiting` tokens and requests now
 * last `1 / f` as long). A take is a reservation at the rate of its moment: an `embedMany` whose 45
 * batches all reserved at a first estimate 2 % above the limit kept sending at it for 50 s while
 * each 429 cut the rate on paper, and a batch met three 429s and failed the job; so a cut to `f`
 * stretches what is left of each waiting call's wait by `1 / f` (`LaneTurns.stretch`), in order.
 */
export function rateCut(
  before: LearnedRate,
  after: LearnedRate,
  waiting: { requests: number; tokens: number },
): { factor: number; change: RateAdjustment } | undefined {
  const cutOf = (was: number | undefined, now: number | undefined) =>
    was !== undefined && now !== undefined && now > 0 && now < was ? now / was : 1;
  const requests = cutOf(before.rpm, after.rpm);
  const tokens = cutOf(before.tpm, after.tpm);
  const factor = Math.min(requests, tokens);
  if (factor >= 1) return undefined;
  return {
    factor,
    change: {
      requests: -waiting.requests * (1 - requests),
      tokens: -waiting.tokens * (1 - tokens),
    },
  };
}
