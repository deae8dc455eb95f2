import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port';

/** A `redis-server` child process on 127.0.0.1, for tests. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Stops it (SIGTERM, then SIGKILL after 2 s; `SIGKILL` at once to crash it) and waits for the exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Path of the `redis-server` binary on PATH, or `undefined` when it is not installed. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1 with no persistence (`--save '' --appendonly
 * no`), and resolves once it accepts connections. `port` restarts one on a known port (to bring
 * Redis back after killing it).
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === undefined)
    throw new Error('redis-server is not installed (apt-get install redis-server)');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const chosen = port ?? (await freePort());
    try {
      return await launch(binary, chosen);
    } catch (error) {
      lastError = error;
      if (port !== undefined) await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
  throw lastError;
}

function launch(binary: string, port: number): Promise<RedisServer> {
  const child: ChildProcess = spawn(
    binary,
    [
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
