import {
  BURST_MS,
  type LearnedRate,
  PACE_MARGIN,
  type PaceAnswer,
  type RateSeen,
  rateKnown,
} from './learn-rate';
import { capacityOf } from './rate-bucket';
import { MINUTE_MS, type RateWindow } from './rate-limits';
import type { RateAdjustment } from './resilience-store';

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
    ...requestsAtMost(rpm, answer.limited || firstRate, answer.report?.requests),
    ...tokensAtMost(tpm, answer.report?.tokens?.remaining),
    ...tokensGivenBack(tpm === undefined ? undefined : (after.tpm ?? tpm / PACE_MARGIN), answer),
  };
  return Object.keys(change).length === 0 ? undefined : change;
}

/**
 * The server's `remaining` requests, plus the part of one its reset says is coming: a request is
 * accepted again at the reset, so a reset within a slot leaves the bucket the refill that pays for
 * the next one by then (lowered to `remaining` alone, every answer at a full window would throw away
 * the refill since its request was taken: a slot in about sixty at 8 ms of latency).
 */
function requestsAtMost(
  rpm: number | undefined,
  drain: boolean,
  report: RateWindow | undefined,
): Pick<RateAdjustment, 'atMostRequests'> {
  if (drain) return { atMostRequests: 0 };
  const remaining = report?.remaining;
  if (rpm === undefined || remaining === undefined) return {};
  const coming =
    report?.resetMs === undefined ? 0 : Math.max(0, 1 - (report.resetMs * rpm) / MINUTE_MS);
  const atMost = remaining + coming;
  return atMost >= capacityOf(rpm, BURST_MS) ? {} : { atMostRequests: atMost };
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
 * its debt would hold the next calls for hours. A 429 gives nothing back: its slot was sent into a
 * full window and is spent, and while calls wait for slots reserved after it, tokens given back
 * put the next take on top of one of those (traced: the seven batches a first burst's 429s gave
 * back were retried into slots already reserved, sent in pairs 35 s later, and each pair met a 429).
 */
function tokensGivenBack(
  limit: number | undefined,
  answer: PaceAnswer,
): Pick<RateAdjustment, 'tokens'> {
  if (
    limit === undefined ||
    answer.limited ||
    answer.tokens === undefined ||
    !(answer.tokens.estimated >= 0)
  )
    return {};
  const { estimated, used = 0 } = answer.tokens;
  const given = estimated - Math.min(Math.max(0, used), Math.max(estimated, limit));
  return given === 0 ? {} : { tokens: given };
}

/** Both corrections of the bucket in one (their counts added). */
export function addChanges(
  a: RateAdjustment | undefined,
  b: RateAdjustment | undefined,
): RateAdjustment | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return {
    ...a,
    requests: (a.requests ?? 0) + (b.requests ?? 0),
    tokens: (a.tokens ?? 0) + (b.tokens ?? 0),
  };
}
