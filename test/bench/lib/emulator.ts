/**
 * Starting the emulator for the bench: in this process (recovery, contention: faults come in by
 * request header, timings there are dominated by retry sleeps) or in a child process (overhead:
 * the server must not share the client's event loop or heap, or it would blur the figures).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Key every bench emulator accepts. */
export const BENCH_API_KEY = 'bench-key';

/** Limits as `startEmulator` takes them (requests/tokens per `windowMs`). */
export type BenchLimits = { rpm?: number; tpm?: number; windowMs?: number };

/** The part of the emulator the bench uses. */
export type BenchEmulator = {
  url: string;
  /** Statuses of the requests the emulator logged so far (in-process emulators only). */
  loggedStatuses(): Array<number | undefined>;
  close(): Promise<void>;
};

/** Starts an emulator in this process. */
export async function startInProcess(limits?: BenchLimits): Promise<BenchEmulator> {
  const { startEmulator } = await import('@alaya-code/emulator');
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [BENCH_API_KEY],
    ...(limits ? { limits } : {}),
  });
  return {
    url: emulator.url,
    loggedStatuses: () => emulator.requests.map(r => r.status),
    close: () => emulator.close(),
  };
}

/** Starts an emulator in a child Node process (same Node binary, tsx loader). */
export async function startChildProcess(limits?: BenchLimits): Promise<BenchEmulator> {
  const script = fileURLToPath(new URL('./emulator-child.ts', import.meta.url));
  const child = fork(script, [JSON.stringify({ apiKeys: [BENCH_API_KEY], limits })], {
    execPath: process.execPath,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('emulator child did not start in 30 s')),
      30_000,
    );
    child.once('message', message => {
      clearTimeout(timer);
      const { url } = message as { url?: string };
      if (typeof url === 'string') resolve(url);
      else reject(new Error(`emulator child sent ${JSON.stringify(message)}`));
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`emulator child exited with code ${code}`));
    });
  });
  return {
    url,
    loggedStatuses: () => {
      throw new Error('the request log of a child-process emulator is not available');
    },
    close: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
        setTimeout(() => child.kill(), 5_000).unref();
      }),
  };
}
