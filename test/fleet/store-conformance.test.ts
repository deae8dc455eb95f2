import {
  type BreakerRecord,
  createMemoryStore,
  type ResilienceStore,
} from '@alaya-code/ai-sdk-middleware';
// The test package does not depend on the store package (yet): its source, run by tsx.
import { createRedisStore } from '@alaya-code/ai-sdk-store-redis';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz';
import { findRedisServer, type RedisServer, startRedisServer } from '../support/redis-server';

/** Cooldown lengths are read back a few ms later from Redis (PTTL) than from memory. */
const CLOCK_TOLERANCE_MS = 250;
const bucket = { capacity: 50, ttlMs: 60_000 };

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
  }
}

describe.skipIf(!findRedisServer())('the Redis store behaves like the memory store', () => {
  let server: RedisServer;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createClient({ url: server.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('gives the same answers to any sequence of commands', async () => {
    let run = 0;
    await checkProperty(
      'memory store ≡ Redis store',
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async commands => {
        const prefix = `conf${++run}:`;
        const memory = createMemoryStore();
        const redis = createRedisStore({ client, prefix: 'alaya:' });
        for (const c of commands) {
          const expected = await apply(memory, prefix, c);
          const actual = await apply(redis, prefix, c);
          if (c.op === 'getCooldown' || c.op === 'extendCooldown') {
            expect(Math.abs((actual as number) - (expected as number))).toBeLessThanOrEqual(
              CLOCK_TOLERANCE_MS,
            );
          } else {
            expect(actual).toEqual(expected);
          }
        }
        // Every key the commands left in Redis expires.
        for (const stored of await client.keys(`alaya:${prefix}*`)) {
          expect(await client.pTTL(stored)).toBeGreaterThan(0);
        }
      }),
      60,
    );
  });
});
