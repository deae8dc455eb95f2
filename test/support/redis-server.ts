import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, portIsFree } from './free-port';

const run = promisify(execFile);

/** A `redis-server` child process on 127.0.0.1, for tests. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Stops it (SIGTERM, then SIGKILL after 2 s; `SIGKILL` at once to crash it) and waits for the exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** A Redis Cluster of `redis-server` child processes on 127.0.0.1 (masters only), for tests. */
export interface RedisCluster {
  /** The masters, in the order `redis-cli --cluster create` gave them their slots. */
  nodes: RedisServer[];
  /** `[{ url }]` of every master: node-redis's `createCluster({ rootNodes })`. */
  rootNodes: Array<{ url: string }>;
  /** The temporary directory of the nodes' `nodes.conf` files. */
  dir: string;
  /** Kills every node (SIGKILL: nothing to keep) and removes `dir`. */
  stop(): Promise<void>;
}

const CLUSTER_DIR_PREFIX = 'alaya-redis-cluster-';

/** Path of `name` on PATH (or in /usr/bin, /usr/local/bin), or `undefined` when it is not installed. */
function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  for (const candidate of [`/usr/bin/${name}`, `/usr/local/bin/${name}`]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Path of the `redis-server` binary on PATH, or `undefined` when it is not installed. */
export function findRedisServer(): string | undefined {
  return findBinary('redis-server');
}

/** Path of the `redis-cli` binary (Debian: `redis-tools`), or `undefined` when it is not installed. */
export function findRedisCli(): string | undefined {
  return findBinary('redis-cli');
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1 with no persistence (`--save '' --appendonly
 * no`), and resolves once it accepts connections. `port` restarts one on a known port (to bring
 * Redis back after killing it).
 */
export function startRedisServer(port?: number): Promise<RedisServer> {
  return startNode(port, freePort, () => []);
}

/**
 * Starts a Redis Cluster of `masters` nodes (no replicas) on free ports of 127.0.0.1: each node a
 * `redis-server --cluster-enabled yes` with its `nodes.conf` in one temporary directory, joined by
 * `redis-cli --cluster create`. Resolves once every node reports `cluster_state:ok` (about 2 s).
 * Everything it started is killed and removed when it fails or is not up within `timeoutMs` (a
 * node that does not start fails after 10 s), and its nodes die with the process that started them.
 */
export async function startRedisCluster({
  masters = 3,
  timeoutMs = 30_000,
}: {
  masters?: number;
  timeoutMs?: number;
} = {}): Promise<RedisCluster> {
  const cli = findRedisCli();
  if (cli === undefined)
    throw new Error('redis-cli is not installed (apt-get install redis-tools)');
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  removeOrphanedClusterDirs();
  const dir = await mkdtemp(join(tmpdir(), `${CLUSTER_DIR_PREFIX}${process.pid}-`));
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map(node => node.stop('SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.allSettled(
      Array.from({ length: masters }, () =>
        startNode(undefined, freeClusterPort, port => [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--dir',
          dir,
        ]),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = started.find(result => result.status === 'rejected');
    if (failed) throw failed.reason;
    const addresses = nodes.map(node => `127.0.0.1:${node.port}`);
    await run(
      cli,
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: left() },
    );
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all(
        nodes.map(async node => {
          const { stdout } = await run(cli, ['-p', String(node.port), 'cluster', 'info'], {
            timeout: left(),
          });
          return /cluster_state:(\w+)/.exec(stdout)?.[1] ?? 'unknown';
        }),
      );
      if (states.every(state => state === 'ok')) {
        return {
          nodes,
          rootNodes: nodes.map(node => ({ url: node.url })),
          dir,
          stop,
        };
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(
      `Redis Cluster not ok after ${timeoutMs} ms: cluster_state ${states.join(', ')}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A free port whose cluster bus port (port + 10000, Redis's default on every version) is free too.
 * Both are below 32768, where Linux does not pick ports for outgoing connections.
 */
async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 12_000 + Math.floor(Math.random() * 10_000);
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a Redis Cluster node');
}

/**
 * Removes the cluster directories of processes that are gone (a test process killed before its
 * `stop()`: its nodes died with it, see {@link launch}).
 */
function removeOrphanedClusterDirs(): void {
  const ownerPid = new RegExp(`^${CLUSTER_DIR_PREFIX}(\\d+)-`);
  for (const name of readdirSync(tmpdir())) {
    const owner = ownerPid.exec(name)?.[1];
    if (owner !== undefined && !isAlive(Number(owner))) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `setpriv --pdeathsig SIGKILL` (util-linux) when it works here: the kernel then kills a
 * redis-server when the process that started it dies, however it dies (a test runner kills its
 * workers with a signal, and no exit handler runs). `undefined` elsewhere (macOS).
 */
let deathSignal: string[] | undefined | null = null; // null: not probed yet
function killWithParent(): string[] | undefined {
  if (deathSignal === null) {
    const setpriv = findBinary('setpriv');
    deathSignal = undefined;
    if (setpriv !== undefined) {
      try {
        execFileSync(setpriv, ['--pdeathsig', 'SIGKILL', '--', 'true'], { stdio: 'ignore' });
        deathSignal = [setpriv, '--pdeathsig', 'SIGKILL', '--'];
      } catch {}
    }
  }
  return deathSignal;
}

/** Launches one redis-server (3 attempts: another process may take a chosen port first). */
async function startNode(
  port: number | undefined,
  choosePort: () => Promise<number>,
  extraArgs: (port: number) => string[],
): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === undefined)
    throw new Error('redis-server is not installed (apt-get install redis-server)');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const chosen = port ?? (await choosePort());
    try {
      return await launch(binary, chosen, extraArgs(chosen));
    } catch (error) {
      lastError = error;
      if (port !== undefined) await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
  throw lastError;
}

function launch(binary: string, port: number, extraArgs: string[]): Promise<RedisServer> {
  const [command = binary, ...prefix] = [...(killWithParent() ?? []), binary];
  const child: ChildProcess = spawn(
    command,
    [
      ...prefix,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port}: ${output.slice(-500)}`));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({
          url: `redis://127.0.0.1:${port}`,
          port,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill(signal);
            const force = setTimeout(() => child.kill('SIGKILL'), 2000);
            await exited;
            clearTimeout(force);
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(`redis-server exited with ${code} before it was ready: ${output.slice(-500)}`),
      );
    });
  });
}
