import type { AttemptInfo } from '../attempt-guard';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { callHook } from '../util/call-hook';
import { sleep } from '../util/sleep';
import { affordableWaitMs, DEADLINE_LIMIT } from './affordable-wait';
import type { GuardedStore } from './guarded-store';
import {
  BURST_MS,
  type PaceKnowledge,
  paceOf,
  paceRates,
  paceTooLongError,
  rateKnown,
} from './pace-rates';
import { describePace, type PaceState } from './pace-state';
import { MINUTE_MS, type RateLimit, type RateLimitReport } from './rate-limits';
import type { RateAdjustment, ResilienceStore } from './resilience-store';
import { createSlowStart } from './slow-start';

export type { PaceState } from './pace-state';

/** Argument of `onPace`: an attempt waited for the pacer before it was sent. */
export interface PaceEvent {
  modelId: string;
  provider: string;
  /** How long it waits, in ms. */
  waitMs: number;
  /** `learned_limit` (from x-ratelimit headers), `adaptive` (from 429s alone) or `stated_limit`. */
  reason: PaceReason;
}

/** Where the pacing rate came from. */
export type PaceReason = 'learned_limit' | 'adaptive' | 'stated_limit';

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

/** What an answer teaches the pacer. */
export interface PaceAnswer {
  /** A 429. */
  limited: boolean;
  report?: RateLimitReport;
  /** Tokens the attempt took at admission, and what it used (absent: unknown, nothing sent). */
  tokens?: { estimated: number; used?: number };
  /** The server's Retry-After of a 429, in ms. */
  retryAfterMs?: number;
}

/** Admission before sending, at the learned, adaptive or stated rate, in a bucket per key. */
export interface Pacer {
  /**
   * Takes one request and `tokens` from the key's bucket and waits until they are paid for
   * (abortable; within the deadline and `maxWaitMs`, else a `RateLimitError` without a request).
   * Resolves `undefined` when it did not wait, else the spacing of the slot it waited for (ms, by
   * requests or by its tokens, whichever is longer): a 429 may have arrived meanwhile, whose
   * Retry-After the caller must then wait out (see `createFleetGuard`).
   */
  admit(info: AttemptInfo, key: string, tokens: number): Promise<number | undefined>;
  /** Learns from an answer: its rate-limit headers, a 429, the tokens it really used. */
  learn(key: string, answer: PaceAnswer): Promise<void>;
  /** An admitted attempt ended without an answer: its slow-start slot is free, nothing is learned. */
  abandon(key: string): void;
  state(): Promise<PaceState[]>;
}

/** Time between two slots at the bucket's rates: one request, or `tokens` at the token rate. */
function slotSpacingMs(rates: { rpm?: number; tpm?: number }, tokens: number): number {
  return Math.max(
    rates.rpm ? MINUTE_MS / rates.rpm : 0,
    rates.tpm && tokens > 0 ? (tokens * MINUTE_MS) / rates.tpm : 0,
  );
}

/** While no rate is known, an attempt waits at most this long for a slot of the slow start. */
const SLOW_START_HOLD_MS = 2_000;
/** The bucket (and the rates it records) outlives its last use by this much. */
const TTL_MS = 10 * 60_000;

/**
 * The pacer of {@link createFleetGuard}. Each admission is one atomic take from the key's bucket in
 * the store (a reservation: first come, first served across every instance sharing the store), at
 * 98 % of the rates (`PACE_MARGIN`), spaced evenly without a burst. Until a rate is known, a slow
 * start sends one attempt first and one more in flight per success (each waits at most 2 s for its
 * turn). While the shared store is down, this instance paces alone at its share of the rates: the
 * fraction of the fleet's recent requests it sent itself, as last seen.
 */
export function createPacer(settings: PacerSettings): Pacer {
  const store = settings.store as GuardedStore;
  const keys = createBoundedMap<string, PaceKnowledge>(MAX_TRACKED_KEYS, TTL_MS);

  function knowledge(key: string): PaceKnowledge {
    let k = keys.get(key);
    if (k === undefined) {
      k = {
        known: { ...settings.ceiling },
        mine: 0,
        mineAt: Date.now(),
        seenAt: 0,
        waiting: 0,
        waitingTokens: 0,
        share: 1,
        slowStart: createSlowStart(),
        holdUntil: 0,
      };
      if (settings.ceiling?.rpm !== undefined || settings.ceiling?.tpm !== undefined)
        k.reason = 'stated_limit';
    }
    keys.set(key, k); // used now: it lives another TTL_MS
    return k;
  }

  function configs(k: PaceKnowledge, maxWaitMs = 0) {
    const shared = { limits: paceOf(k.known), burstMs: BURST_MS, ttlMs: TTL_MS, maxWaitMs };
    const alone = { ...shared, limits: paceRates.alone(k) };
    return { shared, alone };
  }

  async function adjust(key: string, k: PaceKnowledge, change: RateAdjustment): Promise<void> {
    const { shared, alone } = configs(k);
    const state = await store.adjustRateBucket(key, change, shared, alone);
    // A local answer (store down) is this instance's alone: the fleet's counts stay as last seen.
    if (!('alone' in state)) paceRates.see(k, state);
  }

  /**
   * The store just went down for this key: the local bucket starts owing what this instance's
   * waiting attempts reserved in the shared one (they will still be sent), and the share is fixed.
   * Returns the extra wait of the admission that found out.
   */
  async function goAlone(key: string, k: PaceKnowledge): Promise<number> {
    k.aloneShare = k.share;
    const { alone } = configs(k);
    const owed = { requests: -k.waiting, tokens: -k.waitingTokens };
    if (k.waiting > 0) await store.adjustRateBucket(key, owed, alone, alone);
    const rpm = alone.limits.rpm;
    const tpm = alone.limits.tpm;
    return Math.max(
      rpm ? (k.waiting * MINUTE_MS) / rpm : 0,
      tpm ? (k.waitingTokens * MINUTE_MS) / tpm : 0,
    );
  }

  return {
    async admit(info, key, tokens) {
      const k = knowledge(key);
      const now = Date.now();
      const maxWaitMs = Math.max(0, Math.min(settings.maxWaitMs, affordableWaitMs(info, now)));
      info.signal?.throwIfAborted();
      if (!rateKnown(k))
        await k.slowStart.enter(info.signal, Math.min(SLOW_START_HOLD_MS, maxWaitMs));
      const { shared, alone } = configs(k, maxWaitMs);
      const cost = { requests: 1, tokens };
      const result = await store.takeFromRateBucket(key, cost, shared, alone);
      if (!('alone' in result)) {
        k.aloneShare = undefined;
        paceRates.see(k, result);
        if (rateKnown(k)) k.slowStart.end(); // the fleet knows the rate already
      } else if (k.aloneShare === undefined && result.granted) {
        result.waitMs += await goAlone(key, k);
      }
      const reason = k.reason ?? 'learned_limit';
      if (!result.granted) {
        const limit =
          result.waitMs > settings.maxWaitMs
            ? `pacing.maxWaitMs (${settings.maxWaitMs}ms)`
            : DEADLINE_LIMIT;
        throw settings.own(paceTooLongError(info, result, reason, limit));
      }
      paceRates.countMine(k, now);
      // Below the timer resolution (a huge rate met within one millisecond): a wait would cost 1 ms.
      if (result.waitMs < 1) return undefined;
      void callHook(
        settings.onPace,
        {
          modelId: info.modelId,
          provider: info.provider,
          waitMs: Math.ceil(result.waitMs),
          reason,
        },
        info,
      );
      k.waiting++;
      k.waitingTokens += tokens;
      try {
        await sleep(Math.ceil(result.waitMs), info.signal);
      } catch (error) {
        // Never sent: the next in line may have this slot.
        void adjust(key, k, cost).catch(() => {});
        throw error;
      } finally {
        k.waiting--;
        k.waitingTokens -= tokens;
      }
      return slotSpacingMs(result, tokens);
    },

    async learn(key, answer) {
      const k = knowledge(key);
      const change = paceRates.learn(k, answer, settings.ceiling);
      k.slowStart.answered(!answer.limited);
      if (rateKnown(k)) k.slowStart.end();
      if (change !== undefined) await adjust(key, k, change);
    },

    abandon(key) {
      keys.get(key)?.slowStart.leave();
    },

    async state() {
      return Promise.all(
        keys.entries().map(async ([key, k]) => {
          await adjust(key, k, {});
          return describePace(key, k, k.seen);
        }),
      );
    },
  };
}
