import type { AttemptInfo } from '../attempt-guard';
import { serverWait } from '../errors/server-wait';
import { RateLimitError } from '../errors/status-errors';
import { createBoundedMap, MAX_TRACKED_KEYS } from '../util/bounded-map';
import { callHook } from '../util/call-hook';
import { sleep } from '../util/sleep';
import { affordableWaitMs, DEADLINE_LIMIT } from './affordable-wait';
import type { ResilienceStore } from './resilience-store';

/** Argument of `onCooldown`. */
export interface CooldownEvent {
  modelId: string;
  provider: string;
  /** `response`: this instance got the 429 and shared it. `shared`: it waits for one. */
  origin: 'response' | 'shared';
  /** How long the cooldown (or this wait) lasts, in ms. */
  waitMs: number;
  /**
   * For `origin: 'response'`, what started it: `rate_limit_error` (a 429) or `success_headers` (a
   * successful response whose `x-ratelimit-remaining-*` was 0, so the next request would be refused).
   */
  reason?: 'rate_limit_error' | 'success_headers';
}

/** What {@link createSharedCooldown} needs. */
export interface SharedCooldownSettings {
  store: ResilienceStore;
  maxCooldownMs: number;
  maxCooldownWaitMs: number;
  cooldownSpreadMs: number;
  /** Called with the event and the attempt it happened to (see `fleetEventHooks`). */
  onCooldown?: (event: CooldownEvent, info: AttemptInfo) => void;
  /** Marks an error the guard made itself (it counts as nothing). */
  own: <E extends Error>(error: E) => E;
}

/** A model's cooldown, shared through the store: published after a 429, waited out before sending. */
export interface SharedCooldown {
  /** Shares a cooldown of `cooldownMs` (capped at `maxCooldownMs`) seen in this instance's response. */
  publish(
    info: AttemptInfo,
    key: string,
    cooldownMs: number,
    reason: NonNullable<CooldownEvent['reason']>,
  ): Promise<void>;
  /**
   * Waits until no cooldown holds at `key` (plus a random spread at its end), or throws a
   * `RateLimitError` (not sent) when that is beyond `maxCooldownWaitMs` or the call's deadline
   * (less the time its answer needs, see {@link affordableWaitMs}). A cooldown found with at most
   * `passMs` left is not waited: it resolves at once with the ms left (else 0), and the caller must
   * wait it out before sending (a pacer's slot taken meanwhile, see {@link waitOutShort}); such a
   * paced caller is not spread after a cooldown either (its slot spaces it).
   */
  wait(info: AttemptInfo, key: string, passMs?: number): Promise<number>;
  /**
   * After a pace wait: waits out a cooldown at `key` that ends within `withinMs` (and within the
   * deadline's headroom) and resolves `false`; resolves `true` at once when one lasts longer (or was
   * extended meanwhile by a new 429), for the caller to take the full {@link wait}.
   */
  waitOutShort(info: AttemptInfo, key: string, withinMs: number): Promise<boolean>;
}

/** Bound on the wait loop (each round waits for a cooldown that another 429 extended). */
const MAX_WAIT_ROUNDS = 10_000;

/** The shared cooldown of {@link createFleetGuard}. */
export function createSharedCooldown(settings: SharedCooldownSettings): SharedCooldown {
  const { store, maxCooldownMs, maxCooldownWaitMs, cooldownSpreadMs: spreadMs, own } = settings;
  /** When each cooldown this instance saw ends (its own clock), for the wake-up spread. */
  const ends = createBoundedMap<string, number>(MAX_TRACKED_KEYS, 0);

  function note(key: string, leftMs: number): void {
    const now = Date.now();
    const end = Math.max(ends.get(key) ?? 0, now + leftMs);
    // Kept until its wake-up spread is over: after that it changes nothing.
    ends.set(key, end, end + spreadMs - now);
  }

  function tell(info: AttemptInfo, event: Omit<CooldownEvent, 'modelId' | 'provider'>): void {
    void callHook(
      settings.onCooldown,
      { modelId: info.modelId, provider: info.provider, ...event },
      info,
    );
  }

  return {
    publish(info, key, cooldownMs, reason) {
      const waitMs = serverWait(cooldownMs, maxCooldownMs)?.ms ?? 0;
      const stored = store.extendCooldown(key, waitMs).then(left => note(key, left));
      tell(info, { origin: 'response', waitMs, reason });
      return stored;
    },

    async waitOutShort(info, key, withinMs) {
      const left = await store.getCooldown(key);
      if (left <= 0) return false;
      if (left >= withinMs || left > affordableWaitMs(info, Date.now())) return true;
      await sleep(Math.ceil(left), info.signal);
      return (await store.getCooldown(key)) > 0;
    },

    async wait(info, key, passMs = 0) {
      const startedAt = Date.now();
      let spread = spreadMs === 0;
      // Cooldowns can be extended while we wait (another 429): wait again, up to maxCooldownWaitMs in all.
      for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
        const left = await store.getCooldown(key);
        const now = Date.now();
        if (round === 0 && left > 0 && left <= passMs) return left;
        if (left <= 0) {
          // Right after a cooldown, every caller that waited it out (here, or in the retry loop's own
          // Retry-After sleep) would send at the same instant: spread them once over the rest of
          // spreadMs. A paced caller (`passMs`) is not: its slot spaces it.
          const tail = (ends.get(key) ?? 0) + spreadMs - now;
          if (spread || tail <= 0 || passMs > 0) return 0;
          spread = true;
          await sleep(Math.ceil(Math.random() * Math.min(tail, spreadMs)), info.signal);
          continue;
        }
        note(key, left);
        const tooLong =
          now - startedAt + left > maxCooldownWaitMs
            ? `maxCooldownWaitMs (${maxCooldownWaitMs}ms)`
            : left > affordableWaitMs(info, now)
              ? DEADLINE_LIMIT
              : undefined;
        if (tooLong !== undefined) throw own(cooldownTooLongError(info, left, tooLong));
        const waitMs = Math.ceil(left + (spread ? 0 : Math.random() * spreadMs));
        spread = true;
        tell(info, { origin: 'shared', waitMs });
        await sleep(waitMs, info.signal);
      }
      const left = await store.getCooldown(key);
      if (left > 0) throw own(cooldownTooLongError(info, left, `${MAX_WAIT_ROUNDS} waits`));
      return 0;
    },
  };
}

function cooldownTooLongError(info: AttemptInfo, leftMs: number, limit: string): RateLimitError {
  return new RateLimitError({
    message: `Model ${info.modelId} (${info.provider}) is cooling down for another ${Math.ceil(leftMs / 1000)}s after a 429 seen by an instance sharing this store; that is beyond ${limit}. The call was not sent.`,
    hint: 'Reduce request frequency or upgrade the plan; fallbackModels keep serving meanwhile.',
    retryAfterMs: Math.ceil(leftMs),
    isRetryable: false,
    modelId: info.modelId,
    provider: info.provider,
  });
}
