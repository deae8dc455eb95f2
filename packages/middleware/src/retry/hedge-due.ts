import { within } from '../util/within';
import type { HedgeDelay, HedgeKey, TrackedAttempt } from './hedge-delay';

/**
 * Waits until `attempt` (of `key`) is due its hedge: its delay has passed (read anew at each check,
 * so the answers that came meanwhile move it) and it is late alone among its peers. A slowdown
 * they share waits, and is checked again when a peer ends, when a peer's answer starts to count on
 * time (`hedge-peers.ts`), or after one more delay. Gives the delay
 * in force then, or `undefined` when `settled` (the attempt's outcome) came first, or the model is
 * in its warm-up.
 */
export async function hedgeDue(
  settled: Promise<unknown>,
  delay: HedgeDelay,
  key: HedgeKey,
  attempt: TrackedAttempt,
): Promise<number | undefined> {
  const done = settled.then(
    () => true,
    () => true,
  );
  for (;;) {
    const now = Date.now();
    const afterMs = delay.afterMs(key, now);
    if (afterMs === undefined) return undefined;
    const leftMs = attempt.startedAt + afterMs - now;
    if (leftMs <= 0 && attempt.lateAlone(afterMs, now)) return afterMs;
    // Before the delay, only it passing matters; after it, a peer's end or a peer's answer counting on time
    // may change the verdict (else it is checked again one delay later).
    const recheckAt = leftMs > 0 ? undefined : attempt.recheckAt(afterMs, now);
    const untilRecheck = Math.max(1, Math.ceil((recheckAt ?? Infinity) - now));
    const waitMs = leftMs > 0 ? leftMs : Math.min(afterMs, untilRecheck);
    const wake = leftMs > 0 ? done : Promise.race([done, attempt.peerEnded().then(() => false)]);
    const woke = await within(wake, { ms: waitMs });
    if ('value' in woke && woke.value) return undefined;
  }
}
