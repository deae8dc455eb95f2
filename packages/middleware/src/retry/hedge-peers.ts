import type { Sample } from '../util/recent-samples';

/**
 * Whether a late attempt is late alone (a stall: hedge it) or with its peers (a slowdown shared by
 * the attempts of its model and operation: a hedge would not be faster, and a burst would hedge
 * every call). Its peers are the attempts that started around it: within `aroundShare` of a delay
 * before or after it (a burst's calls start within that of each other; earlier calls answered
 * before the conditions changed).
 */
export const HEDGE_PEERS = {
  aroundShare: 0.25,
  /**
   * A peer answered on time when within the delay and at least this share of a delay before the
   * check: one that answers just now is as slow as the late attempt (the tail of a slow burst,
   * whose answers raise the delay as they come, would otherwise find its first half on time).
   * Small: at the first check (1.5× the median at least) a healthy answer is this far ahead.
   */
  aheadShare: 0.1,
  /**
   * The late attempt is hedged when at most `lateShare` of its peers plus `lateSlack` were late
   * too (14 of 60, 4 of 10): independent stalls are a few (at p = 0.1, 5 of 9 peers about once in
   * a thousand waves), while a slowdown, or a starved client answering a burst over seconds, leaves
   * most of them late.
   */
  lateShare: 0.2,
  lateSlack: 2,
  /** In-flight attempts counted per model and operation; past it, a new one is not counted. */
  maxInFlight: 1_000,
} as const;

/** What the decision sees of an attempt `delayMs` late at the latest, and of its peers. */
export interface PeerView {
  startedAt: number;
  delayMs: number;
  /** When the decision is taken (at least `delayMs` after `startedAt`). */
  now: number;
  /** When the other attempts still in flight started. */
  inFlight: Iterable<number>;
  /** The recent answers: time to content (`value`), taken when it arrived. */
  answered: Iterable<Sample>;
}

/** Whether an attempt started at `start` is a peer of one started at `startedAt`. */
function startedAround(start: number, startedAt: number, delayMs: number): boolean {
  const around = HEDGE_PEERS.aroundShare * delayMs;
  return start >= startedAt - around && start <= startedAt + around;
}

/**
 * The decision, pure: the peers that started around the attempt, that is those that answered (on
 * time within `delayMs` and `aheadShare` of it before `now`, else late) and those still in flight
 * (late: each has waited at least `1 - aroundShare` of the delay, past any healthy answer). Hedge
 * when at most `lateShare` of them plus `lateSlack` were late (a lone call: always).
 */
export function lateAlone({ startedAt, delayMs, now, inFlight, answered }: PeerView): boolean {
  const around = (start: number) => startedAround(start, startedAt, delayMs);
  const aheadBy = now - HEDGE_PEERS.aheadShare * delayMs;
  let late = 0;
  let onTime = 0;
  for (const start of inFlight) if (around(start)) late++;
  for (const { value, takenAt } of answered) {
    if (!around(takenAt - value)) continue;
    if (value <= delayMs && takenAt <= aheadBy) onTime++;
    else late++;
  }
  return late <= HEDGE_PEERS.lateShare * (late + onTime) + HEDGE_PEERS.lateSlack;
}

/**
 * When the verdict of {@link lateAlone} may change with no peer ending: the first moment an answer
 * counted late only for being recent (within the delay, less than `aheadShare` of it before `now`)
 * counts on time. `undefined`: no such answer.
 */
export function recentAnswersAheadAt({ startedAt, delayMs, now, answered }: PeerView) {
  const ahead = HEDGE_PEERS.aheadShare * delayMs;
  let first: number | undefined;
  for (const { value, takenAt } of answered) {
    const around = startedAround(takenAt - value, startedAt, delayMs);
    if (!around || value > delayMs || takenAt + ahead <= now) continue;
    first = Math.min(first ?? Number.POSITIVE_INFINITY, takenAt + ahead);
  }
  return first;
}

/** One attempt counted in flight among its peers, until {@link InFlight.end}. */
export interface InFlight {
  /** When it started. */
  readonly startedAt: number;
  /** Settles when another attempt of its peers ends (a moment to decide again). */
  peerEnded(): Promise<void>;
  /** It answered, failed, was aborted or lost: it counts no more. Idempotent. */
  end(): void;
}

/** The attempts in flight of one model and operation: when each started, nothing once it ends. */
export interface PeerSet {
  /** Counts an attempt started at `startedAt` (not counted when {@link HEDGE_PEERS}.maxInFlight are). */
  start(startedAt: number): InFlight;
  /** When the attempts in flight other than `self` started. */
  others(self: InFlight): number[];
}

/** An empty {@link PeerSet}. */
export function createPeerSet(): PeerSet {
  const running = new Set<InFlight>();
  let ended = deferred();
  return {
    start(startedAt) {
      const attempt: InFlight = {
        startedAt,
        peerEnded: () => ended.promise,
        end() {
          if (!running.delete(attempt)) return;
          const waking = ended;
          ended = deferred();
          waking.resolve();
        },
      };
      if (running.size < HEDGE_PEERS.maxInFlight) running.add(attempt);
      return attempt;
    },
    others: self => [...running].flatMap(a => (a === self ? [] : [a.startedAt])),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}
