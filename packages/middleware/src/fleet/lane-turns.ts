import { sleep } from '../util/sleep';

/** A sleep another admission of the same key may move: until a parked take's turn, or a slot. */
interface Turn {
  /** When it ends, epoch ms. */
  at: number;
  /** Its lane and tenant (a parked take's), or `''` (a reservation). */
  group: string;
  /** Ends the sleep at `at` instead. */
  move(at: number): void;
}

/**
 * How a turn's sleep ended: `undefined` at its time (the slot or turn came), or the epoch ms it
 * was moved to when that lies past the latest time its call can afford (the sleep ends at the move:
 * the call fails fast, not sent, and gives its slot back).
 */
export type TurnEnd = number | undefined;

/**
 * The sleeps of one key's admissions in this instance, so that an admission or an answer can move
 * another one's: a parked turn is handed over, an interactive call is sent at the end of a hold,
 * and every reserved slot is re-spaced when the rate is cut. (An interactive take goes ahead of a
 * background slot reserved by any instance in the store: `preemptSlot` in `fair-lanes.ts`.)
 */
export interface LaneTurns {
  /**
   * Sleeps until the slot at `at` of a call without a lane, or the later one {@link stretch} moved
   * it to, unless that lies past `latest` ({@link TurnEnd}); rejects with the signal's reason.
   */
  wait(at: number, signal: AbortSignal | undefined, latest?: number): Promise<TurnEnd>;
  /**
   * Sleeps until `at` (epoch ms) or until {@link handOver} moves it, at the latest until `latest`
   * (the store then answers whether its turn still fits); rejects with the signal's reason.
   */
  park(group: string, at: number, signal: AbortSignal | undefined, latest?: number): Promise<void>;
  /**
   * Sleeps until a background reservation's slot at `at`, or the later one {@link stretch} moved it
   * to, unless that lies past `latest` ({@link TurnEnd}); rejects with the signal's reason.
   */
  reserve(at: number, signal: AbortSignal | undefined, latest?: number): Promise<TurnEnd>;
  /**
   * The next slot comes within reach at `at`: the parked take of each group that wakes first is
   * woken then instead (earlier, or later when it would wake before: the store would park it
   * again). So a slot is taken by one that is awake, never lost while a take is parked here.
   */
  handOver(at: number): void;
  /**
   * Sleeps until an interactive call's slot at `at`, or the hold's end {@link heldUntil} (or
   * {@link stretch}) moved it to, unless that lies past `latest` ({@link TurnEnd}); rejects with
   * the signal's reason.
   */
  front(at: number, signal: AbortSignal | undefined, latest?: number): Promise<TurnEnd>;
  /**
   * An answer reported the window full until `until` (epoch ms): an interactive call waiting for
   * the first slot after it (within `spacingMs`) is sent at `until` instead (see {@link firstAfterHold}).
   */
  heldUntil(until: number, spacingMs: number): void;
  /**
   * The key's rate was cut to `factor` of itself: what is left of each reserved slot's wait (with a
   * lane or without) is stretched by `1 / factor`, in the same order (see `respace-waits.ts`: the
   * debt the bucket takes on with it). Parked turns come back to the store, which answers at the
   * new rate.
   */
  stretch(factor: number): void;
}

/**
 * When a slot at `at` may be sent given a hold until `until` (an answer reported the window full
 * until its reset): at `until` when it is the first slot after it (within `spacingMs`: slots are a
 * spacing apart, so no other lies between), when the window frees a request; else at `at`.
 */
export function firstAfterHold(at: number, until: number | undefined, spacingMs: number): number {
  return until !== undefined && at > until && at <= until + spacingMs ? until : at;
}

/** The {@link LaneTurns} of one key. */
export function createLaneTurns(): LaneTurns {
  const parked = new Set<Turn>();
  const reserved = new Set<Turn>();
  const interactive = new Set<Turn>();
  const plain = new Set<Turn>();

  /**
   * One turn's sleep. Moved past `latest`: a slot's sleep ends with the time it was moved to; a
   * parked turn (`clamp`) wakes at `latest` instead, to take again.
   */
  async function sleepTurn(
    set: Set<Turn>,
    group: string,
    at: number,
    signal: AbortSignal | undefined,
    latest = Number.POSITIVE_INFINITY,
    clamp = false,
  ): Promise<TurnEnd> {
    let moved = new AbortController();
    let past: number | undefined;
    const turn: Turn = {
      at,
      group,
      move(to) {
        if (to > latest && !clamp) past = to;
        turn.at = Math.min(to, Math.max(latest, turn.at));
        moved.abort();
      },
    };
    set.add(turn);
    try {
      for (;;) {
        if (past !== undefined) return past;
        const wait = Math.max(0, Math.ceil(turn.at - Date.now()));
        try {
          await sleep(wait, signal ? AbortSignal.any([signal, moved.signal]) : moved.signal);
          return undefined;
        } catch (error) {
          if (signal?.aborted || !moved.signal.aborted) throw error;
          moved = new AbortController();
        }
      }
    } finally {
      set.delete(turn);
    }
  }

  return {
    wait: (at, signal, latest) => sleepTurn(plain, '', at, signal, latest),
    park: async (group, at, signal, latest) => {
      await sleepTurn(parked, group, at, signal, latest, true);
    },
    reserve: (at, signal, latest) => sleepTurn(reserved, '', at, signal, latest),
    front: (at, signal, latest) => sleepTurn(interactive, '', at, signal, latest),

    heldUntil(until, spacingMs) {
      for (const turn of interactive) {
        const at = firstAfterHold(turn.at, until, spacingMs);
        if (at < turn.at) turn.move(at);
      }
    },

    handOver(at) {
      const first = new Map<string, Turn>();
      for (const turn of parked) {
        const seen = first.get(turn.group);
        if (seen === undefined || turn.at < seen.at) first.set(turn.group, turn);
      }
      for (const turn of first.values()) if (turn.at !== at) turn.move(at);
    },

    stretch(factor) {
      if (!(factor > 0 && factor < 1)) return;
      const now = Date.now();
      for (const set of [reserved, interactive, plain])
        for (const turn of set) if (turn.at > now) turn.move(now + (turn.at - now) / factor);
    },
  };
}
