import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  BadGatewayError,
  createFleetGuard,
  RateLimitError,
  type StoreErrorEvent,
} from '@alaya-code/ai-sdk-middleware';
// The test package does not depend on the store package (yet): its source, run by tsx.
import {
  createRedisStore,
  type RedisScriptClient,
  RedisStoreError,
  type ScriptArguments,
} from '@alaya-code/ai-sdk-store-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portIsFree } from '../support/free-port';
import { connectRedis, isCluster, type TestRedisClient } from '../support/redis-client';
import {
  findRedisCli,
  findRedisServer,
  type RedisCluster,
  startRedisCluster,
} from '../support/redis-server';

const hasCluster = findRedisServer() !== undefined && findRedisCli() !== undefined;
if (!hasCluster)
  console.warn(
    '[store-redis] redis-server or redis-cli is missing: the Redis Cluster tests are skipped',
  );

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

type Cluster = Extract<TestRedisClient, { masters: unknown }>;

/** Every script call a client makes: how (EVALSHA or EVAL) and with which keys. */
function recording(client: RedisScriptClient) {
  const calls: Array<{ how: 'evalSha' | 'eval'; keys: string[] }> = [];
  const recorder: RedisScriptClient = {
    evalSha(sha: string, options: ScriptArguments) {
      calls.push({ how: 'evalSha', keys: options.keys });
      return client.evalSha(sha, options);
    },
    eval(script: string, options: ScriptArguments) {
      calls.push({ how: 'eval', keys: options.keys });
      return client.eval(script, options);
    },
  };
  return { recorder, calls };
}

/** The keys matching `pattern` on each master, by port. */
async function keysByNode(client: Cluster, pattern: string): Promise<Map<number, string[]>> {
  const byNode = new Map<number, string[]>();
  for (const master of client.masters) {
    byNode.set(master.port, await (await client.nodeClient(master)).keys(pattern));
  }
  return byNode;
}

/** `redis-server` processes this test process started and has not reaped. */
function childRedisServers(): number {
  return readdirSync('/proc').filter(pid => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [, name, rest] = /^\d+ \((.*)\) (.*)$/.exec(stat) ?? [];
      return name === 'redis-server' && rest?.split(' ')[1] === String(process.pid);
    } catch {
      return false;
    }
  }).length;
}

const clusterDirs = () =>
  readdirSync(tmpdir()).filter(name => name.startsWith('alaya-redis-cluster-')).length;

describe.skipIf(!hasCluster)('the Redis store on a 3-master Redis Cluster (createCluster)', () => {
  let cluster: RedisCluster;
  let client: Cluster;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startRedisCluster();
    console.log(`[store-redis] 3-master Redis Cluster up in ${Date.now() - started} ms`);
    const connected = await connectRedis(cluster, { disableOfflineQueue: true });
    if (!isCluster(connected)) throw new Error('expected a cluster client');
    client = connected;
  });
  afterAll(async () => {
    client?.destroy();
    await cluster?.stop();
  });

  it('every store operation is one script on one key (no CROSSSLOT), and models spread over the masters', async () => {
    const { recorder, calls } = recording(client);
    const storeErrors: StoreErrorEvent[] = [];
    const guard = createFleetGuard({
      store: createRedisStore({ client: recorder, prefix: 'spread:' }),
      apiKey: 'cluster-test-key',
      circuitBreaker: { failureThreshold: 5 },
      pacing: { rpm: 600 },
      cooldownSpreadMs: 0,
      onStoreError: event => storeErrors.push(event),
    });
    const models = ['glm-5.2', 'glm-5.1', 'glm-4.6', 'kimi-k2', 'qwen3-coder', 'deepseek-v3'];
    for (const modelId of models) {
      const info = { modelId, provider: 'alaya.chat', attempt: 1 };
      await guard.beforeAttempt(info); // pace:
      await guard.onFailure({
        ...info,
        error: new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 60_000 }),
      }); // cooldown: (first: a 429 is an answer, which clears the breaker's failures)
      await guard.onFailure({
        ...info,
        error: new BadGatewayError({ message: '502', statusCode: 502 }),
      }); // breaker:
      await guard.allowRetry({ ...info, error: new BadGatewayError({ message: '502' }) }); // budget:
    }
    // The cluster refuses a script whose keys are on two slots, so none of the guard's was.
    await expect(client.eval('return 1', { keys: ['spread:a', 'spread:b'] })).rejects.toThrow(
      /CROSSSLOT/,
    );
    expect(storeErrors).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter(call => call.keys.length !== 1)).toEqual([]);

    const byNode = await keysByNode(client, 'spread:*');
    const stored = [...byNode.values()].flat();
    // Every kind of state, for every model (the budget is per key, not per model).
    for (const modelId of models) {
      for (const family of ['pace', 'breaker', 'cooldown']) {
        expect(
          stored.filter(key => key.startsWith(`spread:${family}:`) && key.endsWith(`:${modelId}`)),
        ).toHaveLength(1);
      }
    }
    expect(stored.filter(key => key.startsWith('spread:budget:'))).toHaveLength(1);
    // Each key lives on the one master that owns its slot, and the models' keys use every master.
    expect(new Set(stored).size).toBe(stored.length);
    for (const [port, keys] of byNode) {
      expect(keys.length, `keys on the master on port ${port}`).toBeGreaterThan(0);
    }
  });

  it('loads its scripts on each master it reaches (SCRIPT FLUSH everywhere: one EVAL per node)', async () => {
    const { recorder, calls } = recording(client);
    const store = createRedisStore({ client: recorder, prefix: 'scripts:' });
    // One key on each master (the slot decides; the first few names cover all three).
    const onNode = new Map<number, string>();
    for (let i = 0; onNode.size < client.masters.length && i < 100; i++) {
      await store.extendCooldown(`k${i}`, 60_000);
      for (const [port, keys] of await keysByNode(client, `scripts:k${i}`)) {
        if (keys.length > 0 && !onNode.has(port)) onNode.set(port, `k${i}`);
      }
    }
    expect(onNode.size).toBe(3);
    for (const master of client.masters) await (await client.nodeClient(master)).scriptFlush();

    for (const key of onNode.values()) {
      calls.length = 0;
      expect(await store.getCooldown(key)).toBeGreaterThan(50_000);
      expect(calls.map(call => call.how)).toEqual(['evalSha', 'eval']); // NOSCRIPT on this node
      calls.length = 0;
      expect(await store.getCooldown(key)).toBeGreaterThan(50_000);
      expect(calls.map(call => call.how)).toEqual(['evalSha']); // loaded there now
    }
  });

  it('a master that dies fails its keys with RedisStoreError (at once, or after timeoutMs with the offline queue on), the others still answer', async () => {
    // Default client options (offline queue on): the store's timeoutMs bounds a queued command.
    const queued = await connectRedis(cluster, { socket: { reconnectStrategy: () => 100 } });
    try {
      const store = createRedisStore({ client: queued, prefix: 'dead:', timeoutMs: 300 });
      const onNode = new Map<number, string>();
      for (let i = 0; onNode.size < 3 && i < 100; i++) {
        await store.extendCooldown(`k${i}`, 60_000);
        for (const [port, keys] of await keysByNode(client, `dead:k${i}`)) {
          if (keys.length > 0 && !onNode.has(port)) onNode.set(port, `k${i}`);
        }
      }
      const [victim, ...survivors] = cluster.nodes;
      await victim?.stop('SIGKILL');
      const started = Date.now();
      const error = await Promise.race([
        store.getCooldown(onNode.get(victim?.port ?? 0) ?? '').catch(e => e),
        sleep(3_000).then(() => 'still waiting after 3 s'),
      ]);
      expect(error).toBeInstanceOf(RedisStoreError);
      expect(Date.now() - started).toBeLessThan(2_000);
      // With disableOfflineQueue (the recommended setting) at once.
      const unqueued = createRedisStore({ client, prefix: 'dead:' });
      const startedUnqueued = Date.now();
      await expect(unqueued.getCooldown(onNode.get(victim?.port ?? 0) ?? '')).rejects.toThrow(
        RedisStoreError,
      );
      expect(Date.now() - startedUnqueued).toBeLessThan(500); // its timeoutMs is 1000
      // Within the cluster's node timeout (15 s) the other masters still serve their slots.
      for (const survivor of survivors) {
        expect(await store.getCooldown(onNode.get(survivor.port) ?? '')).toBeGreaterThan(0);
      }
    } finally {
      queued.destroy();
    }
  });

  it('stop() kills every node and removes the nodes directory', async () => {
    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    for (const node of cluster.nodes) {
      expect(await portIsFree(node.port)).toBe(true);
      expect(await portIsFree(node.port + 10_000)).toBe(true); // the cluster bus
    }
    expect(childRedisServers()).toBe(0);
  });
});

/** Starts a cluster in a child process (`node --import tsx`) and resolves with it and its nodes. */
async function clusterInChild(): Promise<{ child: ChildProcess; ports: number[]; dir: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./support/redis-server.ts').then(async ({ startRedisCluster }) => {
        const cluster = await startRedisCluster();
        console.log(JSON.stringify({ ports: cluster.nodes.map(node => node.port), dir: cluster.dir }));
        setInterval(() => {}, 1000);
      })`,
    ],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const [line] = (await once(createInterface({ input: child.stdout as Readable }), 'line')) as [
      string,
    ];
    return { child, ...(JSON.parse(line) as { ports: number[]; dir: string }) };
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!hasCluster)('startRedisCluster (the test helper)', () => {
  it('the nodes die with the process that started them (SIGKILL), and the next start removes its directory', async () => {
    const { child, ports, dir } = await clusterInChild();
    expect(existsSync(dir)).toBe(true);
    expect(await portIsFree(ports[0] ?? 0)).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    let free = false;
    for (const deadline = Date.now() + 5_000; !free && Date.now() < deadline; await sleep(50)) {
      free = (await Promise.all(ports.map(port => portIsFree(port)))).every(Boolean);
    }
    expect(free).toBe(true);
    await startRedisCluster({ timeoutMs: 1 }).catch(() => {});
    expect(existsSync(dir)).toBe(false);
  });

  it('a cluster that is not up within timeoutMs is killed and its directory removed', async () => {
    const dirs = clusterDirs();
    const error = await startRedisCluster({ timeoutMs: 1 }).catch(e => e);
    expect(error).toBeInstanceOf(Error);
    expect(childRedisServers()).toBe(0);
    expect(clusterDirs()).toBe(dirs);
  });
});
