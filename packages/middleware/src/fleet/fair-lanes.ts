import type { RateCost } from './resilience-store';

/**
 * Lanes and tenant fairness inside one rate bucket: the part of `takeFromRateBucket` a take with a
 * lane runs (its Lua twin is the `fairLanes` block of `RATE_BUCKET` in the Redis store). Pure: the
 * bucket record carries the table, the store's clock gives `now`.
 *
 * Each (lane, tenant) has an entry: its slots taken (`c`, decayed with {@link FAIR_TAU_MS}), its
 * takes parked now (`k`) and until when it is waiting (`w`, epoch ms of the store). A tenant is
 * active in its lane while it has parked takes or asked within the last two slots and a second.
 * A background take is granted when the bucket pays for it within half a slot
 * ({@link backgroundHorizonMs}), a slot more when its tenant is behind the mean of the lane's active
 * tenants (it wins a tie); else it is parked: it comes back at its estimated turn, after the parked
 * takes of its own tenant and, unless its tenant is behind, as many of each other active tenant's
 * (round robin). Nothing is refused for fairness alone, so no slot idles while a take is awake to
 * use it. An interactive take whose tenant is more than one take ahead of the mean queues like a
 * background one.
 */
export interface FairEntry {
  /** Slots taken, decayed. */
  c: number;
  /** Takes parked now. */
  k: number;
  /** Epoch ms of the store until which the tenant is waiting (its last take, or its last turn). */
  w: number;
  /** Epoch ms of the store: the turn given to the tenant's last take back from a park (0: none). */
  p: number;
}

/** The bucket's table, by {@link fairKey}. */
export type FairTable = Record<string, FairEntry>;

/** Time constant of the decayed count of slots per tenant (its share is measured over about this). */
export const FAIR_TAU_MS = 30_000;
/** An entry with nothing parked is forgotten this long after its last take or turn. */
export const TENANT_TTL_MS = 60_000;
/** Most entries of a bucket's table: the longest idle goes first. */
export const MAX_TENANTS = 64;
/** Most parked takes counted for one entry. */
const MAX_PARKED = 100_000;
/** Longest tenant hash kept; a longer or unexpected one is counted as `?`. */
const MAX_TENANT_LENGTH = 32;

/** The entry's name: `i:` or `b:` and the tenant's hash. */
export function fairKey(lane: string, tenant: string | undefined): string {
  const t = tenant ?? '';
  const safe = t.length <= MAX_TENANT_LENGTH && /^[\w-]*$/.test(t) ? t : '?';
  return `${lane === 'background' ? 'b' : 'i'}:${safe}`;
}

/** How far ahead a background take may reserve: half a slot. */
export function backgroundHorizonMs(slotMs: number): number {
  return slotMs / 2;
}

/**
 * How long before its slot a parked background take comes back to take it (at the turn the store
 * gives it, or the next turn a granted take hands over, see `lane-turns.ts`): an eighth of a slot
 * inside the horizon, so a take a little early (the bucket lowered a little meanwhile, as an answer
 * at a full window does) or a little late still reserves the slot before it is due.
 */
export function wakeBeforeSlotMs(slotMs: number): number {
  return backgroundHorizonMs(slotMs) - slotMs / 8;
}

/**
 * The table `dt` ms later, at `now`: counts decayed, an entry forgotten once its last take or turn
 * is {@link TENANT_TTL_MS} past (a parked count with it: its callers are gone), at most
 * {@link MAX_TENANTS} kept (the longest idle go first, ties by name). Mutates `table`.
 */
export function ageFairTable(table: FairTable, dt: number, now: number): void {
  const decay = Math.exp(-dt / FAIR_TAU_MS);
  for (const name of Object.keys(table)) {
    const e = table[name] as FairEntry;
    e.c *= decay;
    // Parked takes come back by their turn (`w`): long after it, their callers are gone.
    if (now - e.w > TENANT_TTL_MS) delete table[name];
  }
  const names = Object.keys(table).sort((a, b) => {
    const wa = (table[a] as FairEntry).w;
    const wb = (table[b] as FairEntry).w;
    return wa !== wb ? wa - wb : a < b ? -1 : a > b ? 1 : 0;
  });
  for (let i = 0; i < names.length - MAX_TENANTS; i++) delete table[names[i] as string];
}

/**
 * Decides a take with a lane: `granted` (the caller takes the cost), refused (beyond `maxWaitMs`),
 * or `parked` (come back after `waitMs`). `waitMs` is the bucket's wait for the cost, `slotMs` the
 * time the bucket needs to pay for it. Mutates `table`.
 */
export function takeInLane(
  table: FairTable,
  cost: RateCost,
  waitMs: number,
  slotMs: number,
  maxWaitMs: number,
  now: number,
): { granted: boolean; waitMs: number; parked?: boolean } {
  const lane = cost.lane ?? 'interactive';
  const name = fairKey(lane, cost.tenant);
  const e = table[name] ?? { c: 0, k: 0, w: now, p: 0 };
  table[name] = e;
  if (cost.parked) e.k = Math.max(0, e.k - 1);
  e.w = Math.max(e.w, now);
  const activeMs = 1000 + 2 * slotMs;
  let active = 0;
  let sum = 0;
  let queued = 0;
  const others: FairEntry[] = [];
  for (const other of Object.keys(table).sort()) {
    const u = table[other] as FairEntry;
    if (other[0] !== name[0] || (u.k <= 0 && now - u.w > activeMs)) continue;
    active++;
    sum += u.c;
    queued += u.k;
    if (other !== name) others.push(u);
  }
  const mean = sum / active;
  const behind = e.c < mean;
  // An interactive tenant more than one take ahead of the others queues like background.
  const background = lane === 'background' || e.c > mean + cost.requests;
  const horizon = backgroundHorizonMs(slotMs) + (behind ? slotMs : 0);
  const limit = background ? Math.min(horizon, maxWaitMs) : maxWaitMs;
  // A new background take does not pass the parked ones (unless its tenant is behind).
  const passes = !background || cost.parked === true || behind || queued === 0;
  if (passes && waitMs <= limit) {
    e.c += cost.requests;
    return { granted: true, waitMs };
  }
  if (!background || waitMs > maxWaitMs) return { granted: false, waitMs };
  // Its place: a new take after its own tenant's parked takes, beside as many of each other
  // tenant's unless its tenant is behind (it goes first). A take back from a park (another came
  // first) goes before them, after the tenant's takes that came back before it: takes that come
  // back together get successive turns, so they do not meet again.
  const mine = cost.parked ? 1 : e.k + 1;
  let ahead = mine - 1;
  let rivals = 0;
  if (!behind) {
    for (const u of others) {
      ahead += Math.min(u.k, mine);
      if (u.k > 0) rivals++;
    }
  }
  // Back an eighth of a slot inside the horizon: at its edge, a take a hair early parks again.
  let turn = Math.max(slotMs / 2, waitMs - wakeBeforeSlotMs(slotMs)) + ahead * slotMs;
  if (cost.parked) {
    // Spread after the takes that came back before it, unless that is beyond its wait: the spread
    // keeps takes from meeting again, it is no place in the queue (its next turn is still in reach).
    const spread = Math.max(turn, e.p - now + (1 + rivals) * slotMs);
    if (spread <= maxWaitMs) {
      turn = spread;
      e.p = now + turn;
    }
  }
  if (turn > maxWaitMs) return { granted: false, waitMs: turn };
  e.k = Math.min(MAX_PARKED, e.k + 1);
  e.w = Math.max(e.w, now + turn);
  return { granted: false, waitMs: turn, parked: true };
}

/**
 * A granted take of `requests` was not sent: its tenant's count of slots taken goes back (never
 * below 0), so an aborted call does not cost its tenant a share. Mutates `table`.
 */
export function untake(table: FairTable, lane: string, tenant: string, requests: number): void {
  const e = table[fairKey(lane, tenant)];
  if (e !== undefined) e.c = Math.max(0, e.c - Math.max(0, requests));
}

/** A parked take will not come back: its place goes. Mutates `table`. */
export function unpark(table: FairTable, lane: string, tenant: string): void {
  const e = table[fairKey(lane, tenant)];
  if (e !== undefined) e.k = Math.max(0, e.k - 1);
}

/**
 * Background slots granted ahead and not yet sent, by the take's id (`RateCost.id`): the epoch ms
 * of the store each is due. An interactive take goes ahead of the earliest one whatever instance
 * holds it ({@link preemptSlot}); its owner learns it when it claims the slot before sending
 * ({@link claimSlot}). So an interactive call waits at most about one slot across processes too.
 */
export type ReservedSlots = Record<string, number>;

/** Most background slots recorded per bucket (a background take reserves at most 1.5 slots ahead). */
export const MAX_RESERVED = 16;
/** Longest reservation id kept; a longer or unexpected one is not recorded (its slot is not movable). */
const MAX_ID_LENGTH = 32;

/** Whether `id` may name a reservation: 1 to 32 characters of `[A-Za-z0-9_-]`. */
export function reservationIdOk(id: unknown): id is string {
  return (
    typeof id === 'string' && id.length >= 1 && id.length <= MAX_ID_LENGTH && /^[\w-]+$/.test(id)
  );
}

/**
 * The slots at `now`: one already due is forgotten (its owner sends at its claim), at most
 * {@link MAX_RESERVED} kept (the earliest due go first, ties by id). Mutates `slots`.
 */
export function ageReservedSlots(slots: ReservedSlots, now: number): void {
  for (const id of Object.keys(slots)) if ((slots[id] as number) <= now) delete slots[id];
  const ids = Object.keys(slots).sort(byDue(slots));
  for (let i = 0; i < ids.length - MAX_RESERVED; i++) delete slots[ids[i] as string];
}

/**
 * A background take granted a slot at `at` (epoch ms of the store) under `id`: recorded, so an
 * interactive take may move it (its owner then claims it). Not recorded (`false`) when the id is
 * not one, or the slot is not ahead (sent at once). Mutates `slots`.
 */
export function reserveSlot(slots: ReservedSlots, id: unknown, at: number, now: number): boolean {
  if (!reservationIdOk(id) || !(at - now >= 1)) return false;
  slots[id] = at;
  ageReservedSlots(slots, now);
  return id in slots;
}

/**
 * An interactive take granted a slot at `at`: it takes the earliest background slot recorded
 * before it instead, and that reservation gets `at` (its owner learns it at its claim). Returns
 * the slot the interactive take goes at. Mutates `slots`.
 */
export function preemptSlot(slots: ReservedSlots, at: number): number {
  let earliest: string | undefined;
  for (const id of Object.keys(slots).sort(byDue(slots)))
    if ((slots[id] as number) < at) {
      earliest = id;
      break;
    }
  if (earliest === undefined) return at;
  const slot = slots[earliest] as number;
  slots[earliest] = at;
  return slot;
}

/**
 * The owner of reservation `id` is about to send: how much longer it waits (ms), `0` when its
 * slot is due or unknown (then it is forgotten); else an interactive take moved it later: it
 * stays recorded, and its owner claims again then. Mutates `slots`.
 */
export function claimSlot(slots: ReservedSlots, id: unknown, now: number): number {
  if (!reservationIdOk(id)) return 0;
  const at = slots[id];
  if (at !== undefined && at > now) return at - now;
  delete slots[id];
  return 0;
}

/** A reservation that will not be sent (its caller aborted): forgotten. Mutates `slots`. */
export function dropSlot(slots: ReservedSlots, id: unknown): void {
  if (reservationIdOk(id)) delete slots[id];
}

/** Orders ids by their slot, then by id. */
function byDue(slots: ReservedSlots): (a: string, b: string) => number {
  return (a, b) => {
    const da = slots[a] as number;
    const db = slots[b] as number;
    return da !== db ? da - db : a < b ? -1 : a > b ? 1 : 0;
  };
}
