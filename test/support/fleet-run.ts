import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WorkerReport } from './fleet-worker';

const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

/** How to run a fleet of worker processes (see fleet-worker.ts for the variables). */
export interface FleetRun {
  processes: number;
  env: Record<string, string>;
  /** Per process: variables over `env` (the i-th process gets the i-th). */
  envs?: Array<Record<string, string>>;
  /** Kills the run when it takes longer, ms. */
  timeoutMs: number;
  /** Called once every worker has been told to go. */
  onStarted?: () => void;
  /**
   * The worker script (default fleet-worker.ts): any script that calls {@link awaitGo} once set up
   * and prints its report as one JSON line at the end.
   */
  worker?: string;
}

/**
 * The worker's side of the protocol: prints `ready` and resolves on a `go` line on stdin (every
 * worker of a fleet starts at once).
 */
export function awaitGo(): Promise<void> {
  process.stdout.write('ready\n');
  return new Promise<void>(resolve => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', line => {
      if (line.trim() === 'go') {
        lines.close();
        resolve();
      }
    });
  });
}

/**
 * Starts `processes` workers (`process.execPath --import tsx fleet-worker.ts`, or `run.worker`),
 * starts them together once all are ready, and resolves with their reports. Rejects (after killing
 * them) on a crash or on `timeoutMs`.
 */
export async function runFleet<Report = WorkerReport>(run: FleetRun): Promise<Report[]> {
  const children: ChildProcess[] = [];
  const timer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, run.timeoutMs);
  try {
    const workers = Array.from({ length: run.processes }, (_, i) => {
      const child = spawn(process.execPath, ['--import', 'tsx', run.worker ?? WORKER], {
        env: { ...process.env, ...run.env, ...run.envs?.[i] },
        stdio: ['pipe', 'pipe', 'pipe'],
        cwd: fileURLToPath(new URL('..', import.meta.url)),
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      let onReady: () => void = () => {};
      const ready = new Promise<void>(resolve => {
        onReady = resolve;
      });
      child.stdout?.on('data', chunk => {
        stdout += chunk.toString();
        if (stdout.startsWith('ready\n')) onReady();
      });
      child.stderr?.on('data', chunk => {
        stderr += chunk.toString();
      });
      const done = new Promise<Report>((resolve, reject) => {
        child.once('exit', (code, signal) => {
          const line = stdout.split('\n').find(l => l.startsWith('{'));
          if (code === 0 && line) resolve(JSON.parse(line) as Report);
          else
            reject(
              new Error(
                `worker ${child.pid} exited with ${code ?? signal}: ${stderr.slice(-2000)}`,
              ),
            );
        });
      });
      done.catch(() => {});
      return { child, ready, done };
    });
    await Promise.race([
      Promise.all(workers.map(w => w.ready)),
      Promise.all(workers.map(w => w.done)), // a worker that dies before it is ready
    ]);
    for (const { child } of workers) child.stdin?.write('go\n');
    run.onStarted?.();
    return await Promise.all(workers.map(w => w.done));
  } finally {
    clearTimeout(timer);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
