import type { ModelRef } from '../attempt-guard';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { createRecentSamples, nearestRank, type RecentSamples } from '../util/recent-samples';
import {
  createPeerSet,
  HEDGE_PEERS,
  type InFlight,
  lateAlone,
  type PeerSet,
  peerOnTimeAt,
} from './hedge-peers';
import type { AttemptOperation } from './operation';

/**
 * How `hedge: { afterMs: 'auto' }` sets its delay, per model, from the times to first content of
 * its recent first attempts: the {@link AUTO_HEDGE}.percentile of the last `window` samples (younger
 * than `maxAgeMs`), never below `floorMs` nor `medianFactor` × their median; no hedge at all until
 * `minSamples` samples (the warm-up: no extra request before the model's latency is known).
 */
export const AUTO_HEDGE = {
  percentile: 0.98,
  window: 100,
  minSamples: 20,
  /** Below this a hedge gains little and doubles the load on noise. */
  floorMs: 50,
  /**
   * Against a tight distribution, where a slowdown shared by all calls would hedge them all (the
   * margin a late attempt also needs over its peers' times, `hedge-peers.ts`).
   */
  medianFactor: HEDGE_PEERS.slowerBy,
  /** A sample (and a model not heard of) this old is forgotten: the latency may have moved. */
  maxAgeMs: 600_000,
} as const;

/**
 * What a learned delay is kept per: the model and the operation (a generate call's time to its
 * answer is no measure of a stream's time to first content, and the reverse).
 */
export interface HedgeKey extends ModelRef {
  operation: AttemptOperation<unknown, ModelRef>['name'];
}

/** When a slow attempt gets its hedge: a fixed `afterMs`, or one learned per model and operation. */
export interface HedgeDelay {
  /** Ms without content after which `key`'s attempt is hedged; `undefined`: not yet (warm-up). */
  afterMs(key: HedgeKey, now: number): number | undefined;
  /** `key`'s first attempt of a round got content `ms` after it was sent (ignored when fixed). */
  learn(key: HedgeKey, ms: number, now: number): void;
  /** Counts `key`'s first attempt of a round, sent at `startedAt`, in flight until its `end()`. */
  track(key: HedgeKey, startedAt: number): TrackedAttempt;
}

/** A first attempt in flight, as its hedge decision sees it. */
export interface TrackedAttempt extends InFlight {
  /**
   * Whether its hedge may go at `now`, `delayMs` after it started: it is late alone among its peers
   * (`hedge-peers.ts`; with a fixed delay, always).
   */
  lateAlone(delayMs: number, now: number): boolean;
  /** When {@link lateAlone} may change with no peer ending (a peer's answer counts on time), if ever. */
  recheckAt(delayMs: number, now: number): number | undefined;
}

const never = new Promise<void>(() => {});

/** The delay `hedge.afterMs` sets by hand: every slow attempt is hedged, whatever its peers. */
export function fixedHedgeDelay(ms: number): HedgeDelay {
  return {
    afterMs: () => ms,
    learn: () => {},
    track: (_key, startedAt) => ({
      startedAt,
      lateAlone: () => true,
      recheckAt: () => undefined,
      peerEnded: () => never,
      end() {},
    }),
  };
}

/**
 * The learned delay from ascending samples (the decision, pure): `undefined` below
 * `minSamples`, else the percentile, raised to the floor and to `medianFactor` × the median.
 */
export function learnedAfterMs(sorted: readonly number[]): number | undefined {
  if (sorted.length < AUTO_HEDGE.minSamples) return undefined;
  const high = nearestRank(sorted, AUTO_HEDGE.percentile)!;
  const median = nearestRank(sorted, 0.5)!;
  return Math.max(AUTO_HEDGE.floorMs, AUTO_HEDGE.medianFactor * median, high);
}

/** What `afterMs: 'auto'` keeps per model and operation. */
interface Learned {
  samples: RecentSamples;
  inFlight: PeerSet;
}

/**
 * `afterMs: 'auto'`: one window of samples and the attempts in flight per model and operation, in
 * a bounded table that forgets idle ones. A late attempt is hedged only when late alone among its
 * peers; a slowdown they share waits for their answers, which move the delay.
 */
export function learnedHedgeDelay(): HedgeDelay {
  const models = createBoundedMap<string, Learned>(MAX_TRACKED_KEYS, AUTO_HEDGE.maxAgeMs);
  const keyOf = (key: HedgeKey) => `${key.operation}\u0000${key.provider}\u0000${key.modelId}`;
  const fresh = (): Learned => ({
    samples: createRecentSamples(AUTO_HEDGE.window, AUTO_HEDGE.maxAgeMs),
    inFlight: createPeerSet(),
  });
  return {
    afterMs(ref, now) {
      const learned = models.get(keyOf(ref));
      return learned && learnedAfterMs(learned.samples.sorted(now));
    },
    learn(ref, ms, now) {
      const key = keyOf(ref);
      const learned = models.get(key) ?? fresh();
      if (learned.samples.add(ms, now)) models.set(key, learned);
    },
    track(ref, startedAt) {
      const key = keyOf(ref);
      const learned = models.get(key) ?? fresh();
      models.set(key, learned);
      const attempt = learned.inFlight.start(startedAt);
      const view = (delayMs: number, now: number) => ({
        startedAt,
        delayMs,
        now,
        inFlight: learned.inFlight.others(attempt),
        answered: learned.samples.live(now),
      });
      return {
        ...attempt,
        lateAlone: (delayMs, now) => lateAlone(view(delayMs, now)),
        recheckAt: (delayMs, now) => peerOnTimeAt(view(delayMs, now)),
      };
    },
  };
}
