import { within } from '../util/within';

/**
 * Admission while a key's limit is still unknown, as TCP's slow start: one attempt first, then one
 * more in flight for every success (the window doubles with each round of answers), so a cold
 * process with many callers does not spend a burst of requests finding the limit. When no answer
 * comes back for {@link STALL_MS} (slow calls, or answers lost), the window doubles once per
 * stall, as a round of answers would have done: slots still grow with time, never all at once,
 * whatever the number of callers waiting. An attempt waits at most its own bound (`maxMs`: the
 * pacer's `maxWaitMs`, or what its deadline affords) and then goes anyway. {@link SlowStart.end}
 * lets everyone through once the limit is known (the pacer's bucket takes over).
 */
export interface SlowStart {
  /**
   * Resolves once this attempt may be sent (a slot, `maxMs` passed, or the end); rejects on abort.
   */
  enter(signal: AbortSignal | undefined, maxMs: number): Promise<void>;
  /** An answer came back: its slot is free; a success widens the window by one. */
  answered(success: boolean): void;
  /**
   * An admitted attempt ended without an answer (the caller's abort, a lost hedge, never sent): its
   * slot is free, the window stays as it is.
   */
  leave(): void;
  /** The limit is known: every waiter goes on, and nothing waits here any more. */
  end(): void;
  /** What it saw since the first admission, for a first estimate of the rate from a 429. */
  readonly seen: { since: number | undefined; successes: number };
}

/**
 * No answer for this long while attempts wait: the window doubles (once per this long). Before, an
 * attempt waiting this long went without a slot, so every caller queued behind a slow first answer
 * went at once (a cold process with 60 callers sent them all 2 s in, into a limit it had not found).
 */
export const STALL_MS = 2_000;

export function createSlowStart(): SlowStart {
  let window = 1;
  let inFlight = 0;
  let ended = false;
  /** When the window last grew, or an answer came (epoch ms): a stall is counted from here. */
  let progressAt = 0;
  const seen: SlowStart['seen'] = { since: undefined, successes: 0 };
  const queue: Array<() => void> = [];

  const drain = () => {
    while (queue.length > 0 && (ended || inFlight < window)) {
      inFlight++;
      queue.shift()?.();
    }
  };
  const leave = () => {
    inFlight = Math.max(0, inFlight - 1);
    drain();
  };
  /** A waiter's stall period ran out: the window doubles unless it grew (or an answer came) meanwhile. */
  const stalled = (now: number) => {
    if (now - progressAt < STALL_MS) return;
    progressAt = now;
    window *= 2;
    drain();
  };

  /**
   * Waits for `slot` until `until` (epoch ms), waking at each stall to double the window. Resolves
   * `true` when it was handed a slot, `false` when its bound passed first.
   */
  async function waitForSlot(
    slot: Promise<void>,
    given: () => boolean,
    signal: AbortSignal | undefined,
    until: number,
  ): Promise<boolean> {
    for (;;) {
      const left = until - Date.now();
      if (given()) return true;
      if (left <= 0) return false;
      const toStall = Math.max(1, progressAt + STALL_MS - Date.now());
      const held = await within(slot, { ms: Math.min(toStall, left), signal });
      if (!('timedOut' in held) || given()) return true;
      stalled(Date.now());
    }
  }

  return {
    seen,
    enter(signal, maxMs) {
      if (seen.since === undefined) {
        seen.since = Date.now();
        progressAt = seen.since;
      }
      if (ended || (queue.length === 0 && inFlight < window)) {
        inFlight++;
        return Promise.resolve();
      }
      let given = false;
      let release: () => void = () => {};
      const slot = new Promise<void>(resolve => {
        release = () => {
          given = true;
          resolve();
        };
      });
      queue.push(release);
      const dequeue = () => {
        const at = queue.indexOf(release);
        if (at >= 0) queue.splice(at, 1);
      };
      return waitForSlot(slot, () => given, signal, Date.now() + maxMs).then(
        gotSlot => {
          dequeue();
          // Its own bound passed: it goes without a slot (counted in flight), unless a slot was
          // handed to it in the same tick (then it is counted already).
          if (!gotSlot) inFlight++;
        },
        (reason: unknown) => {
          dequeue();
          if (given) {
            // Given a slot just as its caller gave up: the slot goes to the next in line.
            inFlight--;
            drain();
          }
          throw reason;
        },
      );
    },
    answered(success) {
      progressAt = Date.now();
      if (success) {
        seen.successes++;
        window++;
      }
      leave();
    },
    leave,
    end() {
      ended = true;
      drain();
    },
  };
}
