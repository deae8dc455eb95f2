/**
 * One failure is mapped once: a 400 from the emulator through the provider and the middleware builds
 * one typed error in the provider, which the retry loop passes on untouched, and one more when the
 * loop gives up and adds the attempt history. Constructions are counted on the AI SDK's
 * `APICallError`, which every typed error extends: it sets its marker by assignment, so a setter on
 * its prototype sees every construction.
 */
import { AlayaError, alayaMiddleware, BadRequestError } from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, type LanguageModelMiddleware, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MARKER = Symbol.for('vercel.ai.error.AI_APICallError');
let constructions = 0;
let emulator: Emulator;
let restore: () => void = () => {};

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: ['test-key'], models: ['glm-5.1'] });
  let proto: object | null = AlayaError.prototype;
  while (proto && !Object.hasOwn(proto, 'constructor')) proto = Object.getPrototypeOf(proto);
  while (
    proto &&
    (proto as { constructor: { name: string } }).constructor.name !== 'APICallError'
  ) {
    proto = Object.getPrototypeOf(proto);
  }
  if (!proto) throw new Error('APICallError not found under AlayaError');
  const base = proto;
  Object.defineProperty(base, MARKER, {
    configurable: true,
    set(this: object, value: unknown) {
      if (this instanceof AlayaError) constructions++;
      Object.defineProperty(this, MARKER, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
  });
  restore = () => {
    delete (base as Record<symbol, unknown>)[MARKER];
  };
});
afterAll(async () => {
  restore();
  await emulator?.close();
});

/** The provider's model, a probe that records what it throws, and the middleware around both. */
function stack() {
  const thrownByProvider: unknown[] = [];
  const countAtProvider: number[] = [];
  const seenByLoop: unknown[] = [];
  const probe: LanguageModelMiddleware = {
    specificationVersion: 'v4',
    wrapGenerate: async ({ doGenerate }) =>
      Promise.resolve(doGenerate()).catch((error: unknown) => {
        thrownByProvider.push(error);
        countAtProvider.push(constructions);
        throw error;
      }),
    wrapStream: async ({ doStream }) =>
      Promise.resolve(doStream()).catch((error: unknown) => {
        thrownByProvider.push(error);
        countAtProvider.push(constructions);
        throw error;
      }),
  };
  const model = wrapLanguageModel({
    model: wrapLanguageModel({
      model: createAlaya({ baseURL: emulator.url, apiKey: 'test-key' })('glm-5.1'),
      middleware: probe,
    }),
    middleware: alayaMiddleware({
      apiKey: 'test-key',
      shouldRetry: error => {
        seenByLoop.push(error);
        return undefined;
      },
    }),
  });
  return { model, thrownByProvider, countAtProvider, seenByLoop };
}

describe('a 400 through the provider and the middleware, over HTTP', () => {
  it('generateText: the provider maps once, the loop passes it on, giving up adds the history once', async () => {
    emulator.enqueueFaults([{ status: 400, match: { path: '/v1/chat/completions' } }]);
    const { model, thrownByProvider, countAtProvider, seenByLoop } = stack();
    constructions = 0;
    const error = await generateText({ model, prompt: 'Hi' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(BadRequestError.isInstance(error)).toBe(true);
    expect(thrownByProvider).toHaveLength(1);
    expect(countAtProvider).toEqual([1]);
    expect(seenByLoop).toEqual([thrownByProvider[0]]);
    expect(seenByLoop[0]).toBe(thrownByProvider[0]);
    expect(constructions).toBe(2);
    expect((error as BadRequestError).attempts).toHaveLength(1);
    expect((error as BadRequestError).exhaustedReason).toBe('not_retryable');
  });

  it('streamText: the same counts', async () => {
    emulator.enqueueFaults([{ status: 400, match: { path: '/v1/chat/completions' } }]);
    const { model, thrownByProvider, seenByLoop } = stack();
    constructions = 0;
    const errors: unknown[] = [];
    await streamText({
      model,
      prompt: 'Hi',
      onError: ({ error }) => void errors.push(error),
    }).consumeStream();
    expect(thrownByProvider).toHaveLength(1);
    expect(seenByLoop[0]).toBe(thrownByProvider[0]);
    expect(BadRequestError.isInstance(errors[0])).toBe(true);
    expect(constructions).toBe(2);
  });
});
