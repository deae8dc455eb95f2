import {
  ageFairTable,
  ageReservedSlots,
  claimSlot,
  dropSlot,
  type FairTable,
  preemptSlot,
  type ReservedSlots,
  reserveSlot,
  takeInLane,
  unpark,
  untake,
} from './fair-lanes';
import { MINUTE_MS } from './rate-limits';
import type {
  RateAdjustment,
  RateBucketConfig,
  RateBucketState,
  RateCost,
  RateTakeResult,
} from './resilience-store';

/**
 * The reference semantics of the store's rate buckets (`takeFromRateBucket`, `adjustRateBucket`):
 * the memory store runs these functions, and the Redis store's Lua script does the same arithmetic.
 *
 * A bucket has two dimensions, requests and tokens, each refilling continuously at its rate per
 * minute up to a capacity of `burstMs` of that rate (at least 1). A dimension without a rate is not
 * limited. A take is a reservation: when the bucket cannot pay now, the cost is still taken (the
 * count goes negative) as long as the wait until it is paid for is at most `maxWaitMs`, and the
 * caller sends after `waitMs`; so admissions are served in the order they reach the store, in one
 * round trip each. A debt (a negative count) is time owed: when the rate changes, it is rescaled to
 * last as long at the new rate.
 *
 * A pacing signal the bucket takes is one field of `RateCost`, `RateAdjustment` or
 * `RateBucketConfig`, its arithmetic in one function here, the same lines in its Lua twin (the block
 * of `RATE_BUCKET` in the Redis store's `lua-scripts.ts` named after the function), and its
 * generator in `test/fleet/store-twin.test.ts`, which drives both twins alike: the compiler asks
 * for that generator (each `satisfies` a record over its type's keys).
 */
export interface StoredRateBucket {
  /** Requests available (absent: not limited). */
  r?: number;
  /** Tokens available (absent: not limited). */
  t?: number;
  /** When it was last updated, epoch ms of the store's clock. */
  at: number;
  rpm?: number;
  tpm?: number;
  /** Requests taken, decayed with a time constant of one minute. */
  n: number;
  /** Lanes and tenants (`fair-lanes.ts`), once a take with a lane came. */
  q?: FairTable;
  /** Background slots granted ahead and not yet sent, by id (`fair-lanes.ts`). */
  v?: ReservedSlots;
}

/** The bucket at `now`: rates from `config.limits` over the recorded ones, refilled, count decayed. */
export function refillRateBucket(
  stored: StoredRateBucket | undefined,
  config: RateBucketConfig,
  now: number,
): StoredRateBucket {
  const rpm = config.limits?.rpm ?? stored?.rpm;
  const tpm = config.limits?.tpm ?? stored?.tpm;
  const dt = Math.max(0, now - (stored?.at ?? now));
  const refill = (available: number | undefined, rate: number | undefined, was?: number) => {
    if (rate === undefined) return undefined;
    const cap = capacityOf(rate, config.burstMs);
    if (available === undefined) return cap;
    // A debt is the time until the window is clear: a new rate neither stretches nor shortens it
    // (owed at a rate 1000 times lower, it would hold the bucket 1000 times longer).
    const owed =
      available < 0 && was !== undefined && was !== rate ? (available * rate) / was : available;
    return Math.min(cap, owed + (dt * rate) / MINUTE_MS);
  };
  const bucket: StoredRateBucket = {
    ...optional('r', refill(stored?.r, rpm, stored?.rpm)),
    ...optional('t', refill(stored?.t, tpm, stored?.tpm)),
    at: now,
    ...optional('rpm', rpm),
    ...optional('tpm', tpm),
    n: (stored?.n ?? 0) * Math.exp(-dt / MINUTE_MS),
  };
  if (stored?.q !== undefined) {
    bucket.q = structuredClone(stored.q);
    ageFairTable(bucket.q, dt, now);
  }
  if (stored?.v !== undefined) {
    bucket.v = { ...stored.v };
    ageReservedSlots(bucket.v, now);
  }
  return bucket;
}

/** A full bucket holds `burstMs` of the rate, at least 1. */
export function capacityOf(rate: number, burstMs: number): number {
  return Math.max(1, (rate * burstMs) / MINUTE_MS);
}

/**
 * Takes (reserves) `cost` when the wait for it is at most `maxWaitMs`. Mutates `bucket`. A cost
 * goes once the bucket holds it, or is full when the cost is larger than a full bucket (the debt
 * then delays the next takes): a single large prompt does not wait on an idle bucket. A cost with
 * a lane is decided by `takeInLane` (`fair-lanes.ts`): it may be parked instead. A background take
 * granted ahead is recorded under its id (`reserved`: its owner claims it before sending), and an
 * interactive take goes at the earliest such slot before its own, which that reservation gets.
 */
export function takeFromRateBucket(
  bucket: StoredRateBucket,
  cost: RateCost,
  maxWaitMs: number,
  burstMs: number,
): Taken {
  const needed = (amount: number, rate: number) => Math.min(amount, capacityOf(rate, burstMs));
  let waitMs = 0;
  if (bucket.r !== undefined && bucket.rpm !== undefined)
    waitMs = Math.max(
      waitMs,
      ((needed(cost.requests, bucket.rpm) - bucket.r) * MINUTE_MS) / bucket.rpm,
    );
  if (bucket.t !== undefined && bucket.tpm !== undefined)
    waitMs = Math.max(
      waitMs,
      ((needed(cost.tokens, bucket.tpm) - bucket.t) * MINUTE_MS) / bucket.tpm,
    );
  let taken: Taken = { granted: waitMs <= maxWaitMs, waitMs };
  if (cost.lane !== undefined) {
    bucket.q ??= {};
    taken = takeInLane(bucket.q, cost, waitMs, slotOf(bucket, cost), maxWaitMs, bucket.at);
    if (taken.granted) moveSlots(bucket, cost, taken);
  }
  if (taken.granted) {
    if (bucket.r !== undefined) bucket.r -= cost.requests;
    if (bucket.t !== undefined) bucket.t -= cost.tokens;
    bucket.n += cost.requests;
  }
  return taken;
}

/** What a take decided. */
type Taken = { granted: boolean; waitMs: number; parked?: boolean; reserved?: boolean };

/**
 * A granted take with a lane: a background one ahead is recorded (`reserved`), an interactive one
 * goes at the earliest recorded background slot before its own. Mutates `bucket` and `taken`.
 */
function moveSlots(bucket: StoredRateBucket, cost: RateCost, taken: Taken): void {
  const now = bucket.at;
  const at = now + taken.waitMs;
  if (cost.lane === 'background') {
    const slots = bucket.v ?? {};
    if (reserveSlot(slots, cost.id, at, now)) {
      bucket.v = slots;
      taken.reserved = true;
    }
  } else if (bucket.v !== undefined) {
    const slot = preemptSlot(bucket.v, at);
    if (slot !== at) taken.waitMs = slot - now;
  }
}

/** How long the bucket takes to pay for `cost` at its rates (the longer of its dimensions). */
function slotOf(bucket: StoredRateBucket, cost: RateCost): number {
  let slot = 0;
  if (bucket.r !== undefined && bucket.rpm !== undefined)
    slot = (cost.requests * MINUTE_MS) / bucket.rpm;
  if (bucket.t !== undefined && bucket.tpm !== undefined)
    slot = Math.max(slot, (cost.tokens * MINUTE_MS) / bucket.tpm);
  return slot;
}

/**
 * Adds `change` (capped at capacity), then lowers to `atMost`. Mutates `bucket`. A `claim` answers
 * `movedMs` when an interactive take moved that reservation later.
 */
export function adjustRateBucket(
  bucket: StoredRateBucket,
  change: RateAdjustment,
  burstMs: number,
): { movedMs?: number } {
  if (bucket.r !== undefined && bucket.rpm !== undefined) {
    bucket.r = Math.min(capacityOf(bucket.rpm, burstMs), bucket.r + (change.requests ?? 0));
    if (change.atMostRequests !== undefined) bucket.r = Math.min(bucket.r, change.atMostRequests);
  }
  if (bucket.t !== undefined && bucket.tpm !== undefined) {
    bucket.t = Math.min(capacityOf(bucket.tpm, burstMs), bucket.t + (change.tokens ?? 0));
    if (change.atMostTokens !== undefined) bucket.t = Math.min(bucket.t, change.atMostTokens);
  }
  if (change.unpark !== undefined && bucket.q !== undefined)
    unpark(bucket.q, change.unpark.lane, change.unpark.tenant);
  if (change.untake !== undefined && bucket.q !== undefined)
    untake(bucket.q, change.untake.lane, change.untake.tenant, change.requests ?? 0);
  if (change.untake !== undefined && bucket.v !== undefined) dropSlot(bucket.v, change.untake.id);
  if (change.claim === undefined || bucket.v === undefined) return {};
  const movedMs = claimSlot(bucket.v, change.claim, bucket.at);
  return movedMs > 0 ? { movedMs } : {};
}

/** How long the bucket must be kept: `ttlMs`, or longer while it has not refilled to full. */
export function rateBucketTtl(bucket: StoredRateBucket, config: RateBucketConfig): number {
  let untilFull = 0;
  if (bucket.r !== undefined && bucket.rpm !== undefined)
    untilFull = ((capacityOf(bucket.rpm, config.burstMs) - bucket.r) * MINUTE_MS) / bucket.rpm;
  if (bucket.t !== undefined && bucket.tpm !== undefined)
    untilFull = Math.max(
      untilFull,
      ((capacityOf(bucket.tpm, config.burstMs) - bucket.t) * MINUTE_MS) / bucket.tpm,
    );
  return Math.max(1, Math.ceil(config.ttlMs), Math.ceil(untilFull));
}

/** What a store answers about a bucket. */
export function rateBucketState(bucket: StoredRateBucket): RateBucketState {
  return {
    ...optional('requests', bucket.r),
    ...optional('tokens', bucket.t),
    ...optional('rpm', bucket.rpm),
    ...optional('tpm', bucket.tpm),
    recentRequests: bucket.n,
  };
}

/** A take's answer. */
export function rateTakeResult(bucket: StoredRateBucket, taken: Taken): RateTakeResult {
  return {
    granted: taken.granted,
    waitMs: taken.waitMs,
    ...(taken.parked ? { parked: true } : {}),
    ...(taken.reserved ? { reserved: true } : {}),
    ...rateBucketState(bucket),
  };
}

function optional<K extends string>(name: K, value: number | undefined): { [key in K]?: number } {
  return value === undefined ? {} : ({ [name]: value } as { [key in K]: number });
}
