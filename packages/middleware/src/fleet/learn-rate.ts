import { serverWait } from '../errors/server-wait';
import { capacityOf } from './rate-bucket';
import { MINUTE_MS, type RateLimit, type RateLimitReport } from './rate-limits';
import type { RateAdjustment } from './resilience-store';

/**
 * How the pacer learns a key's rates, as pure functions: `learnRate(state, answer, seen)` is the
 * next state, `correctBucket(before, after, answer, seen)` the correction the shared bucket needs.
 * No timers, no store: the pacer holds the state, replaces it with each answer, and sends the
 * correction. Every number in an answer was clamped where it was read (`readRateLimitHeaders`,
 * `serverWait`, the usage reader).
 */

/** Where the pacing rate came from. */
export type PaceReason = 'learned_limit' | 'adaptive' | 'stated_limit';

/** What one answer (a success or a failure) teaches the pacer. */
export interface PaceAnswer {
  /** A 429. */
  limited: boolean;
  /** Its `x-ratelimit-*` headers. */
  report?: RateLimitReport;
  /** Tokens the attempt took at admission, and what it used (absent: unknown, nothing sent). */
  tokens?: { estimated: number; used?: number };
  /** The server's Retry-After of a 429, in ms. */
  retryAfterMs?: number;
}

/** What one instance learned about one key's rates. Never changed: each answer makes a new one. */
export interface LearnedRate {
  /** Requests and tokens per minute never exceeded (`pacing.rpm`, `pacing.tpm`). */
  readonly ceiling?: RateLimit;
  /** Requests per minute learned, stated or estimated (absent: not known to this instance). */
  readonly rpm?: number;
  /** Tokens per minute the server stated, or the ceiling. */
  readonly tpm?: number;
  /** Where `rpm` came from. */
  readonly reason?: PaceReason;
  /** Until when a 429 belongs to the congestion the last decrease answered (epoch ms). */
  readonly holdUntil: number;
  /**
   * The span the first estimate divided by, while its 429's Retry-After lasts: a success arriving
   * then was sent in the same burst, so it counts into the estimate (answers come back in any order).
   */
  readonly firstSpanMs?: number;
  /**
   * Set by the first estimate, until the next 429 outside the hold: the estimate (from a burst and a
   * Retry-After in whole seconds) may be far below the limit, so successes grow the rate
   * exponentially ({@link PROBE_DOUBLING_MS}) instead of by {@link INCREASE_RPM}.
   */
  readonly probing?: true;
  /**
   * The rate a 429 last cut (requests per minute), while the rate climbs back below it: a success
   * that finds the rate at or above it (no 429 came there this time, so the limit rose: a plan
   * upgrade, or another app left the key) starts probing again.
   */
  readonly peakRpm?: number;
}

/** What the pacer saw besides the answer, when it came. */
export interface RateSeen {
  /** Epoch ms. */
  now: number;
  /** The rates the shared bucket recorded when the store last answered (another instance's). */
  fleet?: RateLimit;
  /** The slow start's burst: since its first admission (epoch ms), and its successes. */
  burst: { since: number | undefined; successes: number };
}

/**
 * The pacer sends at this fraction of a limit: evenly spaced requests at exactly the limit meet a
 * server's sliding window with no room, and a few milliseconds of network jitter turn into 429s.
 */
export const PACE_MARGIN = 0.98;
/**
 * No burst: a full bucket holds one request (and one token), so attempts are spaced evenly and the
 * first after a pause goes at once. A bucket that let a burst through and then paced at the limit
 * would put more than the limit into a server's sliding window (the burst, then a full window's
 * worth). The server's `remaining` lowers the bucket further (to 0).
 */
export const BURST_MS = 0;
/**
 * Multiplicative decrease on a 429 without headers. A 429 while pacing says the rate is just above
 * the limit (the rate climbs slowly), so a gentle cut keeps the average near it: the rate swings
 * between DECREASE and 1 of where the 429 came, about (1 + DECREASE) / 2 on average. A limit that
 * really fell is met by one cut per hold.
 */
export const DECREASE = 0.9;
/**
 * While probing (after the first estimate, before any cut), the rate doubles every this long when
 * every paced slot is used and answered: a first estimate from a burst and a Retry-After rounded up
 * to whole seconds can be several times too low (a token bucket of 5 says "1 s" for a 33 ms wait).
 */
export const PROBE_DOUBLING_MS = 10_000;
/** Additive increase per success without headers, in requests per minute. */
export const INCREASE_RPM = 1;
/** Floor of an adaptive rate, in requests per minute. */
export const MIN_RPM = 1;
/** After a decrease, 429s within this long (or the server's Retry-After, when longer) are the same congestion. */
export const HOLD_MS = 1_000;
/**
 * The longest server wait (Retry-After, or a reset) the rate arithmetic believes: a limit per minute
 * frees its window within a minute, so a longer wait says nothing more about the rate (the shared
 * cooldown holds the model meanwhile, up to `maxCooldownMs`). Believed whole, an hour's Retry-After
 * would measure the first rate over the hour and hold it there: about one request a minute.
 */
export const RATE_WINDOW_MS = MINUTE_MS;

/** The state before any answer: the ceiling, when one is stated, is the rate. */
export function initialRate(ceiling: RateLimit | undefined): LearnedRate {
  const stated = ceiling?.rpm !== undefined || ceiling?.tpm !== undefined;
  return {
    ...(ceiling === undefined ? {} : { ceiling, ...ceiling }),
    ...(stated ? { reason: 'stated_limit' as const } : {}),
    holdUntil: 0,
  };
}

/** Whether a request or token rate is known for the key (learned, stated, or from the shared bucket). */
export function rateKnown(state: LearnedRate, fleet: RateLimit | undefined): boolean {
  return [state.rpm, state.tpm, fleet?.rpm, fleet?.tpm].some(rate => rate !== undefined);
}

/**
 * The state after `answer`: the request rate (the server's stated limit, else AIMD from the answers
 * alone: a first 429 sets a measured estimate, a later one cuts to {@link DECREASE} of the rate at
 * most once per hold, a success adds {@link INCREASE_RPM} up to the rate the cut came from and
 * probes beyond it), then the token rate the server stated; never above the ceiling.
 */
export function learnRate(state: LearnedRate, answer: PaceAnswer, seen: RateSeen): LearnedRate {
  const teachesRequests =
    answer.report?.requests?.limit !== undefined || answer.limited || state.reason === 'adaptive';
  const next = teachesRequests ? learnRequestRate(state, answer, seen) : state;
  return learnTokenRate(next, answer.report?.tokens?.limit);
}

/**
 * The request rate after an answer that teaches it (a stated limit, a 429, or any answer while the
 * rate is adaptive), with the hold and the first burst it moves.
 */
function learnRequestRate(state: LearnedRate, answer: PaceAnswer, seen: RateSeen): LearnedRate {
  const { now } = seen;
  const stated = answer.report?.requests?.limit;
  const retryAfterMs = serverWait(answer.retryAfterMs, RATE_WINDOW_MS)?.ms;
  const current = state.rpm ?? seen.fleet?.rpm;
  const held = answer.limited && now < state.holdUntil;
  const holdUntil =
    answer.limited && !held ? now + Math.max(HOLD_MS, retryAfterMs ?? 0) : state.holdUntil;
  const first = current === undefined ? firstEstimate(seen, retryAfterMs) : undefined;
  const firstSpanMs =
    first?.spanMs ??
    (firstBurstEnded(answer.limited, held, current, now, holdUntil)
      ? undefined
      : state.firstSpanMs);
  const congestion = answer.limited && !held;
  const peakRpm = congestion ? current : state.peakRpm;
  const pastPeak =
    !answer.limited && peakRpm !== undefined && current !== undefined && current >= peakRpm;
  const probing = first !== undefined || pastPeak || (state.probing && !congestion);
  const rate =
    stated ??
    (answer.limited
      ? rateAfterLimited(current, held, first?.rpm)
      : rateAfterSuccess(current, firstSpanMs, probing));
  const rpm = atMost(rate, state.ceiling?.rpm);
  return {
    ...withoutFirstSpan(state),
    holdUntil,
    ...(firstSpanMs === undefined ? {} : { firstSpanMs }),
    ...(probing && stated === undefined ? { probing: true as const } : {}),
    ...(peakRpm === undefined || probing || stated !== undefined ? {} : { peakRpm }),
    ...(rpm === undefined ? {} : { rpm, reason: reasonOf(rpm, stated, state.ceiling) }),
  };
}

/**
 * A first request rate from a 429 while none is known: the successes since the first admission,
 * over the time from then until the server frees the window (its Retry-After; a minute without one).
 */
function firstEstimate(seen: RateSeen, retryAfterMs: number | undefined) {
  const { since, successes } = seen.burst;
  if (since === undefined) return undefined;
  const elapsed = seen.now - since;
  const spanMs = Math.max(
    1,
    retryAfterMs === undefined ? Math.max(MINUTE_MS, elapsed) : elapsed + unrounded(retryAfterMs),
  );
  return { spanMs, rpm: (Math.max(1, successes) * MINUTE_MS) / spanMs };
}

/**
 * A wait in whole seconds was rounded up (`Retry-After` has no finer unit): the server's own wait
 * lies in the second before it, half a second earlier on average. Any other wait is as sent, and
 * so is one at the longest believed ({@link RATE_WINDOW_MS}: cut there, it says nothing finer).
 */
function unrounded(waitMs: number): number {
  const rounded = waitMs >= 1_000 && waitMs % 1_000 === 0 && waitMs < RATE_WINDOW_MS;
  return rounded ? waitMs - 500 : waitMs;
}

/** The first estimate's burst ends with its hold, or with a decrease of the rate. */
function firstBurstEnded(
  limited: boolean,
  held: boolean,
  current: number | undefined,
  now: number,
  holdUntil: number,
): boolean {
  return limited ? !held && current !== undefined : now >= holdUntil;
}

/** A 429 without a stated limit: the same congestion keeps the rate; a new one cuts it (or sets the first estimate). */
function rateAfterLimited(
  current: number | undefined,
  held: boolean,
  estimate: number | undefined,
): number | undefined {
  if (held) return current;
  if (current !== undefined) return Math.max(MIN_RPM, current * DECREASE);
  return estimate === undefined ? undefined : Math.max(MIN_RPM, estimate);
}

/**
 * A success without a stated limit: one request over the span of the burst it was sent in; else one
 * more, or while probing the growth of one paced slot at a doubling every {@link PROBE_DOUBLING_MS}
 * (at most ×2; about 6 × ln 2 ≈ 4.2 more per success at any rate above a few per minute).
 */
function rateAfterSuccess(
  current: number | undefined,
  firstSpanMs: number | undefined,
  probing: boolean | undefined,
): number | undefined {
  if (current === undefined) return undefined;
  if (firstSpanMs) return current + MINUTE_MS / firstSpanMs;
  if (probing) return current * 2 ** Math.min(1, MINUTE_MS / current / PROBE_DOUBLING_MS);
  return current + INCREASE_RPM;
}

function reasonOf(rpm: number, stated: number | undefined, ceiling?: RateLimit): PaceReason {
  if (ceiling?.rpm !== undefined && rpm === ceiling.rpm) return 'stated_limit';
  return stated === undefined ? 'adaptive' : 'learned_limit';
}

/** The token rate the server stated (never above the ceiling); unchanged without one. */
function learnTokenRate(state: LearnedRate, stated: number | undefined): LearnedRate {
  if (stated === undefined) return state;
  return { ...state, tpm: atMost(stated, state.ceiling?.tpm) };
}

/**
 * The correction the bucket needs after `answer` (`undefined`: none): drained after a 429 and when
 * the first rate is learned (the slow start's requests are in the server's window already), lowered
 * to the server's `remaining` when below a burst, the tokens an attempt took beyond (or short of)
 * what it used given back.
 */
export function correctBucket(
  before: LearnedRate,
  after: LearnedRate,
  answer: PaceAnswer,
  seen: RateSeen,
): RateAdjustment | undefined {
  const rpm = after.rpm ?? seen.fleet?.rpm;
  const tpm = after.tpm ?? seen.fleet?.tpm;
  const firstRate = !rateKnown(before, seen.fleet) && rpm !== undefined;
  const change: RateAdjustment = {
    ...requestsAtMost(rpm, answer.limited || firstRate, answer.report?.requests?.remaining),
    ...tokensAtMost(tpm, answer.report?.tokens?.remaining),
    ...tokensGivenBack(tpm === undefined ? undefined : (after.tpm ?? tpm / PACE_MARGIN), answer),
  };
  return Object.keys(change).length === 0 ? undefined : change;
}

function requestsAtMost(
  rpm: number | undefined,
  drain: boolean,
  remaining: number | undefined,
): Pick<RateAdjustment, 'atMostRequests'> {
  if (drain) return { atMostRequests: 0 };
  if (rpm === undefined || remaining === undefined || remaining >= capacityOf(rpm, BURST_MS))
    return {};
  return { atMostRequests: remaining };
}

function tokensAtMost(
  tpm: number | undefined,
  remaining: number | undefined,
): Pick<RateAdjustment, 'atMostTokens'> {
  if (tpm === undefined || remaining === undefined || remaining >= capacityOf(tpm, BURST_MS))
    return {};
  return { atMostTokens: remaining };
}

/**
 * The tokens an attempt took beyond what it used (negative: used beyond what it took), when pacing
 * tokens (`limit`: the tokens per minute the server allows). The server refuses a call above its
 * tokens per minute: a usage beyond a minute's tokens (or the estimate taken) is not believed, or
 * its debt would hold the next calls for hours.
 */
function tokensGivenBack(
  limit: number | undefined,
  answer: PaceAnswer,
): Pick<RateAdjustment, 'tokens'> {
  if (limit === undefined || answer.tokens === undefined || !(answer.tokens.estimated >= 0))
    return {};
  const { estimated, used = 0 } = answer.tokens;
  const given = estimated - Math.min(Math.max(0, used), Math.max(estimated, limit));
  return given === 0 ? {} : { tokens: given };
}

function atMost(rate: number, ceiling: number | undefined): number;
function atMost(rate: number | undefined, ceiling: number | undefined): number | undefined;
function atMost(rate: number | undefined, ceiling: number | undefined): number | undefined {
  return ceiling === undefined ? rate : Math.min(rate ?? ceiling, ceiling);
}

/** `state` without its first burst, probing and peak (the step that follows sets them again while they last). */
function withoutFirstSpan(state: LearnedRate): LearnedRate {
  const { firstSpanMs: _, probing: __, peakRpm: ___, ...rest } = state;
  return rest;
}
