import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';

/** A child process (`next start`, or a documented dev command) serving the example. */
export interface NextApp {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** Stops the server and every process it started. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Runs `command args` in its own process group, collecting what it prints. */
function spawnLogged(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, {
    cwd,
    env: { ...childEnv(), NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1', ...env },
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

/** Runs `next <args>` with Node itself (`process.execPath`). */
function spawnNext(appDir: string, args: string[], env: NodeJS.ProcessEnv) {
  const nextBin = createRequire(join(appDir, 'package.json')).resolve('next/dist/bin/next');
  return spawnLogged(process.execPath, [nextBin, ...args], appDir, env);
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
  const spawned = spawnNext(appDir, ['start', '-p', String(port), '-H', '127.0.0.1'], env);
  // The chat route only answers POST: a GET is a cheap readiness probe that never calls the emulator.
  return serveWhenReady(spawned, url, `${url}/api/chat`, timeoutMs);
}

/**
 * Runs a command as a person types it (e.g. `npx pnpm ... dev -- --port 3001`) from `cwd`, and resolves
 * once `readyUrl` answers HTTP; `url` is where the app is served.
 */
export async function startCommand(
  command: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    url: string;
    readyUrl?: string;
    timeoutMs: number;
  },
): Promise<NextApp> {
  const [file = '', ...args] = command;
  const spawned = spawnLogged(file, args, options.cwd, options.env);
  return serveWhenReady(spawned, options.url, options.readyUrl ?? options.url, options.timeoutMs);
}

async function serveWhenReady(
  { child, output }: ReturnType<typeof spawnLogged>,
  url: string,
  readyUrl: string,
  timeoutMs: number,
): Promise<NextApp> {
  const app: NextApp = { url, output, stop: () => stopChild(child) };
  const started = Date.now();
  const deadline = started + timeoutMs;
  // A child that exits (another `next dev` holds the checkout, a bad flag) ends the wait at once.
  let ended: string | undefined;
  const exit = exited(child).then(() => {
    ended = describeExit(child);
  });
  while (Date.now() < deadline && ended === undefined) {
    const probe = fetch(readyUrl, { signal: AbortSignal.timeout(60_000) }).then(
      () => true,
      () => false,
    );
    if (await Promise.race([probe, exit.then(() => false)])) return app;
    if (ended === undefined) await Promise.race([sleep(250), exit]);
  }
  const exitedEarly = ended;
  const elapsed = Date.now() - started;
  await app.stop();
  const why =
    exitedEarly === undefined
      ? `did not answer within ${timeoutMs} ms`
      : `was not served: the command ${exitedEarly} after ${elapsed} ms`;
  throw new Error(`${readyUrl} ${why}; its last output:\n${output().slice(-4000)}`);
}

/** "exited with code 1" or "was killed by SIGTERM", for a child that has ended. */
export function describeExit(child: Pick<ChildProcess, 'exitCode' | 'signalCode'>): string {
  return child.signalCode !== null
    ? `was killed by ${child.signalCode}`
    : `exited with code ${child.exitCode}`;
}
