import type { AttemptInfo } from '../attempt-guard';
import { serverWait } from '../errors/server-wait';
import { RateLimitError } from '../errors/status-errors';
import type { PaceAnswer, PaceReason } from './pacer';
import { capacityOf } from './rate-bucket';
import { MINUTE_MS, nextRequestRate, type RateLimit } from './rate-limits';
import type { RateAdjustment, RateBucketState, RateTakeResult } from './resilience-store';
import type { SlowStart } from './slow-start';

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
  /** Admission while no rate is known (ended once one is). */
  slowStart: SlowStart;
  /** Until when a 429 belongs to the congestion the last decrease answered (epoch ms). */
  holdUntil: number;
  /**
   * The span the first estimate divided by, while its 429's Retry-After lasts: a success arriving
   * then was sent in the same burst, so it counts into the estimate (answers come back in any order).
   */
  firstSpanMs?: number;
}

/**
 * No burst: a full bucket holds one request (and one token), so attempts are spaced evenly and the
 * first after a pause goes at once. A bucket that let a burst through and then paced at the limit
 * would put more than the limit into a server's sliding window (the burst, then a full window's
 * worth). The server's `remaining` lowers the bucket further (to 0).
 */
export const BURST_MS = 0;
/** An instance alone never paces below this share of the rates. */
const MIN_SHARE = 1 / 64;
/**
 * The pacer sends at this fraction of a limit: evenly spaced requests at exactly the limit meet a
 * server's sliding window with no room, and a few milliseconds of network jitter turn into 429s.
 */
export const PACE_MARGIN = 0.98;
/** After a decrease, 429s within this long (or the server's Retry-After, when longer) are the same congestion. */
const HOLD_MS = 1_000;
/**
 * The longest server wait (Retry-After, or a reset) the rate arithmetic believes: a limit per minute
 * frees its window within a minute, so a longer wait says nothing more about the rate (the shared
 * cooldown holds the model meanwhile, up to `maxCooldownMs`). Believed whole, an hour's Retry-After
 * would measure the first rate over the hour and hold it there: about one request a minute.
 */
export const RATE_WINDOW_MS = MINUTE_MS;

/** `limit` scaled to the pace the pacer keeps ({@link PACE_MARGIN}). */
export function paceOf(limit: RateLimit): RateLimit {
  return {
    ...(limit.rpm === undefined ? {} : { rpm: limit.rpm * PACE_MARGIN }),
    ...(limit.tpm === undefined ? {} : { tpm: limit.tpm * PACE_MARGIN }),
  };
}

/** Whether a request or token rate is known for the key (learned, stated, or from the shared bucket). */
export function rateKnown(k: PaceKnowledge): boolean {
  return (
    k.known.rpm !== undefined ||
    k.known.tpm !== undefined ||
    k.seen?.rpm !== undefined ||
    k.seen?.tpm !== undefined
  );
}

/**
 * A first request rate from a 429 while none is known: the successes since the first admission,
 * over the time from then until the server frees the window (its Retry-After; a minute without one).
 */
function firstEstimate(k: PaceKnowledge, now: number, retryAfterMs: number | undefined) {
  const { since, successes } = k.slowStart.seen;
  if (since === undefined) return undefined;
  const spanMs =
    retryAfterMs === undefined ? Math.max(MINUTE_MS, now - since) : now - since + retryAfterMs;
  k.firstSpanMs = Math.max(1, spanMs);
  return (Math.max(1, successes) * MINUTE_MS) / k.firstSpanMs;
}

function decayMine(k: PaceKnowledge, now: number): void {
  k.mine *= Math.exp(-Math.max(0, now - k.mineAt) / MINUTE_MS);
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
   * recent requests, as last seen, times the paced rates (the whole rate before the store ever answered).
   */
  alone(k: PaceKnowledge): RateLimit {
    const now = Date.now();
    decayMine(k, now);
    const fleet =
      (k.seen?.recentRequests ?? 0) * Math.exp(-Math.max(0, now - k.seenAt) / MINUTE_MS);
    k.share = fleet > 0 ? Math.min(1, Math.max(MIN_SHARE, k.mine / fleet)) : 1;
    const share = k.aloneShare ?? k.share;
    const paced = paceOf(k.known);
    const rpm = paced.rpm ?? k.seen?.rpm;
    const tpm = paced.tpm ?? k.seen?.tpm;
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
    const now = Date.now();
    decayMine(k, now);
    const { report, limited } = answer;
    const retryAfterMs = serverWait(answer.retryAfterMs, RATE_WINDOW_MS)?.ms;
    const firstRate = !rateKnown(k);
    const statedRpm = report?.requests?.limit;
    if (statedRpm !== undefined || limited || k.reason === 'adaptive') {
      const current = k.known.rpm ?? k.seen?.rpm;
      const held = limited && now < k.holdUntil;
      if (limited && !held) k.holdUntil = now + Math.max(HOLD_MS, retryAfterMs ?? 0);
      // The first estimate's burst ends with its hold, or with a decrease of the rate.
      if (limited ? !held && current !== undefined : now >= k.holdUntil) k.firstSpanMs = undefined;
      const rpm = nextRequestRate(
        current,
        {
          limited,
          ...(report === undefined ? {} : { report }),
          held,
          ...(current === undefined ? { estimate: firstEstimate(k, now, retryAfterMs) } : {}),
          ...(limited || k.firstSpanMs === undefined ? {} : { burstSpanMs: k.firstSpanMs }),
        },
        ceiling?.rpm,
      );
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
    // A 429 drains the bucket; so does the first rate learned: the requests the slow start sent are
    // in the server's window already, and a full bucket on top of them is one request too many.
    if (limited || (firstRate && rpm !== undefined)) change.atMostRequests = 0;
    else if (rpm !== undefined && remaining !== undefined && remaining < capacityOf(rpm, BURST_MS))
      change.atMostRequests = remaining;
    const tokensLeft = report?.tokens?.remaining;
    if (tpm !== undefined && tokensLeft !== undefined && tokensLeft < capacityOf(tpm, BURST_MS))
      change.atMostTokens = tokensLeft;
    if (tpm !== undefined && answer.tokens !== undefined && answer.tokens.estimated >= 0) {
      const { estimated, used = 0 } = answer.tokens;
      // The server refuses a call above its tokens per minute: a usage beyond a minute's tokens (or
      // the estimate taken) is not believed, or its debt would hold the next calls for hours.
      const limit = k.known.tpm ?? (k.seen?.tpm ?? 0) / PACE_MARGIN;
      const given = estimated - Math.min(Math.max(0, used), Math.max(estimated, limit));
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
