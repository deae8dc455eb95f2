import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';

/** A `next start` child process serving the example on 127.0.0.1. */
export interface NextApp {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** Stops the server and every process it started. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Runs `next <args>` with Node itself (`process.execPath`), in its own process group. */
function spawnNext(appDir: string, args: string[], env: NodeJS.ProcessEnv) {
  const nextBin = createRequire(join(appDir, 'package.json')).resolve('next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: appDir,
    env: { ...childEnv(), NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}

/** The parent's environment without Alaya settings, so a developer's real key never reaches the tests. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ALAYA_')) delete env[name];
  return env;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise(resolve => child.once('exit', code => resolve(code)));
}

/** Sends `signal` to the child's whole process group (it was spawned detached, so it leads one). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  killGroup(child, 'SIGTERM');
  const done = await Promise.race([exited(child).then(() => true), sleep(5_000).then(() => false)]);
  if (!done) {
    killGroup(child, 'SIGKILL');
    await exited(child);
  }
}

/** `next build` of the app; rejects with the tail of the build output when it fails or exceeds `timeoutMs`. */
export async function buildNextApp(appDir: string, timeoutMs = 240_000): Promise<void> {
  const { child, output } = spawnNext(appDir, ['build'], {});
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  try {
    const code = await exited(child);
    if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output().slice(-4000)}`);
  } finally {
    clearTimeout(timer);
    await stopChild(child);
  }
}

/** `next start` on a free port with `env`; resolves once the server answers HTTP. */
export async function startNextApp(
  appDir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<NextApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = spawnNext(
    appDir,
    ['start', '-p', String(port), '-H', '127.0.0.1'],
    env,
  );
  const app: NextApp = { url, output, stop: () => stopChild(child) };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    // The chat route only answers POST: a GET is a cheap readiness probe that never calls the emulator.
    const ready = await fetch(`${url}/api/chat`).then(
      () => true,
      () => false,
    );
    if (ready) return app;
    await sleep(200);
  }
  await app.stop();
  throw new Error(`next start did not become ready at ${url}:\n${output().slice(-4000)}`);
}
