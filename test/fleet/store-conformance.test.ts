import {
  type BreakerRecord,
  createMemoryStore,
  type ResilienceStore,
} from '@alaya-code/ai-sdk-middleware';
// The test package does not depend on the store package (yet): its source, run by tsx.
import { createRedisStore } from '@alaya-code/ai-sdk-store-redis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz';
import { connectRedis, keysEverywhere, type TestRedisClient } from '../support/redis-client';
import {
  findRedisCli,
  findRedisServer,
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../support/redis-server';

/** Cooldown lengths are read back a few ms later from Redis (PTTL) than from memory. */
const CLOCK_TOLERANCE_MS = 250;
const bucket = { capacity: 50, ttlMs: 60_000 };

/**
 * Rate buckets refill by the store's clock, which moves a little between the memory store's call and
 * Redis's. The rates are slow (6 or 3 requests, 600 tokens per minute) and costs whole (requests) or
 * in hundreds (tokens), so every wait is a whole multiple of 10 s minus that drift, and the
 * `maxWaitMs` values are far from those multiples: the two stores grant the same takes.
 */
const rateConfig = { burstMs: 20_000, ttlMs: 60_000 };
const rateLimits = fc.constantFrom(
  undefined,
  { rpm: 6 },
  { rpm: 3 },
  { tpm: 600 },
  { rpm: 6, tpm: 600 },
);
const RATE_TOLERANCE = { requests: 0.05, tokens: 5, waitMs: CLOCK_TOLERANCE_MS };

const key = fc.constantFrom('a', 'b');
const record: fc.Arbitrary<BreakerRecord | undefined> = fc.option(
  fc.record({
    state: fc.constantFrom('closed' as const, 'open' as const, 'half-open' as const),
    failures: fc.integer({ min: 0, max: 9 }),
    openedAt: fc.integer({ min: 0, max: 2_000_000_000_000 }),
  }),
  { nil: undefined },
);
const command = fc.oneof(
  fc.record({ op: fc.constant('getCooldown' as const), key }),
  fc.record({
    op: fc.constant('extendCooldown' as const),
    key,
    ms: fc.integer({ min: 1000, max: 100_000 }),
  }),
  fc.record({ op: fc.constant('takeTokens' as const), key, cost: fc.integer({ min: 0, max: 30 }) }),
  fc.record({
    op: fc.constant('addTokens' as const),
    key,
    amount: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({ op: fc.constant('getBreaker' as const), key }),
  fc.record({
    op: fc.constant('compareAndSetBreaker' as const),
    key,
    version: fc.integer({ min: 0, max: 3 }),
    record,
  }),
  fc.record({
    op: fc.constant('takeFromRateBucket' as const),
    key,
    requests: fc.integer({ min: 0, max: 2 }),
    tokens: fc.integer({ min: 0, max: 4 }).map(n => n * 100),
    limits: rateLimits,
    maxWaitMs: fc.constantFrom(0, 15_000, 35_000, 1e9),
  }),
  fc.record({
    op: fc.constant('adjustRateBucket' as const),
    key,
    change: fc.record(
      {
        requests: fc.integer({ min: -1, max: 1 }),
        tokens: fc.integer({ min: -2, max: 2 }).map(n => n * 100),
        atMostRequests: fc.integer({ min: -1, max: 1 }),
        atMostTokens: fc.integer({ min: 0, max: 2 }).map(n => n * 100),
      },
      { requiredKeys: [] },
    ),
    limits: rateLimits,
  }),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

/** Each kind of state has its own keys, as the fleet guard's `cooldown:` / `budget:` / `breaker:` keys do. */
const FAMILY = {
  getCooldown: 'cooldown',
  extendCooldown: 'cooldown',
  takeTokens: 'budget',
  addTokens: 'budget',
  getBreaker: 'breaker',
  compareAndSetBreaker: 'breaker',
  takeFromRateBucket: 'pace',
  adjustRateBucket: 'pace',
} as const;

function apply(store: ResilienceStore, prefix: string, c: Command): Promise<unknown> {
  const k = `${prefix}${FAMILY[c.op]}:${c.key}`;
  switch (c.op) {
    case 'getCooldown':
      return store.getCooldown(k);
    case 'extendCooldown':
      return store.extendCooldown(k, c.ms);
    case 'takeTokens':
      return store.takeTokens(k, c.cost, bucket);
    case 'addTokens':
      return store.addTokens(k, c.amount, bucket);
    case 'getBreaker':
      return store.getBreaker(k);
    case 'compareAndSetBreaker':
      return store.compareAndSetBreaker(k, c.version, c.record, 60_000);
    case 'takeFromRateBucket':
      return store.takeFromRateBucket(
        k,
        { requests: c.requests, tokens: c.tokens },
        { ...rateConfig, limits: c.limits, maxWaitMs: c.maxWaitMs },
      );
    case 'adjustRateBucket':
      return store.adjustRateBucket(k, c.change, { ...rateConfig, limits: c.limits });
  }
}

/** A rate-bucket answer, with its clock-dependent numbers within tolerance of the memory store's. */
function expectSameRateAnswer(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  const exact = (o: Record<string, unknown>) => ({
    granted: o.granted,
    rpm: o.rpm,
    tpm: o.tpm,
    dimensions: [o.requests === undefined, o.tokens === undefined, o.waitMs === undefined],
  });
  expect(exact(actual)).toEqual(exact(expected));
  for (const name of ['requests', 'tokens', 'waitMs'] as const) {
    if (expected[name] === undefined) continue;
    expect(Math.abs((actual[name] as number) - (expected[name] as number))).toBeLessThanOrEqual(
      RATE_TOLERANCE[name],
    );
  }
  const recent = expected.recentRequests as number;
  expect(Math.abs((actual.recentRequests as number) - recent)).toBeLessThanOrEqual(
    0.01 + recent * 0.01,
  );
}

/** One redis-server, and a 3-master Redis Cluster through node-redis's cluster client. */
const targets = [
  { name: 'one redis-server', available: findRedisServer() !== undefined, start: startRedisServer },
  {
    name: 'a 3-master Redis Cluster (createCluster)',
    available: findRedisServer() !== undefined && findRedisCli() !== undefined,
    start: () => startRedisCluster(),
  },
];
for (const target of targets.filter(t => !t.available))
  console.warn(`[store-redis] redis-server or redis-cli is missing: skipped on ${target.name}`);

describe.each(targets)('the Redis store behaves like the memory store on $name', target => {
  let redis: RedisServer | RedisCluster;
  let client: TestRedisClient;

  beforeAll(async () => {
    if (!target.available) return;
    redis = await target.start();
    client = await connectRedis(redis, { disableOfflineQueue: true });
  });
  afterAll(async () => {
    client?.destroy();
    await redis?.stop();
  });

  it.skipIf(!target.available)('gives the same answers to any sequence of commands', async () => {
    // Unique per attempt: a retried test must not meet the keys the failed attempt left in Redis.
    const attempt = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    let run = 0;
    await checkProperty(
      'memory store ≡ Redis store',
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async commands => {
        const prefix = `conf${attempt}-${++run}:`;
        const memory = createMemoryStore();
        const redis = createRedisStore({ client, prefix: 'alaya:' });
        for (const c of commands) {
          const before = performance.now();
          const expected = await apply(memory, prefix, c);
          const actual = await apply(redis, prefix, c);
          // The two stores read their clocks one round trip apart: on a loaded machine that trip
          // alone can pass the tolerance (268 ms was seen), so it is added to it.
          const between = performance.now() - before;
          if (c.op === 'getCooldown' || c.op === 'extendCooldown') {
            expect(Math.abs((actual as number) - (expected as number))).toBeLessThanOrEqual(
              CLOCK_TOLERANCE_MS + between,
            );
          } else if (c.op === 'takeFromRateBucket' || c.op === 'adjustRateBucket') {
            expectSameRateAnswer(
              actual as Record<string, unknown>,
              expected as Record<string, unknown>,
            );
          } else {
            expect(actual).toEqual(expected);
          }
        }
        // Every key the commands left in Redis (on any node) expires.
        for (const stored of await keysEverywhere(client, `alaya:${prefix}*`)) {
          expect(await client.pTTL(stored)).toBeGreaterThan(0);
        }
      }),
      60,
    );
  });
});
