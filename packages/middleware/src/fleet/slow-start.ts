import { within } from '../util/within';

/**
 * Admission while a key's limit is still unknown, as TCP's slow start: one attempt first, then one
 * more in flight for every success (the window doubles with each round of answers), so a cold
 * process with many callers does not spend a burst of requests finding the limit. An attempt holds
 * at most `holdMs` for a slot and then goes anyway. {@link SlowStart.end} lets everyone through once
 * the limit is known (the pacer's bucket takes over).
 */
export interface SlowStart {
  /** Resolves once this attempt may be sent (a slot, `holdMs` passed, or the end); rejects on abort. */
  enter(signal: AbortSignal | undefined, holdMs: number): Promise<void>;
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

export function createSlowStart(): SlowStart {
  let window = 1;
  let inFlight = 0;
  let ended = false;
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

  return {
    seen,
    enter(signal, holdMs) {
      seen.since ??= Date.now();
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
      return within(slot, { ms: holdMs, signal }).then(
        held => {
          dequeue();
          // Held long enough: it goes without a slot (a lost answer must not stall the key), unless
          // a slot was handed to it in the same tick (then it is counted already).
          if ('timedOut' in held && !given) inFlight++;
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
