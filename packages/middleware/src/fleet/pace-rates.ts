import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import type { LearnedRate, PaceReason } from './learn-rate';
import { PACE_MARGIN } from './learn-rate';
import { MINUTE_MS, type RateLimit } from './rate-limits';
import type { RateBucketState, RateTakeResult } from './resilience-store';

/** An instance alone never paces below this share of the rates. */
const MIN_SHARE = 1 / 64;

/** `limit` scaled to the pace the pacer keeps ({@link PACE_MARGIN}). */
export function paceOf(limit: RateLimit): RateLimit {
  return {
    ...(limit.rpm === undefined ? {} : { rpm: limit.rpm * PACE_MARGIN }),
    ...(limit.tpm === undefined ? {} : { tpm: limit.tpm * PACE_MARGIN }),
  };
}

/** This instance's part of the fleet's requests on one key (written only here). */
export interface PaceShare {
  /** Requests this instance sent, decayed like the bucket's `recentRequests`. */
  mine: number;
  mineAt: number;
  /** The share of the rates this instance last computed (see {@link aloneRates}). */
  share: number;
  /** Set while the store is down: the share this instance paces at alone, fixed when it went down. */
  aloneShare?: number;
}

/** A share before this instance sent anything: the whole rate. */
export function createPaceShare(now: number): PaceShare {
  return { mine: 0, mineAt: now, share: 1 };
}

function decayMine(s: PaceShare, now: number): void {
  s.mine *= Math.exp(-Math.max(0, now - s.mineAt) / MINUTE_MS);
  s.mineAt = now;
}

/** Counts one request this instance sent. */
export function countMine(s: PaceShare, now: number): void {
  decayMine(s, now);
  s.mine += 1;
}

/** The store just went down for this key: the share this instance paces at alone is fixed. */
export function fixAloneShare(s: PaceShare): void {
  s.aloneShare = s.share;
}

/** The store answered again: the fleet's rates hold, not this instance's share alone. */
export function backInFleet(s: PaceShare): void {
  s.aloneShare = undefined;
}

/**
 * The rates this instance keeps to alone (the shared store is down): its share of the fleet's
 * recent requests, as last seen, times the paced rates (the whole rate before the store ever answered).
 */
export function aloneRates(
  s: PaceShare,
  rate: LearnedRate,
  fleet: { state?: RateBucketState; at: number },
  now: number,
): RateLimit {
  decayMine(s, now);
  const recent =
    (fleet.state?.recentRequests ?? 0) * Math.exp(-Math.max(0, now - fleet.at) / MINUTE_MS);
  s.share = recent > 0 ? Math.min(1, Math.max(MIN_SHARE, s.mine / recent)) : 1;
  const share = s.aloneShare ?? s.share;
  const paced = paceOf(rate);
  const rpm = paced.rpm ?? fleet.state?.rpm;
  const tpm = paced.tpm ?? fleet.state?.tpm;
  return {
    ...(rpm === undefined ? {} : { rpm: rpm * share }),
    ...(tpm === undefined ? {} : { tpm: tpm * share }),
  };
}

/** The typed error of an admission whose wait is beyond what the caller can afford (not sent). */
export function paceTooLongError(
  info: AttemptInfo,
  result: RateTakeResult,
  reason: PaceReason,
  limit: string,
): RateLimitError {
  const rates = [
    result.rpm === undefined ? undefined : `${Math.round(result.rpm)} requests`,
    result.tpm === undefined ? undefined : `${Math.round(result.tpm)} tokens`,
  ].filter(Boolean);
  return new RateLimitError({
    message: `Model ${info.modelId} (${info.provider}) is paced at ${rates.join(' and ')} per minute (${reason}); the next slot is ${Math.ceil(result.waitMs / 1000)}s away, beyond ${limit}. The call was not sent.`,
    hint: 'Reduce request frequency or upgrade the plan; fallbackModels keep serving meanwhile.',
    retryAfterMs: Math.ceil(result.waitMs),
    isRetryable: false,
    modelId: info.modelId,
    provider: info.provider,
  });
}
