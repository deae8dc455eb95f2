import { createClient, createCluster, type RedisClientOptions } from 'redis';

/** A Redis to connect to: one server (`{ url }`), or a cluster (`{ rootNodes }`, see redis-server.ts). */
export type RedisTarget = { url: string } | { rootNodes: Array<{ url: string }> };

/** node-redis's client of one server, or its cluster client. */
export type TestRedisClient = ReturnType<typeof createClient> | ReturnType<typeof createCluster>;

/** Connection options for one server, or for every node of a cluster. */
export type TestRedisOptions = Pick<RedisClientOptions, 'disableOfflineQueue' | 'socket'>;

/**
 * Connects node-redis to `target`: `createClient` for one server, `createCluster` (`options` as its
 * `defaults`) for a cluster, as the store-redis README shows. `error` events are ignored: the tests
 * see failures through the store.
 */
export async function connectRedis(
  target: RedisTarget,
  options: TestRedisOptions = {},
): Promise<TestRedisClient> {
  const client =
    'rootNodes' in target
      ? createCluster({ rootNodes: target.rootNodes, defaults: options })
      : createClient({ ...options, url: target.url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The keys matching `pattern`, on every master of a cluster (a cluster client's KEYS reaches one). */
export async function keysEverywhere(client: TestRedisClient, pattern: string): Promise<string[]> {
  if (!isCluster(client)) return client.keys(pattern);
  const perNode = await Promise.all(
    client.masters.map(async master => (await client.nodeClient(master)).keys(pattern)),
  );
  return perNode.flat();
}

/** Whether `client` is node-redis's cluster client. */
export function isCluster(client: TestRedisClient): client is ReturnType<typeof createCluster> {
  return 'masters' in client;
}
