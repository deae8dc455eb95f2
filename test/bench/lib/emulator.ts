/**
 * Starting the emulator for the bench. It runs in a child process, so the server's work never shares
 * the client's event loop, heap or CPU accounting (the machine has 2 cores: one for each side).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Key every bench emulator accepts. */
export const BENCH_API_KEY = 'bench-key';

/** Limits as `startEmulator` takes them (requests/tokens per `windowMs`). */
export type BenchLimits = { rpm?: number; tpm?: number; windowMs?: number };

/** What a bench emulator is started with (the fields of `startEmulator`'s options the bench uses). */
export type BenchEmulatorOptions = {
  limits?: BenchLimits;
  /** `false` omits the `x-ratelimit-*` headers (clients learn from 429s alone). */
  rateLimitHeaders?: boolean;
  /** Served models (`reasoning: false` for answers without reasoning deltas). */
  models?: Array<{ id: string; reasoning?: boolean }>;
  /** Embedding length when a request gives no `dimensions` (the emulator's default 256). */
  embeddingDimensions?: number;
  /** Default shaping of streamed answers. */
  stream?: {
    chunks?: number;
    chunkSize?: number;
    chunkDelayMs?: number;
    firstByteDelayMs?: number;
  };
};

/** The part of the emulator the bench uses. */
export type BenchEmulator = {
  url: string;
  /** Status of every request the emulator logged so far (`null`: reset before headers). */
  loggedStatuses(): Promise<Array<number | null>>;
  /** Every request the emulator logged so far: its status and when it arrived (epoch ms). */
  loggedRequests(): Promise<Array<{ status: number | null; time: number }>>;
  close(): Promise<void>;
};

type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'statuses'; statuses: Array<number | null>; times: number[] };

/** Starts an emulator in a child Node process (same Node binary, tsx loader). */
export async function startEmulatorProcess(
  options: BenchEmulatorOptions = {},
): Promise<BenchEmulator> {
  const script = fileURLToPath(new URL('./emulator-child.ts', import.meta.url));
  const child = fork(script, [JSON.stringify({ apiKeys: [BENCH_API_KEY], ...options })], {
    execPath: process.execPath,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`emulator child sent no "${type}" in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: unknown) => {
        if ((message as ChildMessage).type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
    });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', code => reject(new Error(`emulator child exited with code ${code}`))),
  );
  exited.catch(() => {});
  const { url } = await Promise.race([next('ready', 30_000), exited]);
  const logged = async () => {
    const reply = next('statuses', 10_000);
    child.send({ type: 'statuses' });
    return reply;
  };
  return {
    url,
    loggedStatuses: async () => (await logged()).statuses,
    loggedRequests: async () => {
      const { statuses, times } = await logged();
      return statuses.map((status, i) => ({ status, time: times[i] ?? 0 }));
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
