import type { AttemptInfo } from '../attempt-guard';

/** The most an attempt keeps for its answer: a tenth of the time left, at most this long. */
const ANSWER_HEADROOM_MS = 1_000;

/** How {@link affordableWaitMs} is named in the error of a wait beyond it. */
export const DEADLINE_LIMIT =
  "the call's deadline (less a tenth of the time left, at most 1 s, for the answer)";

/**
 * How long an attempt can afford to wait before it is sent (for a cooldown or a pacing slot):
 * until its deadline, less the last tenth of the time left (at most a second) for the answer.
 * Sent at the deadline's edge, a request is lost (the deadline fires before it goes out) or wasted
 * (the server counts a request whose answer the caller no longer waits for). No deadline: no bound.
 */
export function affordableWaitMs(info: Pick<AttemptInfo, 'deadlineAt'>, now: number): number {
  if (info.deadlineAt === undefined) return Number.POSITIVE_INFINITY;
  const left = info.deadlineAt - now;
  return left - Math.min(ANSWER_HEADROOM_MS, left / 10);
}
