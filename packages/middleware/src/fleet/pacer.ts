import type { AttemptInfo } from '../attempt-guard';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { callHook } from '../util/call-hook';
import { affordableWaitMs, DEADLINE_LIMIT } from './affordable-wait';
import { type AnswerMeter, countAnswer, createAnswerMeter, recentAnswers } from './answer-meter';
import { addChanges, correctBucket } from './correct-bucket';
import { wakeBeforeSlotMs } from './fair-lanes';
import type { GuardedStore } from './guarded-store';
import { shortHash } from './key-fingerprint';
import { createLaneTurns, firstAfterHold, type LaneTurns } from './lane-turns';
import {
  BURST_MS,
  initialRate,
  type LearnedRate,
  learnRate,
  type PaceAnswer,
  type PaceReason,
  type RateSeen,
  rateKnown,
} from './learn-rate';
import { tokensOfAnswer } from './learn-token-rate';
import {
  aloneRates,
  backInFleet,
  countMine,
  createPaceShare,
  fixAloneShare,
  type PaceShare,
  paceOf,
  paceTooLongError,
} from './pace-rates';
import { describePace, type PaceState } from './pace-state';
import { MINUTE_MS, type RateLimit } from './rate-limits';
import type {
  PaceLane,
  RateAdjustment,
  RateBucketState,
  RateCost,
  RateTakeResult,
  ResilienceStore,
} from './resilience-store';
import { rateCut } from './respace-waits';
import { createSlowStart, type SlowStart } from './slow-start';

export type { PaceAnswer, PaceReason } from './learn-rate';
export type { PaceState } from './pace-state';

/** Argument of `onPace`: an attempt waited for the pacer before it was sent. */
export interface PaceEvent {
  modelId: string;
  provider: string;
  /** How long it waits, in ms. */
  waitMs: number;
  /** `learned_limit` (from x-ratelimit headers), `adaptive` (from 429s alone) or `stated_limit`. */
  reason: PaceReason;
  /** The call's lane, when it has one. */
  lane?: PaceLane;
  /** The hash of the call's tenant (16 hex digits, never the raw id), when it has one. */
  tenant?: string;
}

/** What {@link createPacer} needs. */
export interface PacerSettings {
  /** Where the buckets live: the guard's store (shared, with a local fallback) or a memory store. */
  store: ResilienceStore | GuardedStore;
  /** Requests and tokens per minute never exceeded (a stated plan, `rpm`, `tpm`). */
  ceiling?: RateLimit;
  /** Longest an attempt waits for admission before it fails fast (not sent), in ms. */
  maxWaitMs: number;
  /** Called with the event and the attempt it happened to (see `fleetEventHooks`). */
  onPace?: (event: PaceEvent, info: AttemptInfo) => void;
  /** Marks an error the guard made itself (it counts as nothing). */
  own: <E extends Error>(error: E) => E;
}

/** Admission before sending, at the learned, adaptive or stated rate, in a bucket per key. */
export interface Pacer {
  /**
   * Takes one request and `tokens` from the key's bucket and waits until they are paid for
   * (abortable; within the deadline and `maxWaitMs`, else a `RateLimitError` without a request).
   * Resolves `undefined` when it did not wait, else the spacing of the slot it waited for (ms, by
   * requests or by its tokens, whichever is longer; also after a hold in the slow start that ended
   * with a rate known): a 429 may have arrived meanwhile, whose Retry-After the caller must then
   * wait out (see `createFleetGuard`). `heldUntil`: the end of a
   * hold on the key (epoch ms; an answer reported the window full until its reset): an interactive
   * call whose slot is the first after it is sent then, when the window frees a request.
   */
  admit(
    info: AttemptInfo,
    key: string,
    tokens: number,
    heldUntil?: number,
  ): Promise<number | undefined>;
  /** Learns from an answer: its rate-limit headers, a 429, the tokens it really used. */
  learn(key: string, answer: PaceAnswer): Promise<void>;
  /**
   * An admitted attempt of `tokens` ended without an answer: its slow-start slot is free, nothing
   * is learned.
   */
  abandon(key: string, tokens?: number): void;
  /** The spacing of one request's slots at the key's known rate, in ms (`undefined`: none known). */
  spacingMs(key: string): number | undefined;
  state(): Promise<PaceState[]>;
}

/** Time between two slots at the bucket's rates: one request, or `tokens` at the token rate. */
function slotSpacingMs(rates: { rpm?: number; tpm?: number }, tokens: number): number {
  return Math.max(
    rates.rpm ? MINUTE_MS / rates.rpm : 0,
    rates.tpm && tokens > 0 ? (tokens * MINUTE_MS) / rates.tpm : 0,
  );
}

/**
 * Longest a background call waits for its turn, however small `pacing.maxWaitMs` is: background
 * work is patient by definition (a batch job whose queue is longer than a minute must not fail
 * for it), and still bounded; its deadline and its abort end it sooner.
 */
export const BACKGROUND_MAX_WAIT_MS = 60 * MINUTE_MS;

/** How long a take of `lane` may wait: `pacing.maxWaitMs`, or for background work at least an hour. */
function waitBound(lane: PaceLane | undefined, maxWaitMs: number): number {
  return lane === 'background' ? Math.max(maxWaitMs, BACKGROUND_MAX_WAIT_MS) : maxWaitMs;
}
/** Longest a claimed slot is moved at once (an interactive take moves it by about a slot). */
const MAX_MOVE_MS = 60 * MINUTE_MS;

/** 8 random characters of `[0-9a-z]` (Web Crypto: Node, Edge and browsers). */
function randomPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${Array.from(bytes, b => (b % 36).toString(36)).join('')}-`;
}

/** The bucket (and the rates it records) outlives its last use by this much. */
const TTL_MS = 10 * MINUTE_MS;

/** What this instance keeps about one key. */
interface PaceKey {
  /** What it learned from the answers: replaced by each one ({@link learnRate}), never changed. */
  rate: LearnedRate;
  /** The bucket as the store last answered (the fleet's rates and counts), and when (epoch ms). */
  fleet: { state?: RateBucketState; at: number };
  /** Its part of the fleet's requests, for pacing alone while the store is down. */
  share: PaceShare;
  /** Attempts of this instance waiting, and the tokens they took. */
  waiting: { requests: number; tokens: number };
  /** Attempts of this instance parked (waiting for their turn, nothing taken yet). */
  parked: number;
  /** Admission while no rate is known (ended once one is). */
  slowStart: SlowStart;
  /** Its successes and their tokens, for the rates and the mix the learner measures. */
  meter: AnswerMeter;
  /** The sleeps of its admissions here: parked turns and reserved slots (moved, handed over, stretched). */
  turns: LaneTurns;
}

/**
 * The pacer of {@link createFleetGuard}. Each admission is one atomic take from the key's bucket in
 * the store (a reservation: first come, first served across every instance sharing the store), at
 * 98 % of the rates (`PACE_MARGIN`), spaced evenly without a burst. Until a rate is known, a slow
 * start sends one attempt first and one more in flight per success, and doubles its window when no
 * answer came for 2 s (an attempt waits for its turn within what it can afford). While the shared
 * store is down, this instance paces alone at its share of the rates: the fraction of the fleet's
 * recent requests it sent itself, as last seen.
 *
 * A call with a lane (`AttemptInfo.lane`, `tenant`) may be parked by the store (`fair-lanes.ts`):
 * it sleeps until its estimated turn and takes again, each round within what is left of its wait;
 * its abort gives its place back.
 */
export function createPacer(settings: PacerSettings): Pacer {
  const store = settings.store as GuardedStore;
  const keys = createBoundedMap<string, PaceKey>(MAX_TRACKED_KEYS, TTL_MS);

  function paceKey(key: string): PaceKey {
    const k = keys.get(key) ?? {
      rate: initialRate(settings.ceiling),
      fleet: { at: 0 },
      share: createPaceShare(Date.now()),
      waiting: { requests: 0, tokens: 0 },
      parked: 0,
      slowStart: createSlowStart(),
      meter: createAnswerMeter(Date.now()),
      turns: createLaneTurns(),
    };
    keys.set(key, k); // used now: it lives another TTL_MS
    return k;
  }

  const known = (k: PaceKey) => rateKnown(k.rate, k.fleet.state);
  /** The spacing of one request's slots at the key's known rate, in ms (`undefined`: none known). */
  const spacingOf = (k: PaceKey) =>
    known(k) ? slotSpacingMs(k.fleet.state ?? paceOf(k.rate), 0) || undefined : undefined;
  /** Each tenant's hash, computed once (in memory only, like the keys). */
  const tenants = createBoundedMap<string, Promise<string>>(MAX_TRACKED_KEYS, TTL_MS);

  /** The lane and the tenant's hash of a take (none without a lane). */
  async function laneOf(
    lane: PaceLane,
    tenant: string | undefined,
  ): Promise<Pick<RateCost, 'lane' | 'tenant'>> {
    if (tenant === undefined) return { lane, tenant: '' };
    const hash = tenants.get(tenant) ?? shortHash(tenant);
    tenants.set(tenant, hash);
    return { lane, tenant: await hash };
  }

  /** Remembers the store's answer (the fleet's rates and counts). */
  function see(k: PaceKey, state: RateBucketState): void {
    k.fleet = { state, at: Date.now() };
  }

  function configs(k: PaceKey, maxWaitMs = 0) {
    const shared = { limits: paceOf(k.rate), burstMs: BURST_MS, ttlMs: TTL_MS, maxWaitMs };
    const alone = { ...shared, limits: aloneRates(k.share, k.rate, k.fleet, Date.now()) };
    return { shared, alone };
  }

  async function adjust(key: string, k: PaceKey, change: RateAdjustment): Promise<RateBucketState> {
    const { shared, alone } = configs(k);
    const state = await store.adjustRateBucket(key, change, shared, alone);
    // A local answer (store down) is this instance's alone: the fleet's counts stay as last seen.
    if (!('alone' in state)) see(k, state);
    return state;
  }

  /** This instance's reservation ids: a random prefix, then a count (unique across instances). */
  const ids = { prefix: randomPrefix(), next: 0 };

  /**
   * Sleeps until a background slot reserved in the store comes (`until`, epoch ms), then claims it
   * there: an interactive take of any instance may have moved it later meanwhile (the store's
   * answer), then it sleeps until then and claims again. Moved beyond what it can afford, it fails
   * fast, not sent (the caller gives the slot back).
   */
  async function reservedSlot(
    key: string,
    k: PaceKey,
    id: string,
    until: number,
    affordableMs: () => number,
    fail: (waitMs: number) => Error,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (let at = until; ; ) {
      const movedTo = await k.turns.reserve(at, signal, Date.now() + affordableMs());
      if (movedTo !== undefined) throw fail(movedTo - Date.now());
      const { movedMs = 0 } = await adjust(key, k, { claim: id });
      signal?.throwIfAborted();
      // A number from the store: finite (the stores check it), at least 1 ms when it moved.
      if (!(movedMs >= 1)) return;
      const wait = Math.min(movedMs, MAX_MOVE_MS);
      if (wait > affordableMs()) throw fail(wait);
      at = Date.now() + Math.ceil(wait);
    }
  }

  /**
   * The store just went down for this key: the local bucket starts owing what this instance's
   * waiting attempts reserved in the shared one (they will still be sent), and the share is fixed.
   * Returns the extra wait of the admission that found out.
   */
  async function goAlone(key: string, k: PaceKey): Promise<number> {
    fixAloneShare(k.share);
    const { alone } = configs(k);
    const { requests, tokens } = k.waiting;
    if (requests > 0)
      await store.adjustRateBucket(key, { requests: -requests, tokens: -tokens }, alone, alone);
    const rpm = alone.limits.rpm;
    const tpm = alone.limits.tpm;
    return Math.max(rpm ? (requests * MINUTE_MS) / rpm : 0, tpm ? (tokens * MINUTE_MS) / tpm : 0);
  }

  /**
   * Sleeps until a parked take's turn (at least 1 ms; a hand-over moves it, never past `latest`,
   * what the call can afford). Aborted, its place goes back (the store counts it parked no more)
   * and the abort is thrown.
   */
  async function park(
    key: string,
    k: PaceKey,
    cost: RateCost,
    waitMs: number,
    latest: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    k.parked++;
    try {
      const group = `${cost.lane}:${cost.tenant}`;
      await k.turns.park(group, Date.now() + Math.max(1, Math.ceil(waitMs)), signal, latest);
    } catch (error) {
      const { lane = 'background', tenant = '' } = cost;
      void adjust(key, k, { unpark: { lane, tenant } }).catch(() => {});
      throw error;
    } finally {
      k.parked--;
    }
  }

  /**
   * After a background take (granted, refused, or back from a park and parked again): this
   * instance's parked take of each tenant that wakes first is woken when the next slot comes within
   * reach, so that slot is not left to refill past a full bucket while it sleeps on an estimate.
   */
  function handOver(k: PaceKey, result: RateTakeResult): void {
    if (result.requests === undefined || !result.rpm) return;
    const spacing = MINUTE_MS / result.rpm;
    const untilNext = Math.max(0, (1 - result.requests) * spacing);
    k.turns.handOver(Date.now() + Math.max(0, untilNext - wakeBeforeSlotMs(spacing)));
  }

  return {
    async admit(info, key, tokens, heldUntil) {
      const k = paceKey(key);
      const start = Date.now();
      const maxWaitMs = waitBound(info.lane, settings.maxWaitMs);
      /** What it can still afford: its wait bound less the time it parked, within its deadline. */
      const affordable = (parkedMs = 0) =>
        Math.max(0, Math.min(maxWaitMs - parkedMs, affordableWaitMs(info, Date.now())));
      const waited = () => Date.now() - start;
      /** The latest a wait moved once it began may end (epoch ms): what it can afford from now. */
      const latestAt = () => Date.now() + affordable(waited());
      info.signal?.throwIfAborted();
      // Hashed meanwhile; a call without a lane adds no await (its take follows the slow start at once).
      const lane = info.lane === undefined ? undefined : laneOf(info.lane, info.tenant);
      const discovering = !known(k);
      const enteredAt = Date.now();
      if (discovering) await k.slowStart.enter(info.signal, affordable(), tokens);
      // Held by the slow start: a 429 may have come meanwhile, as during a wait for a slot.
      const held = discovering && Date.now() > enteredAt;
      const cost: RateCost = { requests: 1, tokens, ...(lane === undefined ? {} : await lane) };
      let parkedMs = 0;
      let result: RateTakeResult & { alone?: true };
      if (cost.lane === 'background') cost.id = `${ids.prefix}${(ids.next++).toString(36)}`;
      for (;;) {
        // What it can afford now (the slow start or a park may have held it).
        const { shared, alone } = configs(k, affordable(parkedMs));
        result = await store.takeFromRateBucket(key, cost, shared, alone);
        if (!('alone' in result)) {
          backInFleet(k.share);
          see(k, result);
          if (known(k)) k.slowStart.end(); // the fleet knows the rate already
        } else if (k.share.aloneShare === undefined && result.granted) {
          result.waitMs += await goAlone(key, k);
        }
        if (!result.parked) break;
        const parking = park(key, k, cost, result.waitMs, latestAt(), info.signal);
        // Back from a park and parked again: another instance took the slot it came for (its
        // interactive call, or its own parked take). The first parked take here of each tenant
        // stays awake for the next slot, as after a grant: else no take may be awake for it.
        if (cost.parked && cost.lane === 'background') handOver(k, result);
        await parking;
        cost.parked = true;
        parkedMs = Date.now() - start;
      }
      if (cost.lane === 'background') handOver(k, result);
      const reason = k.rate.reason ?? 'learned_limit';
      if (!result.granted) {
        const limit =
          result.waitMs + parkedMs > maxWaitMs
            ? `pacing.maxWaitMs (${maxWaitMs}ms)`
            : DEADLINE_LIMIT;
        throw settings.own(paceTooLongError(info, result, reason, limit));
      }
      countMine(k.share, Date.now());
      if (cost.lane === 'interactive' && result.waitMs >= 1) {
        // Its slot is already the earliest background slot reserved before it (the store moved that one).
        const at = Date.now() + result.waitMs;
        const sendAt = firstAfterHold(at, heldUntil, slotSpacingMs(result, tokens));
        result.waitMs = Math.max(0, sendAt - Date.now());
      }
      info.paced = {
        waitedMs: Math.ceil(parkedMs + Math.max(0, result.waitMs)),
        ...(cost.lane === undefined ? {} : { lane: cost.lane }),
        ...(cost.tenant ? { tenant: cost.tenant } : {}),
        ...(k.rate.reason === 'adaptive' || (discovering && k.rate.reason === undefined)
          ? { learning: true as const }
          : {}),
      };
      // Below the timer resolution (a huge rate met within one millisecond): a wait would cost 1 ms.
      // After a hold in the slow start that ended with a rate known, the caller checks the cooldown.
      if (result.waitMs < 1 && parkedMs === 0)
        return held && known(k) ? slotSpacingMs(result, tokens) : undefined;
      void callHook(
        settings.onPace,
        {
          modelId: info.modelId,
          provider: info.provider,
          waitMs: Math.ceil(parkedMs + result.waitMs),
          reason,
          ...(cost.lane === undefined ? {} : { lane: cost.lane }),
          ...(cost.tenant ? { tenant: cost.tenant } : {}),
        },
        info,
      );
      if (result.waitMs < 1) return slotSpacingMs(result, tokens);
      k.waiting.requests++;
      k.waiting.tokens += tokens;
      /** Its slot was moved past what it can afford: fails fast, not sent (the slot goes back). */
      const fail = (waitMs: number) => {
        const limit =
          waited() + waitMs > maxWaitMs ? `pacing.maxWaitMs (${maxWaitMs}ms)` : DEADLINE_LIMIT;
        return settings.own(paceTooLongError(info, { ...result, waitMs }, reason, limit));
      };
      const affordableMs = () => affordable(waited());
      try {
        const until = Date.now() + Math.ceil(result.waitMs);
        const latest = latestAt();
        let movedTo: number | undefined;
        if (cost.lane === 'background' && result.reserved && cost.id !== undefined) {
          await reservedSlot(key, k, cost.id, until, affordableMs, fail, info.signal);
          // The time it waited in all (an interactive take may have moved its slot meanwhile).
          info.paced = { ...info.paced, waitedMs: waited() };
        } else if (cost.lane === 'background')
          movedTo = await k.turns.reserve(until, info.signal, latest);
        else if (cost.lane === 'interactive')
          movedTo = await k.turns.front(until, info.signal, latest);
        else movedTo = await k.turns.wait(until, info.signal, latest);
        if (movedTo !== undefined) throw fail(movedTo - Date.now());
      } catch (error) {
        // Never sent: the next in line may have this slot (a parked take here is woken for it).
        const untake =
          cost.lane === undefined
            ? {}
            : {
                untake: {
                  lane: cost.lane,
                  tenant: cost.tenant ?? '',
                  ...(cost.id === undefined ? {} : { id: cost.id }),
                },
              };
        void adjust(key, k, { requests: cost.requests, tokens: cost.tokens, ...untake })
          .then(() => {
            if (cost.lane === 'background') k.turns.handOver(Date.now());
          })
          .catch(() => {});
        throw error;
      } finally {
        k.waiting.requests--;
        k.waiting.tokens -= tokens;
      }
      return slotSpacingMs(result, tokens);
    },

    async learn(key, answer) {
      const k = paceKey(key);
      const now = Date.now();
      const seen: RateSeen = {
        now,
        ...(k.fleet.state === undefined ? {} : { fleet: k.fleet.state }),
        burst: { ...k.slowStart.seen, tokens: k.meter.tokens },
        recent: recentAnswers(k.meter, now),
        waiting: k.waiting.requests + k.parked > 0,
      };
      const before = k.rate;
      k.rate = learnRate(before, answer, seen);
      if (!answer.limited) countAnswer(k.meter, now, tokensOfAnswer(answer));
      const requests = answer.report?.requests;
      if (!answer.limited && requests?.remaining === 0 && requests.resetMs !== undefined) {
        // The window is full until its reset: an interactive call waiting for the next slot goes then.
        const spacing = spacingOf(k);
        if (spacing !== undefined) k.turns.heldUntil(seen.now + requests.resetMs, spacing);
      }
      const cut = rateCut(before, k.rate, k.waiting);
      const change = addChanges(correctBucket(before, k.rate, answer, seen), cut?.change);
      if (cut !== undefined) {
        k.turns.stretch(cut.factor);
      }
      k.slowStart.answered(!answer.limited, answer.tokens?.estimated);
      if (known(k)) k.slowStart.end();
      if (change !== undefined) await adjust(key, k, change);
    },

    abandon(key, tokens) {
      keys.get(key)?.slowStart.leave(tokens);
    },

    spacingMs(key) {
      const k = keys.get(key);
      return k === undefined ? undefined : spacingOf(k);
    },

    async state() {
      return Promise.all(
        keys.entries().map(async ([key, k]) => {
          await adjust(key, k, {});
          const waiting = k.waiting.requests + k.parked;
          return describePace(key, k.rate.reason, waiting, k.fleet.state);
        }),
      );
    },
  };
}
