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
   * A peer that answered counts on time once the late attempt has waited this many times as long
   * as the peer took (the margin the learned delay keeps over the model's median, too): the
   * attempt is then slow against what its own peers took, not only against the past.
   */
  slowerBy: 1.5,
  /**
   * The late attempt is hedged when at most `lateShare` of its peers plus `lateSlack` are late
   * too (4 of 10, 14 of 60): independent stalls are a few (at p = 0.1, 5 of 9 peers about once in
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

/** The answers of the peers of the attempt `view` sees: their times to content. */
function peerAnswers({ startedAt, delayMs, answered }: PeerView): number[] {
  const times: number[] = [];
  for (const { value, takenAt } of answered) {
    if (startedAround(takenAt - value, startedAt, delayMs)) times.push(value);
  }
  return times;
}

/**
 * The decision, pure: the attempt is compared with what its peers took, not with the learned
 * delay. A peer that answered is on time once the attempt has waited `slowerBy` × its time to
 * content; one that answered later than that, or is still in flight, is late with it. Hedge when at
 * most `lateShare` of the peers plus `lateSlack` are late (a lone call: always): the attempt has
 * then waited `slowerBy` × the time of all its peers but the few that may be stalls too. Why it is
 * right: the delay is the past, the peers are the present. When a shift hits a whole wave, its
 * answers raise the delay only as they come, so against the delay its slowest answers stay late
 * (with two stalls beside them a stall was never hedged) and its tail is late once its head counts
 * on time (the tail was hedged). Against its peers, an attempt of a shifted wave is late only when
 * it is `slowerBy` slower than the wave itself, as a stall is and a healthy answer is not; and a
 * stall beside healthy peers is hedged at `slowerBy` × their time, as the delay would (at least
 * `slowerBy` × the model's median), so it stays prompt.
 */
export function lateAlone(view: PeerView): boolean {
  const waited = view.now - view.startedAt;
  let late = 0;
  let onTime = 0;
  for (const start of view.inFlight) if (startedAround(start, view.startedAt, view.delayMs)) late++;
  for (const ms of peerAnswers(view)) {
    if (HEDGE_PEERS.slowerBy * ms <= waited) onTime++;
    else late++;
  }
  return late <= HEDGE_PEERS.lateShare * (late + onTime) + HEDGE_PEERS.lateSlack;
}

/**
 * When the verdict of {@link lateAlone} may change with no peer ending: the first moment an
 * answered peer now counted late (the attempt has not yet waited `slowerBy` × its time) counts on
 * time. `undefined`: no such peer.
 */
export function peerOnTimeAt(view: PeerView): number | undefined {
  const waited = view.now - view.startedAt;
  let first: number | undefined;
  for (const ms of peerAnswers(view)) {
    const onTimeAfter = HEDGE_PEERS.slowerBy * ms;
    if (onTimeAfter > waited) first = Math.min(first ?? Infinity, view.startedAt + onTimeAfter);
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
