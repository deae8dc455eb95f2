/**
 * The time limits every contender of the stalled-stream schedule is given, the same for all: a
 * stream with no text within {@link FIRST_CONTENT_MS} of its start, or silent for {@link IDLE_MS}
 * once text flowed, counts as stalled. The emulator's healthy answers start within ~0.2 s and send a
 * delta every few ms (see `sections/stalls.ts`), so neither limit fires on a healthy stream.
 */
export const FIRST_CONTENT_MS = 1_000;
export const IDLE_MS = 1_000;
/**
 * When ours with hedging sends its second attempt: an attempt with no content after this long, just
 * above the p95 of a healthy first content on a quiet machine (~200 ms: the emulator's 150 ms to the
 * head plus the round trip), as hedged requests are usually tuned (after the 95th percentile).
 */
export const HEDGE_AFTER_MS = 250;
