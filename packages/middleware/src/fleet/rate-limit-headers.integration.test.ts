import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AlayaMiddlewareOptions, alayaMiddleware } from '../alaya-middleware';
import { RateLimitError } from '../errors/status-errors';
import { createFleetGuard } from './fleet-guard';
import { createMemoryStore } from './memory-store';
import type { CooldownEvent } from './shared-cooldown';

/**
 * Real HTTP against the emulator with an RPM limit: its 200s carry `x-ratelimit-*` headers, and the
 * one that says `remaining-requests: 0` must start the shared cooldown before any 429.
 */
let emulator: Emulator;
const API_KEY = 'test-key';
const RPM = 3;
/** Under 1 s, so the emulator writes the reset as whole milliseconds rounded up (`742ms`). */
const WINDOW_MS = 2_000; // wide enough that three calls fit in it on a loaded CI machine

// Each test starts with an empty window: an emulator of its own (instead of waiting a window out).
beforeEach(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY],
    limits: { rpm: RPM, windowMs: WINDOW_MS },
  });
});
afterEach(async () => {
  await emulator?.close();
});

function model(options: AlayaMiddlewareOptions) {
  return wrapLanguageModel({
    model: createOpenAICompatible({ name: 'alaya', baseURL: emulator.url, apiKey: API_KEY })(
      'glm-5.2',
    ),
    middleware: alayaMiddleware({ apiKey: API_KEY, initialDelayMs: 20, ...options }),
  });
}

const chats = () => emulator.requests.filter(r => r.path === '/v1/chat/completions');

describe('shared cooldown from a 200 whose x-ratelimit-remaining-requests is 0 (real HTTP)', () => {
  it.each([
    ['generateText', false],
    ['streamText', true],
  ] as const)(
    '%s: the call after the last allowed one waits for the window instead of getting a 429',
    async (_, stream) => {
      const events: CooldownEvent[] = [];
      const wrapped = model({
        guard: createFleetGuard({
          store: createMemoryStore(),
          apiKey: API_KEY,
          onCooldown: event => events.push(event),
        }),
        maxRetries: 0,
      });
      const call = async () => {
        if (!stream)
          return (await generateText({ model: wrapped, prompt: 'hi', maxRetries: 0 })).text;
        const result = streamText({ model: wrapped, prompt: 'hi', maxRetries: 0 });
        return await result.text;
      };

      for (let i = 0; i < RPM + 1; i++) expect(await call()).not.toBe('');

      const log = chats();
      expect(log.map(r => r.status)).toEqual([200, 200, 200, 200]);
      expect(log.map(r => r.stream === true)).toEqual([stream, stream, stream, stream]);
      // The extra call was sent once the first request left the sliding window.
      expect(log[3]!.time - log[0]!.time).toBeGreaterThanOrEqual(WINDOW_MS);
      // The first 200 with remaining 0 starts the cooldown. (The extra call's own 200 may say
      // remaining 0 again when the earlier calls were slow, and start a second one: also right.)
      const started = events.filter(e => e.origin === 'response');
      expect(started.length).toBeGreaterThanOrEqual(1);
      expect(started[0]).toMatchObject({ reason: 'success_headers', modelId: 'glm-5.2' });
      expect(started[0]!.waitMs).toBeGreaterThan(0);
      expect(started[0]!.waitMs).toBeLessThanOrEqual(WINDOW_MS);
      expect(events.some(e => e.origin === 'shared')).toBe(true);
    },
  );

  it('without a store the same sequence runs into the 429 (the control)', async () => {
    const wrapped = model({ maxRetries: 0 });
    for (let i = 0; i < RPM; i++)
      await generateText({ model: wrapped, prompt: 'hi', maxRetries: 0 });
    const error = await generateText({ model: wrapped, prompt: 'hi', maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(chats().map(r => r.status)).toEqual([200, 200, 200, 429]);
  });
});
