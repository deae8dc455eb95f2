import { PACE_MARGIN, type PaceReason } from './learn-rate';
import type { RateBucketState } from './resilience-store';

/** One key's bucket, as `getState()` shows it (shared by the fleet when the store is). */
export interface PaceState {
  key: string;
  /**
   * The limit in requests per minute it paces under, at 98 % of it (absent: not known yet, not
   * pacing requests).
   */
  rpm?: number;
  /** The limit in tokens per minute it paces under, at 98 % of it (absent: not pacing tokens). */
  tpm?: number;
  /** Requests it may send at once now (negative: reserved ahead by waiting attempts). */
  available: number;
  /** Tokens available now, when pacing tokens. */
  tokens?: number;
  reason?: PaceReason;
  /** Attempts of this instance waiting (for a reserved slot, or parked until their turn). */
  waiting: number;
}

/** The state of one key as `getState()` shows it, from what the store last answered. */
export function describePace(
  key: string,
  learned: PaceReason | undefined,
  waiting: number,
  seen: RateBucketState | undefined,
): PaceState {
  const rpm = limitOf(seen?.rpm);
  const tpm = limitOf(seen?.tpm);
  const reason = learned ?? (rpm === undefined ? undefined : 'learned_limit');
  return {
    key,
    ...(rpm === undefined ? {} : { rpm }),
    ...(tpm === undefined ? {} : { tpm }),
    available:
      seen?.requests === undefined ? Number.POSITIVE_INFINITY : Math.floor(seen.requests + 1e-9),
    ...(seen?.tokens === undefined ? {} : { tokens: Math.floor(seen.tokens) }),
    ...(reason === undefined ? {} : { reason }),
    waiting,
  };
}

/** The limit a bucket's rate is paced under (the bucket refills at {@link PACE_MARGIN} of it). */
function limitOf(paced: number | undefined): number | undefined {
  return paced === undefined ? undefined : Math.round((paced / PACE_MARGIN) * 1e6) / 1e6;
}
