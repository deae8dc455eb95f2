import { within } from '../util/within';
import { TOKEN_HEAVY } from './learn-token-rate';

/**
 * Admission while a key's limit is still unknown, as TCP's slow start: one attempt first, then one
 * more in flight for every success (the window doubles with each round of answers), so a cold
 * process with many callers does not spend a burst of requests finding the limit. When no answer
 * comes back for {@link STALL_MS} (slow calls, or answers lost), the window doubles once per
 * stall, as a round of answers would have done: slots still grow with time, never all at once,
 * whatever the number of callers waiting. An attempt waits at most its own bound (`maxMs`: the
 * pacer's `maxWaitMs`, or what its deadline affords) and then goes anyway. {@link SlowStart.end}
 * lets everyone through once the limit is known (the pacer's bucket takes over).
 *
 * Token-heavy attempts (more than {@link TOKEN_HEAVY} tokens, an `embedMany` batch) also fit a
 * window counted in tokens: one such attempt in flight first, then the window grows by one
 * attempt of its size per round of answers (`tokens × tokens / window` per success), not doubling:
 * a limit a handful of batches fill is met with one or two in flight, not the whole doubled window
 * (traced: 20,000-token batches against 100,000 tokens a window, six in flight when it filled, each
 * a 429 whose Retry-After held the key). Chat-sized attempts see the request window alone, and pass
 * a heavy one that waits for the token window.
 */
export interface SlowStart {
  /**
   * Resolves once this attempt of `tokens` (0: unknown) may be sent (a slot, `maxMs` passed, or the
   * end); rejects on abort.
   */
  enter(signal: AbortSignal | undefined, maxMs: number, tokens?: number): Promise<void>;
  /**
   * An answer to an attempt of `tokens` came back: its slot is free; a success widens the window by
   * one (and a heavy one the token window by a round's share).
   */
  answered(success: boolean, tokens?: number): void;
  /**
   * An admitted attempt of `tokens` ended without an answer (the caller's abort, a lost hedge, never
   * sent): its slot is free, the windows stay as they are.
   */
  leave(tokens?: number): void;
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

/** Whether an attempt of `tokens` is token-heavy: it fits the token window too. */
const heavy = (tokens: number) => tokens > TOKEN_HEAVY;

export function createSlowStart(): SlowStart {
  let window = 1;
  let inFlight = 0;
  /** The token window of heavy attempts (0: none answered yet, one at a time), and theirs in flight. */
  let tokenWindow = 0;
  let heavyInFlight = 0;
  let ended = false;
  /** When the window last grew, or an answer came (epoch ms): a stall is counted from here. */
  let progressAt = 0;
  const seen: SlowStart['seen'] = { since: undefined, successes: 0 };
  const queue: Array<{ tokens: number; release: () => void }> = [];

  /** Whether an attempt of `tokens` fits the token window (always, when no heavy one is in flight). */
  const fitsTokens = (tokens: number) =>
    !heavy(tokens) || heavyInFlight === 0 || heavyInFlight + tokens <= tokenWindow;
  const admit = (tokens: number) => {
    inFlight++;
    if (heavy(tokens)) heavyInFlight += tokens;
  };
  /** Lets waiters through in order; one waiting for the token window lets a later one pass. */
  const drain = () => {
    for (let i = 0; i < queue.length && (ended || inFlight < window); ) {
      const waiter = queue[i] as (typeof queue)[number];
      if (!ended && !fitsTokens(waiter.tokens)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      admit(waiter.tokens);
      waiter.release();
    }
  };
  const leave = (tokens = 0) => {
    inFlight = Math.max(0, inFlight - 1);
    if (heavy(tokens)) heavyInFlight = Math.max(0, heavyInFlight - tokens);
    drain();
  };
  /** A waiter's stall period ran out: the windows double unless they grew (or an answer came) meanwhile. */
  const stalled = (now: number) => {
    if (now - progressAt < STALL_MS) return;
    progressAt = now;
    window *= 2;
    tokenWindow *= 2;
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
    enter(signal, maxMs, tokens = 0) {
      if (seen.since === undefined) {
        seen.since = Date.now();
        progressAt = seen.since;
      }
      if (ended || (queue.length === 0 && inFlight < window && fitsTokens(tokens))) {
        admit(tokens);
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
      const waiter = { tokens, release: () => release() };
      queue.push(waiter);
      // A chat-sized attempt may pass heavy ones waiting for the token window.
      drain();
      const dequeue = () => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
      };
      return waitForSlot(slot, () => given, signal, Date.now() + maxMs).then(
        gotSlot => {
          dequeue();
          // Its own bound passed: it goes without a slot (counted in flight), unless a slot was
          // handed to it in the same tick (then it is counted already).
          if (!gotSlot) admit(tokens);
        },
        (reason: unknown) => {
          dequeue();
          if (given) {
            // Given a slot just as its caller gave up: the slot goes to the next in line.
            leave(tokens);
          }
          throw reason;
        },
      );
    },
    answered(success, tokens = 0) {
      progressAt = Date.now();
      if (success) {
        seen.successes++;
        window++;
        if (heavy(tokens)) {
          const was = Math.max(tokenWindow, tokens);
          tokenWindow = was + tokens * Math.min(1, tokens / was);
        }
      }
      leave(tokens);
    },
    leave,
    end() {
      ended = true;
      drain();
    },
  };
}
