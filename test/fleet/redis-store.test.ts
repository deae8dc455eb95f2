import { createFleetGuard, RateLimitError } from '@alaya-code/ai-sdk-middleware';
import { createRedisStore, RedisStoreError } from '@alaya-code/ai-sdk-store-redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRedisServer, type RedisServer, startRedisServer } from '../support/redis-server';

const hasRedis = findRedisServer() !== undefined;
if (!hasRedis)
  console.warn('[store-redis] redis-server is not installed: the Redis store tests are skipped');

type Client = ReturnType<typeof createClient>;
const bucket = { capacity: 100, ttlMs: 60_000 };
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.skipIf(!hasRedis)('createRedisStore (real redis-server)', () => {
  let server: RedisServer;
  let client: Client;
  let prefix = '';
  let n = 0;
  const fresh = () => {
    prefix = `t${++n}:`;
    return createRedisStore({ client, prefix });
  };

  beforeAll(async () => {
    server = await startRedisServer();
    client = createClient({ url: server.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
  });

  afterAll(async () => {
    await client?.quit().catch(() => {});
    await server?.stop();
  });

  async function keysWithTtl() {
    const keys = await client.keys(`${prefix}*`);
    return Promise.all(keys.map(async key => [key, await client.pTTL(key)] as const));
  }

  it('keeps the longest cooldown, under the prefix, with a TTL', async () => {
    const store = fresh();
    expect(await store.getCooldown('cd')).toBe(0);
    expect(await store.extendCooldown('cd', 5000)).toBe(5000);
    const left = await store.extendCooldown('cd', 1000);
    expect(left).toBeGreaterThan(4000);
    expect(left).toBeLessThanOrEqual(5000);
    expect(await store.getCooldown('cd')).toBeGreaterThan(4000);
    expect(await store.extendCooldown('cd', 20_000.4)).toBe(20_001);
    const [[key, ttl]] = (await keysWithTtl()) as [[string, number]];
    expect(key).toBe(`${prefix}cd`);
    expect(ttl).toBeGreaterThan(19_000);
  });

  it('lets a cooldown expire', async () => {
    const store = fresh();
    await store.extendCooldown('cd', 50);
    await sleep(80);
    expect(await store.getCooldown('cd')).toBe(0);
    expect(await keysWithTtl()).toEqual([]);
  });

  it('takes and adds tokens atomically, with fractions, and deletes a full bucket', async () => {
    const store = fresh();
    expect(await store.takeTokens('b', 0, bucket)).toEqual({ granted: true, remaining: 100 });
    expect(await keysWithTtl()).toEqual([]);
    expect(await store.takeTokens('b', 2.5, bucket)).toEqual({ granted: true, remaining: 97.5 });
    const [[, ttl]] = (await keysWithTtl()) as [[string, number]];
    expect(ttl).toBeGreaterThan(59_000);
    expect(await store.addTokens('b', 1, bucket)).toBe(98.5);
    expect(await store.addTokens('b', 10, bucket)).toBe(100);
    expect(await keysWithTtl()).toEqual([]);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.takeTokens('b', 5, bucket)),
    );
    expect(results.filter(r => r.granted)).toHaveLength(20);
    expect(await store.takeTokens('b', 1, bucket)).toEqual({ granted: false, remaining: 0 });
  });

  it('reserves from a rate bucket atomically: concurrent takes queue up, one script each', async () => {
    const store = fresh();
    const config = { limits: { rpm: 600 }, burstMs: 1000, ttlMs: 60_000, maxWaitMs: 3_000 };
    const cost = { requests: 1, tokens: 0 };
    // 600 rpm: 10 at once, then one every 100 ms; a wait beyond 3 s is refused and takes nothing.
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.takeFromRateBucket('pace', cost, config)),
    );
    const granted = results.filter(r => r.granted);
    expect(granted.length).toBeGreaterThanOrEqual(40);
    expect(granted.length).toBeLessThanOrEqual(42); // 10 + 30 s of refill, plus the time it took
    const waits = granted.map(r => r.waitMs).sort((a, b) => a - b);
    expect(waits.filter(w => w === 0)).toHaveLength(10);
    for (let i = 11; i < waits.length; i++) {
      // 100 ms apart, less the time that passed between the two scripts (Redis's clock).
      const apart = (waits[i] as number) - (waits[i - 1] as number);
      expect(apart).toBeGreaterThan(80);
      expect(apart).toBeLessThanOrEqual(100);
    }
    expect(results.find(r => !r.granted)?.waitMs).toBeGreaterThan(3_000);
    // A later instance that does not know the rate paces at the recorded one.
    const other = await store.takeFromRateBucket('pace', cost, {
      ...config,
      limits: undefined,
      maxWaitMs: 10_000,
    });
    expect(other).toMatchObject({ granted: true, rpm: 600 });
    expect(other.waitMs).toBeGreaterThan(2_900);
    // The bucket lives until it has refilled.
    const [[, ttl]] = (await keysWithTtl()) as [[string, number]];
    expect(ttl).toBeGreaterThan(59_000);
    // Giving back and lowering to what the server says is left.
    const adjusted = await store.adjustRateBucket(
      'pace',
      { requests: 5, atMostRequests: -100 },
      { burstMs: 1000, ttlMs: 60_000 },
    );
    expect(adjusted.requests).toBe(-100);
    expect(adjusted.recentRequests).toBeGreaterThan(40);
  });

  /** Redis's clock (what the rate-bucket script refills by), in epoch ms. */
  async function redisNow(): Promise<number> {
    const [seconds, micros] = (await client.sendCommand(['TIME'])) as [string, string];
    return Number(seconds) * 1000 + Number(micros) / 1000;
  }

  /** Writes a rate bucket as the script stores it (`at` in the future: no time passes for it). */
  async function storeBucket(fields: { r: number; rpm: number; at: number }) {
    await client.hSet(`${prefix}pace`, {
      r: String(fields.r),
      rpm: String(fields.rpm),
      at: String(fields.at),
      n: '0',
    });
  }

  it('after a minute idle at 120 rpm, a burst gets exactly the capacity (2), not a minute of refill', async () => {
    const store = fresh();
    const config = { limits: { rpm: 120 }, burstMs: 1000, ttlMs: 60_000, maxWaitMs: 1e9 };
    await storeBucket({ r: 0, rpm: 120, at: (await redisNow()) - 60_000 });
    const cost = { requests: 1, tokens: 0 };
    const waits: number[] = [];
    for (let i = 0; i < 4; i++)
      waits.push((await store.takeFromRateBucket('pace', cost, config)).waitMs);
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    // Then one every 500 ms, less the few ms Redis's clock moved between the scripts.
    expect(waits[2]).toBeGreaterThan(400);
    expect(waits[2]).toBeLessThanOrEqual(500);
    expect(waits[3]).toBeGreaterThan(900);
    expect(waits[3]).toBeLessThanOrEqual(1000);
  });

  it('grants a take whose wait is exactly maxWaitMs, refuses it with a maxWaitMs one millisecond shorter', async () => {
    const store = fresh();
    const cost = { requests: 1, tokens: 0 };
    const config = { limits: { rpm: 60 }, burstMs: 0, ttlMs: 60_000 };
    const frozen = (await redisNow()) + 3_600_000;
    await storeBucket({ r: 0, rpm: 60, at: frozen });
    expect(
      await store.takeFromRateBucket('pace', cost, { ...config, maxWaitMs: 1000 }),
    ).toMatchObject({ granted: true, waitMs: 1000, requests: -1 });
    await storeBucket({ r: 0, rpm: 60, at: frozen });
    expect(
      await store.takeFromRateBucket('pace', cost, { ...config, maxWaitMs: 999 }),
    ).toMatchObject({ granted: false, waitMs: 1000, requests: 0 });
  });

  it('gives back up to exactly the capacity; a debt keeps its time when the rate changes', async () => {
    const store = fresh();
    const frozen = (await redisNow()) + 3_600_000;
    await storeBucket({ r: 0, rpm: 120, at: frozen });
    const back = await store.adjustRateBucket(
      'pace',
      { requests: 5 },
      { limits: { rpm: 120 }, burstMs: 1000, ttlMs: 60_000 },
    );
    expect(back.requests).toBe(2);
    // 10 requests owed at 60 per minute: 10 s. At 6 per minute that is 1 request, not 10 (100 s).
    await storeBucket({ r: -10, rpm: 60, at: frozen });
    const slower = await store.takeFromRateBucket(
      'pace',
      { requests: 1, tokens: 0 },
      { limits: { rpm: 6 }, burstMs: 0, ttlMs: 60_000, maxWaitMs: 1e9 },
    );
    expect(slower).toMatchObject({ granted: true, waitMs: 20_000, requests: -2 });
  });

  it('compare-and-sets breaker records: one winner among concurrent writers, deletes, TTL', async () => {
    const store = fresh();
    expect(await store.getBreaker('cb')).toEqual({ version: 0 });
    const open = { state: 'open' as const, failures: 5, openedAt: 1234 };
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.compareAndSetBreaker('cb', 0, { ...open, failures: i }, 30_000),
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    const read = await store.getBreaker('cb');
    expect(read.version).toBe(1);
    expect(read.record).toEqual({ ...open, failures: wins.indexOf(true) });
    const [[, ttl]] = (await keysWithTtl()) as [[string, number]];
    expect(ttl).toBeGreaterThan(29_000);
    expect(await store.compareAndSetBreaker('cb', 0, open, 30_000)).toBe(false);
    expect(await store.compareAndSetBreaker('cb', 1, undefined, 30_000)).toBe(true);
    expect(await store.getBreaker('cb')).toEqual({ version: 0 });
  });

  it('treats a record it cannot read as closed', async () => {
    const store = fresh();
    await client.hSet(`${prefix}cb`, { v: '3', d: '{not json' });
    expect(await store.getBreaker('cb')).toEqual({ version: 3 });
  });

  it('loads its scripts again after SCRIPT FLUSH (EVAL fallback)', async () => {
    const store = fresh();
    await store.extendCooldown('cd', 1000);
    await client.scriptFlush();
    expect(await store.getCooldown('cd')).toBeGreaterThan(0);
  });

  it('shares a 429 between two instances (two clients, two guards)', async () => {
    const other = createClient({ url: server.url, disableOfflineQueue: true });
    other.on('error', () => {});
    await other.connect();
    try {
      const a = createFleetGuard({ store: fresh(), cooldownSpreadMs: 0 });
      const b = createFleetGuard({
        store: createRedisStore({ client: other, prefix }),
        cooldownSpreadMs: 0,
      });
      const info = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
      await a.onFailure({
        ...info,
        error: new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 300 }),
      });
      const started = Date.now();
      await b.beforeAttempt(info);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect((await b.getState()).models[0]?.cooldownMs).toBe(0);
    } finally {
      await other.quit();
    }
  });

  it('a Redis that stops answering delays a call by storeTimeoutMs at most (CLIENT PAUSE)', async () => {
    const reports: unknown[] = [];
    const guard = createFleetGuard({
      store: fresh(),
      storeTimeoutMs: 50,
      onStoreError: e => reports.push(e),
    });
    const admin = client.duplicate();
    admin.on('error', () => {});
    await admin.connect();
    try {
      await admin.sendCommand(['CLIENT', 'PAUSE', '600', 'ALL']);
      const started = Date.now();
      await guard.beforeAttempt({ modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 });
      expect(Date.now() - started).toBeLessThan(500);
      expect(reports).toHaveLength(1);
    } finally {
      await sleep(650);
      await admin.quit();
    }
  });

  it('drops a command queued while Redis is unreachable after timeoutMs (offline queue on)', async () => {
    const doomed = await startRedisServer();
    const queued = createClient({ url: doomed.url, socket: { reconnectStrategy: () => 100 } });
    queued.on('error', () => {});
    await queued.connect();
    const store = createRedisStore({ client: queued, timeoutMs: 150 });
    await doomed.stop('SIGKILL');
    await sleep(50);
    const started = Date.now();
    const error = await store.getCooldown('x').catch(e => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect(Date.now() - started).toBeLessThan(1000);
    queued.destroy();
  });

  it('fails fast with RedisStoreError when Redis is gone; the guard goes on with local state', async () => {
    const doomed = await startRedisServer();
    const lonely = createClient({
      url: doomed.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 100 },
    });
    lonely.on('error', () => {});
    await lonely.connect();
    const store = createRedisStore({ client: lonely, timeoutMs: 200 });
    await store.extendCooldown('x', 1000);
    await doomed.stop('SIGKILL');
    await sleep(50);
    const error = await store.getCooldown('x').catch(e => e);
    expect(error).toBeInstanceOf(RedisStoreError);

    const reports: unknown[] = [];
    const guard = createFleetGuard({ store, onStoreError: event => reports.push(event) });
    const info = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
    await guard.beforeAttempt(info);
    await guard.onFailure({
      ...info,
      error: new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 10 }),
    });
    expect(
      await guard.allowRetry({
        ...info,
        error: new RateLimitError({ message: '429', statusCode: 429 }),
      }),
    ).toBe(true);
    expect(reports).toHaveLength(1);
    expect((await guard.getState()).store.healthy).toBe(false);
    await lonely.destroy();
  });
});
