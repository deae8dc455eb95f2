import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type Emulator, type EmulatorOptions, startEmulator } from '@alaya-code/emulator';
import { wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';

/** What an integration test file gets from {@link useEmulator}. */
export interface EmulatorFixture {
  /** The emulator of this file (started before its tests, reset before each). */
  readonly emulator: Emulator;
  /** The chat completion requests the emulator has logged since the last reset. */
  chat(): Emulator['requests'];
  /** An openai-compatible provider pointed at the emulator with the file's key. */
  provider(): ReturnType<typeof createOpenAICompatible>;
  /** `modelId` wrapped in `alayaMiddleware` (fast, unjittered backoff; the key to redact) plus `options`. */
  model(options: AlayaMiddlewareOptions, modelId?: string): ReturnType<typeof wrapLanguageModel>;
}

/**
 * Starts an emulator on a free loopback port for the calling test file, accepting `apiKey`; resets
 * it before each test and closes it after the file.
 */
export function useEmulator(
  apiKey: string,
  options: Omit<EmulatorOptions, 'apiKeys' | 'port'> = {},
): EmulatorFixture {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ ...options, port: 0, apiKeys: [apiKey] });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(() => emulator?.reset());

  const started = (): Emulator => {
    if (!emulator) throw new Error('the emulator is not started (use it inside a test)');
    return emulator;
  };
  const provider = () => createOpenAICompatible({ name: 'alaya', baseURL: started().url, apiKey });
  return {
    get emulator() {
      return started();
    },
    chat: () => started().requests.filter(r => r.path === '/v1/chat/completions'),
    provider,
    model: (middlewareOptions, modelId = 'glm-5.2') =>
      wrapLanguageModel({
        model: provider().chatModel(modelId),
        middleware: alayaMiddleware({
          initialDelayMs: 10,
          jitter: 'none',
          apiKey,
          ...middlewareOptions,
        }),
      }),
  };
}
