import type { HealthyFigures } from './types';

/**
 * The time limits every contender of the stalled-stream schedule is given, the same for all: a
 * stream with no text within {@link FIRST_CONTENT_MS} of its start, or silent for {@link IDLE_MS}
 * once text flowed, counts as stalled. The emulator's healthy answers start within ~0.2 s and send a
 * delta every few ms (see `sections/stalls.ts`), so neither limit fires on a healthy stream.
 */
export const FIRST_CONTENT_MS = 1_000;
export const IDLE_MS = 1_000;

/**
 * When ours with hedging sends its second attempt, chosen as a user would from their own traffic:
 * just above the healthy p99 time to first content (rounded up to 50 ms), measured in the same run
 * over fault-free calls of every other contender (warm), at the same concurrency. A fixed value
 * does not fit every machine: below the healthy time to first content of 60 concurrent streams on a
 * loaded machine, hedges fire on healthy calls too (the bench's former fixed 250 ms sent 120 requests
 * for 60 fault-free calls), and the extra load slows every call. The stalled run and the no-stall
 * reference of the hedged contender use the same value; it never sees the seeded stalls.
 */
export function hedgeAfterMs(healthy: HealthyFigures): number {
  return Math.ceil((healthy.firstContentP99Ms + 1) / 50) * 50;
}
