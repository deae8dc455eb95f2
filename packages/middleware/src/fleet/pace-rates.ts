import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import type { PaceAnswer, PaceReason } from './pacer';
import { capacityOf } from './rate-bucket';
import { nextRequestRate, type RateLimit } from './rate-limits';
import type { RateAdjustment, RateBucketState, RateTakeResult } from './resilience-store';

/** What one instance knows about one key's limits. */
export interface PaceKnowledge {
  /** Rates this instance learned or was told (recorded in the bucket with each take). */
  known: RateLimit;
  /** Where `known.rpm` came from. */
  reason?: PaceReason;
  /** The bucket as the store last answered (the fleet's rates and counts). */
  seen?: RateBucketState;
  /** When the store answered that. */
  seenAt: number;
  /** Requests this instance sent, decayed like the bucket's `recentRequests`. */
  mine: number;
  mineAt: number;
  /** Attempts of this instance waiting, and the tokens they took. */
  waiting: number;
  waitingTokens: number;
  /** The share of the rates this instance last computed (see {@link paceRates.alone}). */
  share: number;
  /** Set while the store is down: the share this instance paces at alone, fixed when it went down. */
  aloneShare?: number;
}

const MINUTE = 60_000;
/** A full bucket holds one second of the rate; the server's `remaining` lowers it only below that. */
const BURST_MS = 1000;
/** An instance alone never paces below this share of the rates. */
const MIN_SHARE = 1 / 64;

function decayMine(k: PaceKnowledge, now: number): void {
  k.mine *= Math.exp(-Math.max(0, now - k.mineAt) / MINUTE);
  k.mineAt = now;
}

/** The rate arithmetic of the pacer: shares, learning, corrections. */
export const paceRates = {
  /** Remembers the store's answer. */
  see(k: PaceKnowledge, state: RateBucketState): void {
    k.seen = state;
    k.seenAt = Date.now();
  },

  /** Counts one request this instance sent. */
  countMine(k: PaceKnowledge, now: number): void {
    decayMine(k, now);
    k.mine += 1;
  },

  /**
   * The rates this instance keeps to alone (the shared store is down): its share of the fleet's
   * recent requests, as last seen, times the rates (the whole rate before the store ever answered).
   */
  alone(k: PaceKnowledge): RateLimit {
    const now = Date.now();
    decayMine(k, now);
    const fleet = (k.seen?.recentRequests ?? 0) * Math.exp(-Math.max(0, now - k.seenAt) / MINUTE);
    k.share = fleet > 0 ? Math.min(1, Math.max(MIN_SHARE, k.mine / fleet)) : 1;
    const share = k.aloneShare ?? k.share;
    const rpm = k.known.rpm ?? k.seen?.rpm;
    const tpm = k.known.tpm ?? k.seen?.tpm;
    return {
      ...(rpm === undefined ? {} : { rpm: rpm * share }),
      ...(tpm === undefined ? {} : { tpm: tpm * share }),
    };
  },

  /**
   * Learns from an answer and returns the correction the bucket needs (`undefined`: none): drained
   * after a 429, lowered to the server's `remaining` when below a burst, the tokens an attempt took
   * beyond (or short of) what it used given back.
   */
  learn(k: PaceKnowledge, answer: PaceAnswer, ceiling: RateLimit | undefined) {
    decayMine(k, Date.now());
    const { report, limited } = answer;
    const statedRpm = report?.requests?.limit;
    if (statedRpm !== undefined || limited || k.reason === 'adaptive') {
      const sentLastMinute = Math.max(k.seen?.recentRequests ?? 0, k.mine);
      const current = k.known.rpm ?? k.seen?.rpm;
      const rpm = nextRequestRate(current, { limited, report, sentLastMinute }, ceiling?.rpm);
      if (rpm !== undefined) {
        k.reason =
          ceiling?.rpm !== undefined && rpm === ceiling.rpm
            ? 'stated_limit'
            : statedRpm !== undefined
              ? 'learned_limit'
              : 'adaptive';
        k.known.rpm = rpm;
      }
    }
    const statedTpm = report?.tokens?.limit;
    if (statedTpm !== undefined) k.known.tpm = Math.min(statedTpm, ceiling?.tpm ?? statedTpm);

    const change: RateAdjustment = {};
    const rpm = k.known.rpm ?? k.seen?.rpm;
    const tpm = k.known.tpm ?? k.seen?.tpm;
    const remaining = report?.requests?.remaining;
    if (limited) change.atMostRequests = 0;
    else if (rpm !== undefined && remaining !== undefined && remaining < capacityOf(rpm, BURST_MS))
      change.atMostRequests = remaining;
    const tokensLeft = report?.tokens?.remaining;
    if (tpm !== undefined && tokensLeft !== undefined && tokensLeft < capacityOf(tpm, BURST_MS))
      change.atMostTokens = tokensLeft;
    if (tpm !== undefined && answer.tokens !== undefined && answer.tokens.estimated >= 0) {
      const given = answer.tokens.estimated - (answer.tokens.used ?? 0);
      if (given !== 0) change.tokens = given;
    }
    return Object.keys(change).length === 0 ? undefined : change;
  },
};

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
