import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import {
  ageFairTable,
  ageReservedSlots,
  claimSlot,
  FAIR_TAU_MS,
  type FairTable,
  MAX_RESERVED,
  MAX_TENANTS,
  preemptSlot,
  type ReservedSlots,
  reserveSlot,
  TENANT_TTL_MS,
  takeInLane,
} from './fair-lanes';
import { createFleetGuard } from './fleet-guard';
import { createMemoryStore } from './memory-store';
import { adjustRateBucket, refillRateBucket, takeFromRateBucket } from './rate-bucket';
import type { PaceLane, ResilienceStore } from './resilience-store';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
/** 60 rpm paced at 98 %: one slot every 1020.4 ms. */
const SLOT_MS = 60_000 / (60 * 0.98);

/** A memory store that counts its takes (the store's load). */
function countingStore(): ResilienceStore & { takes(): number } {
  const store = createMemoryStore();
  let takes = 0;
  return {
    ...store,
    takeFromRateBucket: (...args) => {
      takes++;
      return store.takeFromRateBucket(...args);
    },
    takes: () => takes,
  };
}

/** An attempt of `lane` (and `tenant`); resolves with the ms it waited for admission. */
function admit(
  guard: ReturnType<typeof createFleetGuard>,
  extra: Partial<AttemptInfo> = {},
): Promise<number> {
  const start = Date.now();
  return guard.beforeAttempt({ ...glm, ...extra }).then(() => Date.now() - start);
}

/** An answer of `glm` reporting its window full (no request left) until `resetMs` from now. */
function windowFull(
  guard: ReturnType<typeof createFleetGuard>,
  resetMs: number,
): Promise<void> | void {
  return guard.onSuccess({
    ...glm,
    responseHeaders: {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${resetMs}ms`,
    },
  });
}

describe('lanes and tenants (fake time, a guard at 60 rpm)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  for (const lanes of [true, false]) {
    it(`${lanes ? 'with' : 'without'} lanes, an interactive call behind 20 queued background calls waits ${lanes ? 'at most one and a half slots' : 'for all of them'}; every slot is used`, async () => {
      const store = countingStore();
      const guard = createFleetGuard({ store, pacing: { rpm: 60 }, cooldownSpreadMs: 0 });
      const background: PaceLane | undefined = lanes ? 'background' : undefined;
      const admitted: number[] = [];
      for (let i = 0; i < 20; i++)
        void admit(guard, background ? { lane: background } : {}).then(() =>
          admitted.push(Date.now()),
        );
      const start = Date.now();
      await vi.advanceTimersByTimeAsync(3 * SLOT_MS);
      // The parked calls count as waiting (17 left: 3 slots went).
      expect((await guard.getState()).pacing[0]?.waiting).toBe(17);
      let waited: number | undefined;
      void admit(guard, lanes ? { lane: 'interactive' } : {}).then(ms => {
        waited = ms;
      });
      await vi.advanceTimersByTimeAsync(25 * SLOT_MS);
      if (lanes) expect(waited).toBeLessThanOrEqual(1.5 * SLOT_MS + 1);
      else expect(waited).toBeGreaterThan(15 * SLOT_MS);
      // No idle slot: the 21 admissions took 20 slots after the first (sent at once).
      expect(admitted).toHaveLength(20);
      expect(Math.max(...admitted) - start).toBeLessThanOrEqual(20 * SLOT_MS + 2);
      // The store is not stormed: a take per admission, one per park, and one more per parked
      // take that an interactive one passed (it came back a slot early).
      expect(store.takes()).toBeLessThanOrEqual(21 + 20 + 20);
    });
  }

  it('two tenants of 10 and 2 looping background callers get equal shares within 10 %; every slot is used', async () => {
    // Tenant a's 10 callers share half the slots: each waits about 20 s, some much longer.
    const guard = createFleetGuard({
      pacing: { rpm: 60, maxWaitMs: 600_000 },
      cooldownSpreadMs: 0,
    });
    // The tenants' hashes first: Web Crypto answers on the real event loop, not the fake one.
    vi.useRealTimers();
    for (const tenant of ['a', 'b']) await admit(guard, { lane: 'background', tenant });
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(60_000);
    const count = { a: 0, b: 0 };
    let running = true;
    async function loop(tenant: 'a' | 'b') {
      while (running) {
        await admit(guard, { lane: 'background', tenant });
        if (running) count[tenant]++;
        await new Promise(resolve => setTimeout(resolve, 50)); // the answer's latency
      }
    }
    const loops = [
      ...Array.from({ length: 10 }, () => loop('a')),
      ...Array.from({ length: 2 }, () => loop('b')),
    ];
    await vi.advanceTimersByTimeAsync(120 * SLOT_MS);
    const shares = { ...count };
    running = false;
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(loops);
    expect(shares.a + shares.b).toBeGreaterThanOrEqual(118);
    expect(Math.abs(shares.a - shares.b)).toBeLessThanOrEqual(0.1 * ((shares.a + shares.b) / 2));
  });
});

describe('lanes: no slot idles while a take is parked, and the interactive call goes first (fake time, 60 rpm)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const guardAt60 = (cooldownSpreadMs = 0) =>
    createFleetGuard({ pacing: { rpm: 60 }, cooldownSpreadMs });

  it('a parked take refused at its deadline hands its turn to the next parked take: the slot is used, not left to refill', async () => {
    const guard = guardAt60();
    const start = Date.now();
    await admit(guard, { lane: 'background' }); // the full bucket's request: sent at once
    void admit(guard, { lane: 'background' }); // parked: the slot at one slot
    // Parked for the slot at two slots; woken for it, it can no longer afford it (its deadline).
    const refused = admit(guard, { lane: 'background', deadlineAt: start + 1_900 }).catch(e => e);
    let last: number | undefined;
    void admit(guard, { lane: 'background' }).then(() => {
      last = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(4 * SLOT_MS);
    expect(await refused).toBeInstanceOf(RateLimitError);
    // The last one takes the slot at two slots (before: at its own estimate, two and a half).
    expect(last).toBeLessThanOrEqual(Math.ceil(2 * SLOT_MS) + 1);
  });

  it('a background call aborted in its reserved slot hands the slot to the next parked take', async () => {
    const guard = guardAt60();
    const start = Date.now();
    await admit(guard, { lane: 'background' });
    const controller = new AbortController();
    const aborted = admit(guard, { lane: 'background', signal: controller.signal }).catch(e => e);
    let next: number | undefined;
    void admit(guard, { lane: 'background' }).then(() => {
      next = Date.now() - start;
    });
    // The first parked take holds the slot at one slot from five eighths of a slot on: aborted then.
    await vi.advanceTimersByTimeAsync(0.7 * SLOT_MS);
    controller.abort(new Error('job cancelled'));
    await vi.advanceTimersByTimeAsync(3 * SLOT_MS);
    expect(await aborted).toMatchObject({ message: 'job cancelled' });
    // The next one is sent in that slot (before: at its own estimate, a slot and a half).
    expect(next).toBeLessThanOrEqual(Math.ceil(SLOT_MS) + 1);
  });

  it('an interactive call takes the slot a background call of this instance reserved and has not used yet; that one takes the later slot', async () => {
    const guard = guardAt60();
    const start = Date.now();
    await admit(guard, { lane: 'background' });
    let background: number | undefined;
    void admit(guard, { lane: 'background' }).then(() => {
      background = Date.now() - start;
    });
    // Granted at half a slot, the background call holds the slot at one slot.
    await vi.advanceTimersByTimeAsync(0.6 * SLOT_MS);
    let interactive: number | undefined;
    void admit(guard, { lane: 'interactive' }).then(ms => {
      interactive = ms;
    });
    await vi.advanceTimersByTimeAsync(3 * SLOT_MS);
    // Sent at one slot: 0.4 slot of waiting (before the fix: the slot after, 1.4 slots).
    expect(interactive).toBeLessThanOrEqual(0.4 * SLOT_MS + 2);
    expect(background).toBeGreaterThanOrEqual(2 * SLOT_MS - 1);
  });

  it('a window an answer reported full (remaining 0, reset within a slot) does not hold an interactive call before its slot: it is sent at the slot, not after the hold and its spread', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    const guard = guardAt60(250);
    const start = Date.now();
    await admit(guard, { lane: 'background' });
    await vi.advanceTimersByTimeAsync(10);
    // Its answer: the window is full until 800 ms.
    await windowFull(guard, 800);
    let background: number | undefined;
    void admit(guard, { lane: 'background' }).then(() => {
      background = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(290);
    let interactive: number | undefined;
    void admit(guard, { lane: 'interactive' }).then(() => {
      interactive = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(4 * SLOT_MS);
    // Its slot is the first after the hold: it is sent when the window frees a request, at the
    // hold's end (810 ms). Before: it waited out the hold and its spread (1,035 ms) and came after
    // the background call, at two slots; with the hold passed alone, at the slot (1,030 ms).
    expect(interactive).toBeGreaterThanOrEqual(810);
    expect(interactive).toBeLessThanOrEqual(812);
    expect(background).toBeGreaterThan(interactive as number);
  });

  it('an interactive call waiting for the next slot is sent at the end of a hold an answer reports meanwhile (remaining 0, reset within a slot)', async () => {
    const guard = guardAt60();
    const start = Date.now();
    await admit(guard, { lane: 'background' }); // sent at once: its answer is not back yet
    let interactive: number | undefined;
    void admit(guard, { lane: 'interactive' }).then(() => {
      interactive = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(20);
    await windowFull(guard, 800);
    await vi.advanceTimersByTimeAsync(2 * SLOT_MS);
    // The window frees a request at 820 ms; before, it waited for its slot (1,021 ms).
    expect(interactive).toBeGreaterThanOrEqual(820);
    expect(interactive).toBeLessThanOrEqual(822);
  });

  it('a paced call arriving just after a hold ended is not spread like the callers that waited it out: its slot spaces it (240 rpm)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    const guard = createFleetGuard({ pacing: { rpm: 240 }, cooldownSpreadMs: 250 });
    const slotMs = 60_000 / (240 * 0.98);
    await admit(guard, { lane: 'background' });
    await vi.advanceTimersByTimeAsync(10);
    await windowFull(guard, 100);
    // Parked until its turn: it would take the next slot (one slot) at half a slot.
    void admit(guard, { lane: 'background' });
    await vi.advanceTimersByTimeAsync(110);
    // 10 ms after the hold ended: a spread of 0.9 × 240 ms would make it miss that slot.
    let interactive: number | undefined;
    void admit(guard, { lane: 'interactive' }).then(ms => {
      interactive = ms;
    });
    await vi.advanceTimersByTimeAsync(4 * slotMs);
    expect(interactive).toBeLessThanOrEqual(slotMs);
  });
});

describe('a granted take that was not sent', () => {
  it("aborted in its slot, it gives back its request and its tenant's count of slots taken (untake), never below 0", () => {
    const config = { limits: { rpm: 60 }, burstMs: 0, ttlMs: 60_000 };
    const bucket = refillRateBucket(undefined, config, 1_000);
    const cost = { requests: 1, tokens: 0, lane: 'background' as const, tenant: 'abc' };
    expect(takeFromRateBucket(bucket, cost, 60_000, 0).granted).toBe(true);
    expect(bucket.q?.['b:abc']?.c).toBe(1);
    const back = { requests: 1, untake: { lane: 'background' as const, tenant: 'abc' } };
    adjustRateBucket(bucket, back, 0);
    expect(bucket.r).toBe(1);
    expect(bucket.q?.['b:abc']?.c).toBe(0);
    adjustRateBucket(bucket, back, 0);
    expect(bucket.q?.['b:abc']?.c).toBe(0);
  });
});

describe('reserved background slots (the store moves them for an interactive take)', () => {
  it('records a slot at least 1 ms ahead under a valid id only; keeps the MAX_RESERVED latest; forgets one once due', () => {
    const slots: ReservedSlots = {};
    expect(reserveSlot(slots, 'r1', 1000.999, 1000)).toBe(false); // sent at once: not movable
    expect(reserveSlot(slots, 'r1', 1001, 1000)).toBe(true);
    for (const bad of ['', 'x'.repeat(33), 'a;b=1', 7, undefined])
      expect(reserveSlot(slots, bad, 2000, 1000)).toBe(false);
    expect(reserveSlot(slots, 'x'.repeat(32), 2000, 1000)).toBe(true);
    for (let i = 0; i < MAX_RESERVED; i++) reserveSlot(slots, `s${i}`, 3000 + i, 1000);
    expect(Object.keys(slots)).toHaveLength(MAX_RESERVED);
    expect(slots.r1).toBeUndefined(); // the earliest due went first
    ageReservedSlots(slots, 3000);
    expect(slots.s0).toBeUndefined(); // due exactly now: its owner sends at its claim
    expect(slots.s1).toBe(3001);
  });

  it('an interactive slot goes at the earliest recorded slot before it (strictly), which gets the interactive one', () => {
    const slots: ReservedSlots = { a: 1400, b: 1200, c: 1200 };
    expect(preemptSlot(slots, 1200)).toBe(1200); // none before it: its own
    expect(slots).toEqual({ a: 1400, b: 1200, c: 1200 });
    expect(preemptSlot(slots, 2000)).toBe(1200); // b and c tie: by id
    expect(slots).toEqual({ a: 1400, b: 2000, c: 1200 });
    expect(preemptSlot(slots, 2500)).toBe(1200);
    expect(slots).toEqual({ a: 1400, b: 2000, c: 2500 });
  });

  it('a claim exactly at its slot sends (forgotten); a claim of a moved slot answers the time left and keeps it; an unknown id sends', () => {
    const slots: ReservedSlots = { a: 1000, b: 1500 };
    expect(claimSlot(slots, 'a', 1000)).toBe(0);
    expect(slots.a).toBeUndefined();
    expect(claimSlot(slots, 'b', 1000)).toBe(500);
    expect(slots.b).toBe(1500);
    expect(claimSlot(slots, 'b', 1500)).toBe(0);
    expect(claimSlot(slots, 'gone', 1500)).toBe(0);
    expect(slots).toEqual({});
  });

  it('a background call aborted in its reserved slot drops its reservation with the request it gives back: no interactive take goes at a slot given back', () => {
    const config = { limits: { rpm: 60 }, burstMs: 0, ttlMs: 60_000 };
    const bucket = refillRateBucket(undefined, config, 1_000);
    const background = { requests: 1, tokens: 0, lane: 'background' as const, tenant: 'a' };
    expect(takeFromRateBucket(bucket, background, 60_000, 0)).toEqual({ granted: true, waitMs: 0 });
    const later = refillRateBucket(bucket, config, 1_600);
    const reserved = takeFromRateBucket(later, { ...background, id: 'r1' }, 60_000, 0);
    expect(reserved).toEqual({ granted: true, waitMs: 400, reserved: true });
    expect(later.v).toEqual({ r1: 2_000 });
    adjustRateBucket(
      later,
      { requests: 1, untake: { lane: 'background', tenant: 'a', id: 'r1' } },
      0,
    );
    expect(later.v).toEqual({});
    // The request is back: another background take is sent in that slot (at 2,000 ms; without an
    // id, as a take of a store that records none). The interactive take's slot is the next one:
    // had the reservation stayed, it would go at its slot, 2,000 ms, with that take: two in one slot.
    expect(takeFromRateBucket(later, background, 60_000, 0)).toEqual({
      granted: true,
      waitMs: 400,
    });
    const interactive = { requests: 1, tokens: 0, lane: 'interactive' as const, tenant: '' };
    expect(takeFromRateBucket(later, interactive, 60_000, 0)).toEqual({
      granted: true,
      waitMs: 1400,
    });
  });
});

describe('ageFairTable', () => {
  it('keeps the MAX_TENANTS most recent of 100 tenants and forgets one idle for just over TENANT_TTL_MS', () => {
    const table: FairTable = {};
    for (let i = 0; i < 100; i++) table[`b:t${i}`] = { c: 1, k: i % 2, w: i, p: 0 };
    ageFairTable(table, FAIR_TAU_MS, 100);
    expect(Object.keys(table)).toHaveLength(MAX_TENANTS);
    expect(table['b:t35']).toBeUndefined();
    expect(table['b:t36']).toEqual({ c: Math.exp(-1), k: 0, w: 36, p: 0 });
    ageFairTable(table, 0, 99 + TENANT_TTL_MS);
    expect(Object.keys(table)).toEqual(['b:t99']);
    ageFairTable(table, 0, 99 + TENANT_TTL_MS + 1);
    expect(table).toEqual({});
  });

  it('takeInLane: a background take parks behind its own tenant and beside the others; it gives up when its turn is beyond maxWaitMs', () => {
    const table: FairTable = {};
    const take = (tenant: string, waitMs: number, maxWaitMs = 60_000) =>
      takeInLane(
        table,
        { requests: 1, tokens: 0, lane: 'background', tenant },
        waitMs,
        1000,
        maxWaitMs,
        0,
      );
    expect(take('a', 500)).toEqual({ granted: true, waitMs: 500 });
    // Exactly at the horizon (half a slot) was granted; just past it parks, back an eighth of a
    // slot inside the horizon (1.5 s less 375 ms).
    expect(take('a', 1500)).toEqual({ granted: false, waitMs: 1125, parked: true });
    expect(take('a', 1500)).toEqual({ granted: false, waitMs: 2125, parked: true });
    // Tenant b is behind (nothing taken yet): it goes first, and may reserve a slot further.
    expect(take('b', 1500)).toEqual({ granted: true, waitMs: 1500 });
    // Now even: b's next goes after one of a's two parked takes (2.5 s less 375 ms, 1 s).
    expect(take('b', 2500)).toEqual({ granted: false, waitMs: 3125, parked: true });
    // a's third: after its own two and b's one; 4,125 ms is beyond a maxWaitMs of 4,124 ms.
    expect(take('a', 1500, 4124)).toEqual({ granted: false, waitMs: 4125 });
    expect(take('a', 1500, 4125)).toEqual({ granted: false, waitMs: 4125, parked: true });
    expect(table['b:a']?.k).toBe(3);
  });

  it('takeInLane: an interactive take reserves as far as maxWaitMs, unless its tenant is more than one take ahead of another active one', () => {
    const table: FairTable = {};
    const take = (tenant: string, waitMs: number) =>
      takeInLane(
        table,
        { requests: 1, tokens: 0, lane: 'interactive', tenant },
        waitMs,
        1000,
        60_000,
        0,
      );
    expect(take('a', 0)).toEqual({ granted: true, waitMs: 0 });
    expect(take('a', 9000)).toEqual({ granted: true, waitMs: 9000 });
    // a has 2, b none yet: b's take is granted far ahead too (b is behind).
    expect(take('b', 10_000)).toEqual({ granted: true, waitMs: 10_000 });
    expect(take('a', 11_000)).toEqual({ granted: true, waitMs: 11_000 });
    // a has 3, b 1 (mean 2): a is one take ahead, not more; its next would make it two ahead.
    expect(take('a', 12_000)).toEqual({ granted: true, waitMs: 12_000 });
    // a 4, b 1: a is 1.5 ahead of the mean: it queues like background, after b's (none) and its own.
    expect(take('a', 13_000)).toEqual({ granted: false, waitMs: 12_625, parked: true });
    expect(take('b', 13_000)).toEqual({ granted: true, waitMs: 13_000 });
  });

  it('takeInLane: takes of one tenant that come back from a park together get successive turns, before its new takes', () => {
    const table: FairTable = {};
    const take = (parked: boolean) =>
      takeInLane(
        table,
        { requests: 1, tokens: 0, lane: 'background', tenant: 'a', parked },
        3000,
        1000,
        60_000,
        0,
      );
    for (let i = 0; i < 5; i++) take(false); // five parked
    expect(take(true)).toEqual({ granted: false, waitMs: 2625, parked: true });
    expect(take(true)).toEqual({ granted: false, waitMs: 3625, parked: true });
    // A new one: after the five parked.
    expect(take(false)).toEqual({ granted: false, waitMs: 7625, parked: true });
  });

  it('takeInLane: a take back from a park whose spread after the others is beyond its wait gets its own next turn, not refused (the spread is no place in the queue)', () => {
    const table: FairTable = {};
    const take = (maxWaitMs: number) =>
      takeInLane(
        table,
        { requests: 1, tokens: 0, lane: 'background', tenant: 'a', parked: true },
        3000,
        1000,
        maxWaitMs,
        0,
      );
    for (let i = 0; i < 3; i++) take(60_000); // spread: 2625, 3625, 4625
    // Its spread would be 5625 ms, beyond its 5000 ms: its own next turn (2625 ms) is in reach.
    expect(take(5000)).toEqual({ granted: false, waitMs: 2625, parked: true });
    // Not counted as a spread turn: the next one still follows 4625.
    expect(take(60_000)).toEqual({ granted: false, waitMs: 5625, parked: true });
    // Its slot itself beyond its wait: refused.
    expect(take(2999)).toEqual({ granted: false, waitMs: 3000 });
  });
});

describe('lanes across processes (fake time, guards sharing one memory store, 60 rpm)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /**
   * Slots used in 60 by `processes` guards on one store, each with 5 looping background callers,
   * and an interactive call every 2 s in the second; every third answer reports the window full
   * until 20 ms past the next slot (the bucket lowered a little, as a server's window does).
   */
  async function slotsUsed(processes: number): Promise<number> {
    const store = createMemoryStore();
    const guards = Array.from({ length: processes }, () =>
      createFleetGuard({ store, pacing: { rpm: 60, maxWaitMs: 600_000 }, cooldownSpreadMs: 0 }),
    );
    let sent = 0;
    let answers = 0;
    let running = true;
    async function background(guard: ReturnType<typeof createFleetGuard>) {
      while (running) {
        await admit(guard, { lane: 'background' });
        if (running) sent++;
        await new Promise(resolve => setTimeout(resolve, 50)); // the answer's latency
        if (++answers % 3 === 0) await windowFull(guard, SLOT_MS - 50 + 20);
        else await guard.onSuccess({ ...glm });
      }
    }
    async function interactive(guard: ReturnType<typeof createFleetGuard>) {
      while (running) {
        await new Promise(resolve => setTimeout(resolve, 2_000));
        await admit(guard, { lane: 'interactive' });
        if (running) sent++;
      }
    }
    const callers = [
      ...guards.flatMap(guard => Array.from({ length: 5 }, () => background(guard))),
      interactive(guards[1] as ReturnType<typeof createFleetGuard>),
    ];
    await vi.advanceTimersByTimeAsync(60 * SLOT_MS);
    const used = sent;
    running = false;
    await vi.advanceTimersByTimeAsync(600_000);
    await Promise.all(callers);
    return used;
  }

  it("an interactive call in one process takes the slot a background call of another process reserved and has not sent yet; that one is sent at the interactive call's slot (0.3 slot of waiting, 1.3 before)", async () => {
    const store = createMemoryStore();
    const [background, interactive] = [0, 1].map(() =>
      createFleetGuard({ store, pacing: { rpm: 60 }, cooldownSpreadMs: 0 }),
    ) as [ReturnType<typeof createFleetGuard>, ReturnType<typeof createFleetGuard>];
    const start = Date.now();
    await admit(background, { lane: 'background' }); // the full bucket's request: sent at once
    let sent: number | undefined;
    void admit(background, { lane: 'background' }).then(() => {
      sent = Date.now() - start;
    });
    // Back from its park at 0.625 slot, the background call holds the slot at one slot.
    await vi.advanceTimersByTimeAsync(0.7 * SLOT_MS);
    let waited: number | undefined;
    void admit(interactive, { lane: 'interactive' }).then(ms => {
      waited = ms;
    });
    await vi.advanceTimersByTimeAsync(3 * SLOT_MS);
    // Sent at one slot (before: the slot after the background one, at two slots: 1.3 slots).
    expect(waited).toBeGreaterThanOrEqual(0.3 * SLOT_MS - 1);
    expect(waited).toBeLessThanOrEqual(0.3 * SLOT_MS + 2);
    // The background call learnt it when it claimed its slot, and went at two slots instead.
    expect(sent).toBeGreaterThanOrEqual(2 * SLOT_MS - 1);
    expect(sent).toBeLessThanOrEqual(2 * SLOT_MS + 2);
  });

  it('a background call whose reserved slot an interactive call of another process took, moved beyond its deadline, fails fast (not sent) and gives the slot back', async () => {
    const store = createMemoryStore();
    const [background, interactive] = [0, 1].map(() =>
      createFleetGuard({ store, pacing: { rpm: 60 }, cooldownSpreadMs: 0 }),
    ) as [ReturnType<typeof createFleetGuard>, ReturnType<typeof createFleetGuard>];
    const start = Date.now();
    await admit(background, { lane: 'background' });
    // It can afford its slot at one slot, not the interactive call's at two.
    const moved = admit(background, {
      lane: 'background',
      deadlineAt: start + 1.5 * SLOT_MS,
    }).catch(e => e);
    await vi.advanceTimersByTimeAsync(0.7 * SLOT_MS);
    void admit(interactive, { lane: 'interactive' });
    // It claims its slot at one slot: moved to two slots, beyond its deadline.
    await vi.advanceTimersByTimeAsync(0.4 * SLOT_MS);
    expect(await moved).toBeInstanceOf(RateLimitError);
    // Its slot (two slots) went back: a background call asking now is sent in it.
    const next = admit(background, { lane: 'background' }).then(() => Date.now() - start);
    await vi.advanceTimersByTimeAsync(3 * SLOT_MS);
    expect(await next).toBeLessThanOrEqual(Math.ceil(2 * SLOT_MS) + 2);
  });

  it('four processes, background tenants of 10 and 2 callers in three and an interactive caller alone in the fourth: each interactive call waits at most one slot (two before), and every slot is used', async () => {
    const store = createMemoryStore();
    const guards = Array.from({ length: 4 }, () =>
      createFleetGuard({ store, pacing: { rpm: 60, maxWaitMs: 600_000 }, cooldownSpreadMs: 0 }),
    );
    // The tenants' hashes first: Web Crypto answers on the real event loop, not the fake one.
    vi.useRealTimers();
    for (const tenant of ['a', 'b'])
      await admit(guards[0] as never, { lane: 'background', tenant });
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(60_000);
    let sent = 0;
    let running = true;
    const waits: number[] = [];
    async function background(guard: ReturnType<typeof createFleetGuard>, tenant: string) {
      while (running) {
        await admit(guard, { lane: 'background', tenant });
        if (running) sent++;
        await new Promise(resolve => setTimeout(resolve, 50)); // the answer's latency
        await guard.onSuccess({ ...glm });
      }
    }
    async function interactive(guard: ReturnType<typeof createFleetGuard>) {
      while (running) {
        await new Promise(resolve => setTimeout(resolve, 2_000));
        const ms = await admit(guard, { lane: 'interactive' });
        if (running) {
          sent++;
          waits.push(ms);
        }
      }
    }
    const [a1, a2, b, alone] = guards as [
      ReturnType<typeof createFleetGuard>,
      ReturnType<typeof createFleetGuard>,
      ReturnType<typeof createFleetGuard>,
      ReturnType<typeof createFleetGuard>,
    ];
    const callers = [
      ...Array.from({ length: 5 }, () => background(a1, 'a')),
      ...Array.from({ length: 5 }, () => background(a2, 'a')),
      ...Array.from({ length: 2 }, () => background(b, 'b')),
      interactive(alone),
    ];
    await vi.advanceTimersByTimeAsync(60 * SLOT_MS);
    const used = sent;
    running = false;
    await vi.advanceTimersByTimeAsync(600_000);
    await Promise.all(callers);
    expect(Math.max(...waits)).toBeLessThanOrEqual(SLOT_MS + 2);
    expect(waits.length).toBeGreaterThanOrEqual(25);
    expect(used).toBeGreaterThanOrEqual(59);
  });

  it('two processes: takes parked come back an eighth of a slot inside the horizon, so one a hair early is not parked again while no other is awake (60 of 60 slots used; 57 at the edge before the hand-over below)', async () => {
    expect(await slotsUsed(2)).toBe(60);
  });

  it("four processes: a take back from a park and parked again (another process took its slot) keeps its tenant's first take here awake for the next slot (60 of 60 slots used; 58 without)", async () => {
    expect(await slotsUsed(4)).toBe(60);
  });
});
