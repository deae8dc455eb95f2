import {
  createMemoryStore,
  type RateAdjustment,
  type RateBucketConfig,
  type RateCost,
  type ResilienceStore,
} from '@alaya-code/ai-sdk-middleware';
import { createRedisStore, type RedisScriptClient } from '@alaya-code/ai-sdk-store-redis';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkProperty } from '../support/fuzz';
import { connectRedis, type TestRedisClient } from '../support/redis-client';
import { findRedisServer, type RedisServer, startRedisServer } from '../support/redis-server';

/**
 * The store's pacing and budget arithmetic exists twice: in TypeScript (`rate-bucket.ts`, the memory
 * store) and as Lua (the Redis store's scripts, run here by a real redis-server). These tests drive
 * both with the same operations on ONE clock and require the same answers: the memory store reads
 * `Date.now()` (faked), the rate-bucket script reads Redis's `TIME`, which the test client below
 * replaces with the same instant. So grants, waits and counts agree exactly, up to the last digits
 * `cjson` drops from the script's JSON reply and one ulp of `exp` (see {@link close}).
 *
 * TTLs are the one thing Redis keeps on its own clock: after an idle gap the test moves every key's
 * TTL on by the gap (as if Redis had slept), and compares each key's TTL to the memory store's
 * within {@link TTL_TOLERANCE_MS} (the real time the commands took). The gaps of a run never add up
 * to a TTL ({@link TTL_MS}), so no key expires in between (expiry is the conformance test's).
 *
 * Every signal the bucket takes is generated here, and the compiler holds the list: each generator
 * below `satisfies` a record over the keys of its type (`RateCost`, `RateAdjustment`,
 * `RateBucketConfig`, the rates), so a new field is a type error until this test drives both twins
 * with it. A new pacing signal is its arithmetic in `rate-bucket.ts`, the same in the Lua
 * `RATE_BUCKET`, and its generator here.
 */

/** One generator per field of `T` (the compiler refuses a missing or an unknown one). */
type EveryField<T> = { [K in keyof Required<T>]: fc.Arbitrary<T[K]> };

/** Every bucket lives 2 h: 20 gaps of at most 5 min never reach it. */
const TTL_MS = 2 * 60 * 60_000;
/** Real time between the memory store's TTL and Redis's PTTL of the same key (a loaded machine). */
const TTL_TOLERANCE_MS = 1000;
const START = Date.UTC(2026, 0, 1);

const TIME_CALL = "redis.call('TIME')";

/**
 * node-redis's client with Redis's clock replaced by `now()` in the scripts that read it: every
 * script goes by `EVAL` (the store falls back to it on `NOSCRIPT`), and the script's one
 * `redis.call('TIME')` becomes the `{seconds, microseconds}` of `now()`, passed as two more ARGV.
 */
function clockedClient(client: TestRedisClient, now: () => number): RedisScriptClient {
  const redis = client as unknown as RedisScriptClient;
  return {
    evalSha: async () => {
      throw new Error('NOSCRIPT the test runs every script by EVAL, on its own clock');
    },
    eval: (script, call) => {
      const reads = script.split(TIME_CALL).length - 1;
      if (reads === 0) return redis.eval(script, call);
      if (reads !== 1) throw new Error(`a script reads TIME ${reads} times: the test fakes one`);
      const ms = now();
      return redis.eval(script.replace(TIME_CALL, '{ARGV[#ARGV - 1], ARGV[#ARGV]}'), {
        keys: call.keys,
        arguments: [...call.arguments, String(Math.floor(ms / 1000)), String((ms % 1000) * 1000)],
      });
    },
  };
}

/** Equal up to the 14 significant digits of the script's `cjson` reply (and an ulp of `exp`). */
function close(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== 'number' || typeof actual !== 'number') return actual === expected;
  return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
}

function expectClose(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name of Object.keys(expected)) {
    if (!close(actual[name], expected[name]))
      expect.fail(`${name}: Redis ${actual[name]}, memory ${expected[name]}`);
  }
}

type Rates = NonNullable<RateBucketConfig['limits']>;
const rates = {
  rpm: fc.constantFrom(1, 3, 60, 600, 10_000),
  tpm: fc.constantFrom(100, 1000, 90_000, 2_000_000),
} satisfies EveryField<Rates>;
/** Each rate given or left out (then the recorded one holds), or no `limits` at all. */
const limits = fc.option(fc.record(rates, { requiredKeys: [] }), {
  // Mostly given: a bucket whose rates no call has given yet takes everything.
  nil: undefined,
  freq: 6,
});
/** Whole numbers (the waits land exactly on the `maxWaitMs` values) and fractions. */
const tokens = fc.oneof(
  fc.integer({ min: 0, max: 20_000 }),
  fc.double({ min: 0, max: 5000, noNaN: true }),
);
/** Tokens of a retry budget: whole, tenths (a `successReward` of 0.1), or any fraction. */
const budgetAmount = fc.oneof(
  fc.integer({ min: 0, max: 12 }),
  fc.integer({ min: 0, max: 30 }).map(n => n / 10),
  fc.double({ min: 0, max: 12, noNaN: true }),
);

/** A lane and a tenant (a few, so that they meet; an odd one is counted as `?`). */
const lane = fc.constantFrom('interactive' as const, 'background' as const);
const tenant = fc.constantFrom('', 'a1', 'b2', 'c3', 'x-y_Z', 'not ok;=,', 'z'.repeat(33));
/** A reservation's id (a few, so that a claim meets its take; an odd one is not recorded). */
const id = fc.constantFrom('r1', 'r2', 'r3', 'x-y_Z', '', 'not ok;=', 'z'.repeat(33));
/** What a take costs: without a lane mostly (today's reservation), else in one. */
const cost = {
  requests: fc.constantFrom(0, 1, 1, 2, 5),
  tokens,
  lane,
  tenant,
  parked: fc.boolean(),
  id,
} satisfies EveryField<RateCost>;
/** Each correction given or left out. */
const change = {
  requests: fc.integer({ min: -3, max: 3 }),
  tokens: fc.oneof(
    fc.integer({ min: -5000, max: 5000 }),
    fc.double({ min: -5000, max: 5000, noNaN: true }),
  ),
  atMostRequests: fc.integer({ min: -2, max: 20 }),
  atMostTokens: fc.integer({ min: -100, max: 100_000 }),
  unpark: fc.record({ lane, tenant }),
  untake: fc.record({ lane, tenant, id }, { requiredKeys: ['lane', 'tenant'] }),
  claim: id,
} satisfies EveryField<RateAdjustment>;
/** The bucket's configuration (`ttlMs` is fixed: {@link TTL_MS}; `burstMs` is per run). */
const config = {
  limits,
  burstMs: fc.constantFrom(1, 1000, 10_000, 60_000),
  ttlMs: fc.constant(TTL_MS),
} satisfies EveryField<RateBucketConfig>;
const maxWaitMs = fc.oneof(
  fc.constantFrom(0, 1000, 6000, 20_000, 60_000, 1e9),
  fc.integer({ min: 0, max: 120_000 }),
);

const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('take' as const),
      key: fc.constantFrom('pace:a', 'pace:b'),
      cost: fc.oneof(
        fc.record({ requests: cost.requests, tokens: cost.tokens }),
        fc.record(cost, { requiredKeys: ['requests', 'tokens', 'lane'] }),
      ),
      maxWaitMs,
      limits: config.limits,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('adjust' as const),
      key: fc.constantFrom('pace:a', 'pace:b'),
      change: fc.record(change, { requiredKeys: [] }),
      limits: config.limits,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('takeTokens' as const), cost: budgetAmount }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('addTokens' as const), amount: budgetAmount }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('idle' as const),
      ms: fc.oneof(
        fc.constantFrom(1, 999, 1000, 10_000, 60_000, 300_000),
        fc.integer({ min: 0, max: 300_000 }),
      ),
    }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer O> ? O : never;

const runConfig = fc.record({
  burstMs: config.burstMs,
  ttlMs: config.ttlMs,
  capacity: fc.constantFrom(1, 2.5, 10, 500),
});
type RunConfig = typeof runConfig extends fc.Arbitrary<infer C> ? C : never;

/** The operation on `store`, and the key whose TTL it may have set. */
async function apply(
  store: ResilienceStore,
  c: Exclude<Op, { op: 'idle' }>,
  config: RunConfig,
): Promise<{ answer: unknown; key: string }> {
  const bucket = { burstMs: config.burstMs, ttlMs: config.ttlMs };
  const budget = { capacity: config.capacity, ttlMs: TTL_MS };
  switch (c.op) {
    case 'take':
      return {
        key: c.key,
        answer: await store.takeFromRateBucket(c.key, c.cost, {
          ...bucket,
          limits: c.limits,
          maxWaitMs: c.maxWaitMs,
        }),
      };
    case 'adjust':
      return {
        key: c.key,
        answer: await store.adjustRateBucket(c.key, c.change, { ...bucket, limits: c.limits }),
      };
    case 'takeTokens':
      return { key: 'budget', answer: await store.takeTokens('budget', c.cost, budget) };
    case 'addTokens':
      return { key: 'budget', answer: await store.addTokens('budget', c.amount, budget) };
  }
}

const available = findRedisServer() !== undefined;
if (!available) console.warn('[store-redis] redis-server is missing: the Lua twin test is skipped');

describe.skipIf(!available)('the Lua scripts and their TypeScript twins agree', () => {
  let server: RedisServer;
  let client: TestRedisClient;
  let now = START;
  let run = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectRedis(server, { disableOfflineQueue: true });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });
  // Only `Date` is faked: node-redis keeps its real timers.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    now = START;
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A memory store and a Redis store (fresh keys) on the test's clock, and a way to move it. */
  function twins() {
    const prefix = `twin${++run}:`;
    const memory = createMemoryStore();
    const redis = createRedisStore({ client: clockedClient(client, () => now), prefix });
    return {
      memory,
      redis,
      /** The key's TTL in each store. */
      async ttls(key: string) {
        return { memory: await memory.getCooldown(key), redis: await client.pTTL(prefix + key) };
      },
      /** Time passes for both: the fake clock moves on, and every Redis key's TTL with it. */
      async idle(ms: number) {
        now += ms;
        vi.setSystemTime(now);
        for (const key of await client.keys(`${prefix}*`)) {
          const left = await client.pTTL(key);
          if (left - ms <= 0) await client.del(key);
          else await client.pExpire(key, left - ms);
        }
      },
    };
  }

  it('a budget paid back by tenths (1 taken, 10 × 0.1 back) holds 0.9999999999999999 in both stores, which both refuse a take of 1 (Lua kept 14 digits: 1)', async () => {
    const { memory, redis } = twins();
    const budget = { capacity: 1, ttlMs: TTL_MS };
    for (const store of [memory, redis]) {
      expect(await store.takeTokens('budget', 1, budget)).toEqual({ granted: true, remaining: 0 });
      let count = 0;
      for (let i = 0; i < 10; i++) count = await store.addTokens('budget', 0.1, budget);
      expect(count).toBe(0.9999999999999999);
      expect(await store.takeTokens('budget', 1, budget)).toEqual({
        granted: false,
        remaining: 0.9999999999999999,
      });
    }
  });

  it('an interactive take goes at a background slot reserved ahead, whose claim answers the time it moved, then sends: both twins alike', async () => {
    const { memory, redis, idle } = twins();
    const bucket = { limits: { rpm: 60 }, burstMs: 1, ttlMs: TTL_MS, maxWaitMs: 60_000 };
    const background = { requests: 1, tokens: 0, lane: 'background' as const, tenant: 'a1' };
    const interactive = { requests: 1, tokens: 0, lane: 'interactive' as const, tenant: '' };
    const answers: Record<string, unknown>[][] = [[], []];
    const both = async (call: (store: ResilienceStore) => Promise<object>) => {
      for (const [i, store] of [memory, redis].entries())
        answers[i]?.push((await call(store)) as Record<string, unknown>);
    };
    await both(store => store.takeFromRateBucket('pace', { ...background, id: 'r1' }, bucket));
    await idle(600);
    await both(store => store.takeFromRateBucket('pace', { ...background, id: 'r2' }, bucket));
    await both(store => store.takeFromRateBucket('pace', interactive, bucket));
    await idle(400);
    await both(store => store.adjustRateBucket('pace', { claim: 'r2' }, bucket));
    await idle(1000);
    await both(store => store.adjustRateBucket('pace', { claim: 'r2' }, bucket));
    const [fromMemory, fromRedis] = answers as [
      Record<string, unknown>[],
      Record<string, unknown>[],
    ];
    for (const [i, expected] of fromMemory.entries())
      expectClose(fromRedis[i] as Record<string, unknown>, expected);
    expect(fromMemory.map(a => [a.waitMs, a.reserved, a.movedMs])).toEqual([
      [0, undefined, undefined], // sent at once: not recorded
      [400, true, undefined], // recorded, due at 1,000 ms from now
      [400, undefined, undefined], // the interactive take goes at r2's slot; r2 gets its 1,400 ms
      [undefined, undefined, 1000], // r2's claim at its old slot: 1,000 ms more
      [undefined, undefined, undefined], // at its new slot: sent
    ]);
  });

  it('gives the same grants, waits, counts and TTLs to any sequence of takes, adjustments, budget tokens and idle gaps', async () => {
    await checkProperty(
      'rate bucket and token budget: TypeScript ≡ Lua',
      fc.asyncProperty(
        runConfig,
        fc.array(op, { minLength: 1, maxLength: 20 }),
        async (config, ops) => {
          now = START;
          vi.setSystemTime(now);
          const { memory, redis, ttls, idle } = twins();
          for (const c of ops) {
            if (c.op === 'idle') {
              await idle(c.ms);
              continue;
            }
            const expected = await apply(memory, c, config);
            const actual = await apply(redis, c, config);
            if (typeof expected.answer === 'object')
              expectClose(
                actual.answer as Record<string, unknown>,
                expected.answer as Record<string, unknown>,
              );
            else expect(actual.answer).toBe(expected.answer);
            const ttl = await ttls(expected.key);
            expect(Math.abs(ttl.redis - ttl.memory), JSON.stringify(ttl)).toBeLessThanOrEqual(
              TTL_TOLERANCE_MS,
            );
            if (ttl.memory === 0) expect(ttl.redis).toBe(-2);
          }
        },
      ),
      100,
    );
  });
});
