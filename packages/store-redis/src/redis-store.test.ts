import { InvalidArgumentError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { createRedisStore, type RedisScriptClient, RedisStoreError } from './redis-store';

/**
 * A client that answers from a table, to pin down what the store does with each kind of reply. The
 * store against a real redis-server: test/fleet/redis-store.test.ts and store-conformance.test.ts.
 */
function scriptedClient(reply: (script: 'evalSha' | 'eval') => unknown) {
  const calls: Array<{ how: 'evalSha' | 'eval'; keys: string[]; arguments: string[] }> = [];
  const client: RedisScriptClient = {
    async evalSha(_sha, options) {
      calls.push({ how: 'evalSha', ...options });
      return reply('evalSha');
    },
    async eval(_script, options) {
      calls.push({ how: 'eval', ...options });
      return reply('eval');
    },
  };
  return { client, calls };
}

describe('createRedisStore', () => {
  it('runs each method as one EVALSHA under the prefix', async () => {
    const { client, calls } = scriptedClient(() => 1200);
    const store = createRedisStore({ client, prefix: 'p:' });
    expect(await store.getCooldown('cd')).toBe(1200);
    expect(calls).toEqual([{ how: 'evalSha', keys: ['p:cd'], arguments: [] }]);
  });

  it('sends each of its 8 methods with exactly one key, the prefixed one (one slot in a Redis Cluster)', async () => {
    const { client, calls } = scriptedClient(() => null);
    const store = createRedisStore({ client, prefix: 'p:' });
    const bucket = { capacity: 10, ttlMs: 1000 };
    const rate = { burstMs: 1000, ttlMs: 1000 };
    // The replies are not what the methods expect: only the calls they made matter here.
    await Promise.allSettled([
      store.getCooldown('k'),
      store.extendCooldown('k', 1000),
      store.takeTokens('k', 1, bucket),
      store.addTokens('k', 1, bucket),
      store.getBreaker('k'),
      store.compareAndSetBreaker('k', 0, undefined, 1000),
      store.takeFromRateBucket('k', { requests: 1, tokens: 0 }, { ...rate, maxWaitMs: 0 }),
      store.adjustRateBucket('k', { requests: 1 }, rate),
    ]);
    expect(calls.map(call => call.keys)).toEqual(Array.from({ length: 8 }, () => ['p:k']));
  });

  it('falls back to EVAL when Redis does not know the script (NOSCRIPT)', async () => {
    const { client, calls } = scriptedClient(how => {
      if (how === 'evalSha') throw new Error('NOSCRIPT No matching script');
      return 5000;
    });
    expect(await createRedisStore({ client }).extendCooldown('cd', 4999.2)).toBe(5000);
    expect(calls.map(c => c.how)).toEqual(['evalSha', 'eval']);
    expect(calls[1]?.arguments).toEqual(['5000']);
  });

  it('wraps a failed command and an unexpected reply in RedisStoreError', async () => {
    const down = scriptedClient(() => {
      throw new Error('ECONNREFUSED');
    });
    const error = await createRedisStore({ client: down.client })
      .getCooldown('cd')
      .catch(e => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect(error.message).toBe('Redis command failed: ECONNREFUSED');
    const odd = scriptedClient(() => 'not a number');
    await expect(createRedisStore({ client: odd.client }).getCooldown('cd')).rejects.toThrow(
      /Unexpected reply/,
    );
  });

  it('runs a rate-bucket operation as one script with a JSON argument, and checks the reply', async () => {
    const reply = JSON.stringify({
      granted: true,
      waitMs: 250,
      requests: -0.5,
      rpm: 120,
      recentRequests: 3,
    });
    const { client, calls } = scriptedClient(() => reply);
    const store = createRedisStore({ client, prefix: 'p:' });
    const config = { limits: { rpm: 120 }, burstMs: 1000, ttlMs: 60_000, maxWaitMs: 5000 };
    expect(await store.takeFromRateBucket('pace', { requests: 1, tokens: 40 }, config)).toEqual({
      granted: true,
      waitMs: 250,
      requests: -0.5,
      rpm: 120,
      recentRequests: 3,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.keys).toEqual(['p:pace']);
    expect(JSON.parse(calls[0]?.arguments[0] as string)).toEqual({
      op: 'take',
      rpm: 120,
      burstMs: 1000,
      ttlMs: 60_000,
      maxWaitMs: 5000,
      requests: 1,
      tokens: 40,
    });
    const odd = scriptedClient(() => 'not json');
    await expect(
      createRedisStore({ client: odd.client }).adjustRateBucket('pace', {}, config),
    ).rejects.toThrow(RedisStoreError);
  });

  it('rejects bad options with an InvalidArgumentError naming them, as the middleware does', () => {
    const { client } = scriptedClient(() => 0);
    const cases: Array<[unknown, string]> = [
      [undefined, 'options'],
      [{ client: {} }, 'client'],
      [{}, 'client'],
      [{ client, timeoutMs: 0 }, 'timeoutMs'],
      [{ client, timeoutMs: Number.NaN }, 'timeoutMs'],
      [{ client, prefix: 5 }, 'prefix'],
    ];
    for (const [options, argument] of cases) {
      let thrown: unknown;
      try {
        createRedisStore(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown), argument).toBe(true);
      expect(thrown).toMatchObject({ argument, message: expect.stringContaining(argument) });
    }
  });
});
