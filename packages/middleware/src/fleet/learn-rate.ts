import { serverWait } from '../errors/server-wait';
import { deliveredRate, type RecentAnswers } from './answer-meter';
import { type Dimension, teachingDimension, tokensOfAnswer } from './learn-token-rate';
import {
  MAX_COUNT,
  MIN_LIMIT,
  MINUTE_MS,
  type RateLimit,
  type RateLimitReport,
} from './rate-limits';

/**
 * How the pacer learns a key's rates, as pure functions: `learnRate(state, answer, seen)` is the
 * next state, `correctBucket(before, after, answer, seen)` (`correct-bucket.ts`) the correction the
 * shared bucket needs, `teachingDimension` (`learn-token-rate.ts`) the dimension a 429 without
 * headers comes from.
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
  /**
   * Set while `tpm` was learned from 429s (not stated): the token rate's own peak and probing, as
   * `peakRpm` and `probing` for requests (see `learn-token-rate.ts`).
   */
  readonly adaptiveTokens?: { readonly peak?: number; readonly probing?: true };
}

/** What the pacer saw besides the answer, when it came. */
export interface RateSeen {
  /** Epoch ms. */
  now: number;
  /** The rates the shared bucket recorded when the store last answered (another instance's). */
  fleet?: RateLimit;
  /**
   * The slow start's burst: since its first admission (epoch ms), its successes, and the tokens they
   * used (or took, when they reported no usage).
   */
  burst: { since: number | undefined; successes: number; tokens?: number };
  /** The successes of the last minute at most (`spanMs`), and their tokens (see `answer-meter.ts`). */
  recent?: RecentAnswers;
  /**
   * Whether an attempt of this instance waits for its slot now (the rate holds a caller back). A
   * success while none waits does not grow a token rate: a key the callers leave idle shows nothing
   * about a higher rate, and a rate pushed up meanwhile would meet the limit with many cuts later.
   */
  waiting?: boolean;
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
 * The state after `answer`. Without a stated limit and with token-heavy answers, the dimension the
 * answer teaches ({@link teachingDimension}: requests or tokens) learns by AIMD alone, the other is
 * left as it is. Otherwise the request rate (the server's stated limit, else AIMD from the answers
 * alone: a first 429 sets a measured estimate, a later one cuts to {@link DECREASE} of the rate at
 * most once per hold, a success adds {@link INCREASE_RPM} up to the rate the cut came from and
 * probes beyond it), then the token rate the server stated; never above the ceiling.
 */
export function learnRate(state: LearnedRate, answer: PaceAnswer, seen: RateSeen): LearnedRate {
  const taught = teachingDimension(state, answer, seen);
  if (taught !== undefined) return learnTaught(state, answer, seen, taught);
  const teachesRequests =
    answer.report?.requests?.limit !== undefined ||
    answer.limited ||
    (state.reason === 'adaptive' && state.rpm !== undefined);
  const next = teachesRequests
    ? learnDimension(state, answer, seen, {
        dimension: 'requests',
        unit: 1,
        cost: 1,
        increase: () => INCREASE_RPM,
        sample: burstOf(seen, 'requests'),
      })
    : state;
  return learnTokenRate(next, answer.report?.tokens?.limit);
}

/**
 * An answer without a stated limit, in the dimension it teaches: a 429 cuts that dimension's rate
 * (or sets its first estimate), a success grows it when it is known; the other stays. A first
 * estimate while the other dimension is known measures the successes of the last minute (the
 * burst since the first admission is the other dimension's); one from a 429 within the hold of a
 * congestion already answered is not made (that 429 is the same congestion).
 */
function learnTaught(
  state: LearnedRate,
  answer: PaceAnswer,
  seen: RateSeen,
  taught: { dimension: Dimension; perRequest: number },
): LearnedRate {
  const { dimension, perRequest } = taught;
  const requests = dimension === 'requests';
  const current = requests ? (state.rpm ?? seen.fleet?.rpm) : (state.tpm ?? seen.fleet?.tpm);
  const otherKnown = requests
    ? (state.tpm ?? seen.fleet?.tpm) !== undefined
    : (state.rpm ?? seen.fleet?.rpm) !== undefined;
  if (current === undefined && (!answer.limited || (otherKnown && seen.now < state.holdUntil)))
    return state;
  if (!answer.limited && (requests ? state.rpm : state.tpm) === undefined) return state;
  const idle = !requests && !answer.limited && !seen.waiting && state.firstSpanMs === undefined;
  if (idle) return state;
  const cost = requests ? 1 : tokensOfAnswer(answer);
  return learnDimension(state, answer, seen, {
    dimension,
    unit: requests ? 1 : perRequest,
    cost,
    increase: requests ? () => INCREASE_RPM : rate => tokenIncrease(cost, rate),
    sample: otherKnown && seen.recent ? recentOf(seen, dimension) : burstOf(seen, dimension),
  });
}

/**
 * The token rate's climb after a cut, per success of `cost` tokens: one call of its size a minute,
 * every minute (`cost × cost / rate`), as TCP's congestion avoidance grows one segment per round
 * trip. A climb of a call a minute per success, as the request rate has, revisits the limit about
 * every 6 s at any rate (10 % of the rate, climbed by as many calls as a minute holds); a token limit
 * is met by batch jobs that keep the bucket busy for minutes, and each visit is a 429 whose
 * Retry-After every caller on the key waits out, chat included. At the call's size this climb
 * revisits it every `0.1 × rate / cost` minutes (5 minutes for 50 batches a minute). Its first
 * estimate may still be far too low: probing grows it as it grows requests.
 */
function tokenIncrease(cost: number, rate: number): number {
  return INCREASE_RPM * cost * Math.min(1, cost / rate);
}

/** How one answer moves one dimension's rate (see {@link learnDimension}). */
interface DimensionStep {
  dimension: Dimension;
  /** One request in the dimension's unit: 1, or the tokens of a request of the recent mix. */
  unit: number;
  /** What this answer counts for in the dimension: 1, or its tokens. */
  cost: number;
  /** A success's climb at `rate` outside the first burst and probing. */
  increase(rate: number): number;
  /** What a first estimate divides: the successes (or their tokens) since `since`. */
  sample: { since: number | undefined; amount: number };
}

/**
 * One dimension's rate after an answer that teaches it (a stated limit, a 429, or any answer while
 * the rate is adaptive), with the hold and the first burst it moves.
 */
function learnDimension(
  state: LearnedRate,
  answer: PaceAnswer,
  seen: RateSeen,
  step: DimensionStep,
): LearnedRate {
  const { now } = seen;
  const requests = step.dimension === 'requests';
  const stated = requests ? answer.report?.requests?.limit : undefined;
  const retryAfterMs = serverWait(answer.retryAfterMs, RATE_WINDOW_MS)?.ms;
  const was = viewOf(state, step.dimension);
  const current = was.rate ?? (requests ? seen.fleet?.rpm : seen.fleet?.tpm);
  const held = answer.limited && now < state.holdUntil;
  const holdUntil =
    answer.limited && !held ? now + Math.max(HOLD_MS, retryAfterMs ?? 0) : state.holdUntil;
  const first =
    current === undefined ? firstEstimate(step.sample, now, retryAfterMs, step.unit) : undefined;
  const firstSpanMs =
    first?.spanMs ??
    (firstBurstEnded(answer.limited, held, current, now, holdUntil)
      ? undefined
      : state.firstSpanMs);
  const congestion = answer.limited && !held;
  const peak = congestion ? current : was.peak;
  const pastPeak =
    !answer.limited && peak !== undefined && current !== undefined && current >= peak;
  const probing = first !== undefined || pastPeak || (was.probing === true && !congestion);
  const delivered = deliveredRate(seen.recent, step.dimension);
  const rate =
    stated ??
    (answer.limited
      ? rateAfterLimited(
          current,
          held,
          first?.rate,
          floorOf(step),
          was.probing ? delivered : undefined,
        )
      : rateAfterSuccess(current, step, firstSpanMs, probing, delivered));
  const ceiling = requests ? state.ceiling?.rpm : state.ceiling?.tpm;
  const view: DimensionView = {
    ...(rate === undefined ? {} : { rate: atMost(Math.min(MAX_COUNT, rate), ceiling) }),
    ...(probing && stated === undefined ? { probing: true as const } : {}),
    ...(peak === undefined || probing || stated !== undefined ? {} : { peak }),
  };
  return {
    ...withoutDimension(state, step.dimension),
    holdUntil,
    ...(firstSpanMs === undefined ? {} : { firstSpanMs }),
    ...withView(step.dimension, view, stated, state.ceiling),
  };
}

/**
 * The least rate a 429 leaves: one request a minute ({@link MIN_RPM}), in tokens one request of the
 * mix and never below the least token limit believed ({@link MIN_LIMIT}).
 */
function floorOf(step: DimensionStep): number {
  return step.dimension === 'requests' ? MIN_RPM : Math.max(MIN_LIMIT.tokens, MIN_RPM * step.unit);
}

/** One dimension's adaptive state: its rate, the rate a 429 last cut, whether it probes. */
interface DimensionView {
  rate?: number;
  peak?: number;
  probing?: true;
}

function viewOf(state: LearnedRate, dimension: Dimension): DimensionView {
  if (dimension === 'requests') {
    const { rpm: rate, peakRpm: peak, probing } = state;
    return {
      ...(rate === undefined ? {} : { rate }),
      ...(peak === undefined ? {} : { peak }),
      ...(probing ? { probing } : {}),
    };
  }
  return { ...(state.tpm === undefined ? {} : { rate: state.tpm }), ...state.adaptiveTokens };
}

/** The fields of a dimension's view in the state (with the reason its rate has). */
function withView(
  dimension: Dimension,
  view: DimensionView,
  stated: number | undefined,
  ceiling: RateLimit | undefined,
): Partial<LearnedRate> {
  const { rate, peak, probing } = view;
  if (dimension === 'requests')
    return {
      ...(probing ? { probing } : {}),
      ...(peak === undefined ? {} : { peakRpm: peak }),
      ...(rate === undefined ? {} : { rpm: rate, reason: reasonOf(rate, stated, ceiling) }),
    };
  if (rate === undefined) return {};
  return {
    tpm: rate,
    reason: 'adaptive',
    adaptiveTokens: { ...(probing ? { probing } : {}), ...(peak === undefined ? {} : { peak }) },
  };
}

/** The first burst's sample: since the first admission, its successes or their tokens. */
function burstOf(seen: RateSeen, dimension: Dimension): DimensionStep['sample'] {
  const { since, successes, tokens = 0 } = seen.burst;
  return { since, amount: dimension === 'requests' ? successes : tokens };
}

/** The last minute's sample: its successes or their tokens. */
function recentOf(seen: RateSeen, dimension: Dimension): DimensionStep['sample'] {
  const recent = seen.recent ?? { requests: 0, tokens: 0, spanMs: 0 };
  return {
    since: seen.now - recent.spanMs,
    amount: dimension === 'requests' ? recent.requests : recent.tokens,
  };
}

/**
 * A first rate from a 429 while none is known: what the successes since `since` counted for (at
 * least one request: `unit`), over the time from then until the server frees the window (its
 * Retry-After; a minute without one).
 */
function firstEstimate(
  sample: DimensionStep['sample'],
  now: number,
  retryAfterMs: number | undefined,
  unit: number,
) {
  const { since, amount } = sample;
  if (since === undefined) return undefined;
  const elapsed = now - since;
  const spanMs = Math.max(
    1,
    retryAfterMs === undefined ? Math.max(MINUTE_MS, elapsed) : elapsed + unrounded(retryAfterMs),
  );
  return { spanMs, rate: (Math.max(unit, amount) * MINUTE_MS) / spanMs };
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

/**
 * A 429 without a stated limit: the same congestion keeps the rate; a new one cuts it (or sets the
 * first estimate). The 429 that ends probing cuts to what the server accepted of late (`delivered`,
 * the last rate that drew no 429) when that is lower than {@link DECREASE} of the probe's top: a
 * probe overshoots by up to a doubling, and cut by 10 % at a time it would cost a 429 per hold on
 * the way down (each one a retry of a batch, and a Retry-After every caller on the key waits out).
 */
function rateAfterLimited(
  current: number | undefined,
  held: boolean,
  estimate: number | undefined,
  floor: number,
  delivered: number | undefined,
): number | undefined {
  if (held) return current;
  if (current !== undefined)
    return Math.max(floor, Math.min(current * DECREASE, delivered ?? Number.POSITIVE_INFINITY));
  return estimate === undefined ? undefined : Math.max(floor, estimate);
}

/**
 * A success without a stated limit, of `cost` (1 request, or its tokens): its cost over the span of
 * the burst it was sent in; else its climb (one request more, {@link INCREASE_RPM}), or while
 * probing the growth of its paced slot at a doubling every {@link PROBE_DOUBLING_MS} (at most ×2;
 * about 6 × ln 2 ≈ 4.2 requests more per success at any rate above a few per minute), up to twice
 * what the server accepted of late (`delivered`): a success sent at a slot reserved at a lower rate
 * shows that rate, not the one on paper (an `embedMany` whose batches all reserved at the first
 * estimate grew it to 3.5 times the limit without one 429, and met the limit with seven cuts).
 */
function rateAfterSuccess(
  current: number | undefined,
  { cost, increase }: Pick<DimensionStep, 'cost' | 'increase'>,
  firstSpanMs: number | undefined,
  probing: boolean | undefined,
  delivered: number | undefined,
): number | undefined {
  if (current === undefined) return undefined;
  if (firstSpanMs) return current + (cost * MINUTE_MS) / firstSpanMs;
  if (!probing) return current + increase(current);
  const grown = current * 2 ** Math.min(1, (cost * MINUTE_MS) / current / PROBE_DOUBLING_MS);
  return delivered === undefined ? grown : Math.max(current, Math.min(grown, 2 * delivered));
}

function reasonOf(rpm: number, stated: number | undefined, ceiling?: RateLimit): PaceReason {
  if (ceiling?.rpm !== undefined && rpm === ceiling.rpm) return 'stated_limit';
  return stated === undefined ? 'adaptive' : 'learned_limit';
}

/**
 * The token rate the server stated (never above the ceiling; it replaces one learned from 429s);
 * unchanged without one.
 */
function learnTokenRate(state: LearnedRate, stated: number | undefined): LearnedRate {
  if (stated === undefined) return state;
  const { adaptiveTokens: _, ...rest } = state;
  return { ...rest, tpm: atMost(stated, state.ceiling?.tpm) };
}

function atMost(rate: number, ceiling: number | undefined): number;
function atMost(rate: number | undefined, ceiling: number | undefined): number | undefined;
function atMost(rate: number | undefined, ceiling: number | undefined): number | undefined {
  return ceiling === undefined ? rate : Math.min(rate ?? ceiling, ceiling);
}

/**
 * `state` without its first burst and the dimension's probing and peak (the step that follows sets
 * them again while they last).
 */
function withoutDimension(state: LearnedRate, dimension: Dimension): LearnedRate {
  if (dimension === 'tokens') {
    const { firstSpanMs: _, adaptiveTokens: __, ...rest } = state;
    return rest;
  }
  const { firstSpanMs: _, probing: __, peakRpm: ___, ...rest } = state;
  return rest;
}
