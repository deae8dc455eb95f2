import { MINUTE_MS } from './rate-limits';

/**
 * The successes of one key and the tokens they counted for, per second over the last minute, and in
 * all since the first: what the pacer's learner measures a first rate and the recent mix from
 * (`learn-rate.ts`, `learn-token-rate.ts`). Fixed size: one slot per second of a minute.
 */
export interface AnswerMeter {
  /** When it started counting (epoch ms): the first admission of the key. */
  readonly since: number;
  /** Slot `s % SLOTS` counts second `s` (epoch seconds) while `second` says so. */
  readonly slots: Array<{ second: number; requests: number; tokens: number }>;
  /** Tokens of every success since `since`. */
  tokens: number;
}

/** The successes of the last minute at most, over `spanMs`. */
export interface RecentAnswers {
  requests: number;
  tokens: number;
  /** What they span: a minute, or less since the meter started. */
  spanMs: number;
}

const SLOT_MS = 1_000;
const SLOTS = MINUTE_MS / SLOT_MS;

export function createAnswerMeter(now: number): AnswerMeter {
  return {
    since: now,
    slots: Array.from({ length: SLOTS }, () => ({ second: -1, requests: 0, tokens: 0 })),
    tokens: 0,
  };
}

/** Counts one success of `tokens` (finite and at least 0: the caller's `tokensOfAnswer`). */
export function countAnswer(meter: AnswerMeter, now: number, tokens: number): void {
  const second = Math.floor(now / SLOT_MS);
  const slot = meter.slots[second % SLOTS] as AnswerMeter['slots'][number];
  if (slot.second !== second) {
    slot.second = second;
    slot.requests = 0;
    slot.tokens = 0;
  }
  slot.requests += 1;
  slot.tokens += tokens;
  meter.tokens += tokens;
}

/** The successes of the last {@link SLOTS} seconds (this one included). */
export function recentAnswers(meter: AnswerMeter, now: number): RecentAnswers {
  const second = Math.floor(now / SLOT_MS);
  let requests = 0;
  let tokens = 0;
  for (const slot of meter.slots) {
    if (slot.second > second - SLOTS && slot.second <= second) {
      requests += slot.requests;
      tokens += slot.tokens;
    }
  }
  return { requests, tokens, spanMs: Math.max(0, Math.min(MINUTE_MS, now - meter.since)) };
}

/**
 * What the server accepted of late, per minute: the last minute's successes (`requests`, or their
 * `tokens`) over the span they cover; `undefined` with none (nothing was accepted lately, or the
 * meter has only just started). A rate the pacer reached on paper, with its sends still spaced by
 * reservations made at a lower one, was never shown to the server: this one was.
 */
export function deliveredRate(
  recent: RecentAnswers | undefined,
  amount: 'requests' | 'tokens',
): number | undefined {
  if (recent === undefined || !(recent.spanMs > 0) || !(recent[amount] > 0)) return undefined;
  return (recent[amount] * MINUTE_MS) / recent.spanMs;
}
