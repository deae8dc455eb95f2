/**
 * The whole stack, for the fault suite and the fuzzers: the provider's model wrapped in the middleware, talking real
 * HTTP to an emulator, with a planted key, a counting fetch and the console captured. `runCall`
 * makes one `generateText` or `streamText` call and reports everything a test asserts on.
 */
import {
  type AlayaMiddlewareOptions,
  alayaMiddleware,
  type RetryEvent,
} from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import {
  type Emulator,
  type EmulatorFault,
  type EmulatorRequestRecord,
  startEmulator,
} from '@alaya-code/emulator';
import { generateText, type LanguageModel, streamText, wrapLanguageModel } from 'ai';
import { expect } from 'vitest';
import { captureConsole } from './console-capture.js';
import { findKeyLeaks, plantedKey } from './leaks.js';
import { consumeStream, type StreamOutcome } from './stream.js';

export type Mode = 'generate' | 'stream';
export const MODES: readonly Mode[] = ['generate', 'stream'];

/** Fast, deterministic retry settings: 3 attempts, 20 ms then 40 ms, no jitter. */
export const FAST_RETRY: AlayaMiddlewareOptions = {
  maxRetries: 2,
  initialDelayMs: 20,
  jitter: 'none',
};

export interface Stack {
  emulator: Emulator;
  key: string;
  /** The answer to `PROMPT` without faults, per mode (the emulator is deterministic). */
  cleanText: Record<Mode, string>;
  close(): Promise<void>;
}

export const PROMPT = 'Tell me about backoff';

/** Starts an emulator with a planted key and a non-reasoning model (so partial output is text). */
export async function startStack(
  options: { logger?: (line: string) => void } = {},
): Promise<Stack> {
  const key = plantedKey();
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [key],
    models: [{ id: 'glm-5.2', reasoning: false }],
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const stack: Stack = {
    emulator,
    key,
    cleanText: { generate: '', stream: '' },
    close: () => emulator.close(),
  };
  for (const mode of MODES) {
    const run = await runCall(stack, mode);
    if (run.error !== undefined || !run.text) throw new Error(`clean ${mode} call failed`);
    stack.cleanText[mode] = run.text;
  }
  return stack;
}

export interface CallOptions {
  faults?: EmulatorFault[];
  middleware?: AlayaMiddlewareOptions;
  abortSignal?: AbortSignal;
  /** Point the provider somewhere else (e.g. a closed port). */
  baseURL?: string;
  /** Wait after the call so the emulator sees closed sockets and every record is final. Default 30 ms. */
  settleMs?: number;
}

export interface CallRun {
  mode: Mode;
  /** What the caller was told went wrong: generate's rejection; the stream's first error, else `text`'s rejection. */
  error: unknown;
  /** The text the call reported as its result (generate: `text`; stream: `text` when it resolved). */
  text: string | undefined;
  stream: StreamOutcome | undefined;
  /** Requests the emulator logged for this call. */
  requests: EmulatorRequestRecord[];
  /**
   * Chat-completion `fetch` calls the provider made, i.e. attempts (connection-refused ones never reach
   * the emulator; a 404's follow-up `GET /v1/models` for the hint is not an attempt).
   */
  fetchCalls: number;
  retries: RetryEvent[];
  consoleLines: string[];
  /** `performance.now()` when the call settled (stream: when it was fully read). */
  settledAt: number;
  startedAt: number;
}

type Outcome = Pick<CallRun, 'error' | 'text' | 'stream'>;

/** One `generateText` or `streamText` call, read to the end; never throws. */
async function callOnce(
  mode: Mode,
  model: LanguageModel,
  abortSignal: AbortSignal | undefined,
): Promise<Outcome> {
  // The AI SDK's own `maxRetries` is left at its default (2): request counts prove it adds nothing.
  if (mode === 'generate') {
    try {
      const result = await generateText({ model, prompt: PROMPT, abortSignal });
      return { error: undefined, text: result.text, stream: undefined };
    } catch (error) {
      return { error, text: undefined, stream: undefined };
    }
  }
  const stream = await consumeStream(streamText({ model, prompt: PROMPT, abortSignal }));
  return {
    error: stream.errors[0] ?? (stream.text.ok ? undefined : stream.text.error),
    text: stream.text.ok ? stream.text.value : undefined,
    stream,
  };
}

/** Makes one call through provider + middleware; never throws. Resets the emulator first. */
export async function runCall(
  stack: Stack,
  mode: Mode,
  options: CallOptions = {},
): Promise<CallRun> {
  const { emulator, key } = stack;
  emulator.reset();
  if (options.faults) emulator.enqueueFaults(options.faults);
  let fetchCalls = 0;
  const alaya = createAlaya({
    apiKey: key,
    baseURL: options.baseURL ?? emulator.url,
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/chat/completions'))
        fetchCalls++;
      return fetch(input, init);
    },
  });
  const retries: RetryEvent[] = [];
  const model = wrapLanguageModel({
    model: alaya('glm-5.2'),
    middleware: alayaMiddleware({
      ...FAST_RETRY,
      ...options.middleware,
      onRetry: event => {
        retries.push(event);
      },
    }),
  });
  const captured = captureConsole();
  const startedAt = performance.now();
  let outcome: Outcome;
  try {
    outcome = await callOnce(mode, model, options.abortSignal);
  } finally {
    captured.restore();
  }
  const settledAt = performance.now();
  await new Promise(resolve => setTimeout(resolve, options.settleMs ?? 30));
  return {
    mode,
    ...outcome,
    settledAt,
    requests: [...emulator.requests],
    fetchCalls,
    retries,
    consoleLines: captured.lines,
    startedAt,
  };
}

/**
 * The call failed and said so: generate rejected with no result; a stream surfaced the error to its
 * reader and either rejected `text` or finished with `finishReason: 'error'`. Partial text, if any,
 * is a strict prefix of the clean answer, so nothing was invented or duplicated.
 */
export function expectNoSilentSuccess(run: CallRun, stack: Stack): void {
  expect(run.error).toBeDefined();
  if (run.mode === 'generate') {
    expect(run.text).toBeUndefined();
    return;
  }
  const stream = run.stream!;
  expect(stream.errors.length + (stream.text.ok ? 0 : 1)).toBeGreaterThan(0);
  if (stream.text.ok) expect(stream.finishReason).toBe('error');
  const clean = stack.cleanText.stream;
  expect(clean.startsWith(stream.streamedText)).toBe(true);
  expect(stream.streamedText.length).toBeLessThan(clean.length);
}

/** The planted key is in no error, no cause, no retry event and no console line of the call. */
export function expectNoKeyLeak(run: CallRun, stack: Stack): void {
  const values: unknown[] = [run.error, ...run.retries, ...run.consoleLines];
  if (run.stream) values.push(...run.stream.errors, run.stream.text);
  expect(findKeyLeaks(stack.key, values)).toEqual([]);
}

/** Gaps in ms between consecutive requests' arrival times at the emulator. */
export function arrivalGaps(run: CallRun): number[] {
  return run.requests.slice(1).map((record, i) => record.time - run.requests[i]!.time);
}
