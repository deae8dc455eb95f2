/**
 * A failed `streamText` over real HTTP: the AI SDK rejects `result.text` with its own
 * `NoOutputGeneratedError` (no `cause`) and hands the typed error only to `onError`. The recipes of
 * docs/provider/reference.md ("Errors in streams") make the typed error reach the `await`; these tests hold it to that, with and without
 * the middleware.
 */
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { InsufficientQuotaError } from '@alaya-code/ai-sdk-middleware/errors';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { type LanguageModel, NoOutputGeneratedError, streamText, wrapLanguageModel } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlaya } from './alaya-provider';
import { rejectionOf } from './test-support/rejection-of';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: ['test-key'], models: ['glm-5.1'] });
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(() => {
  emulator.reset();
});

const quota = {
  status: 402,
  code: 'insufficient_quota',
  match: { path: '/v1/chat/completions' },
} as const;

/** The first recipe of docs/provider/reference.md "Errors in streams" (await the text), as written there. */
async function streamedText(model: LanguageModel): Promise<string> {
  let failure: unknown;
  const result = streamText({
    model,
    prompt: 'Hi',
    onError: ({ error }) => {
      failure = error;
    },
  });
  const text = await Promise.resolve(result.text).catch(error => {
    throw failure ?? error;
  });
  if (failure !== undefined) throw failure;
  return text;
}

/** Its second recipe (read the stream), as written there. */
async function streamedParts(model: LanguageModel): Promise<string> {
  const result = streamText({ model, prompt: 'Hi', onError: () => {} });
  let text = '';
  for await (const part of result.fullStream) {
    if (part.type === 'error') throw part.error;
    if (part.type === 'text-delta') text += part.text;
  }
  return text;
}

const models = () => {
  const alaya = createAlaya({ baseURL: emulator.url, apiKey: 'test-key' });
  return {
    bare: alaya('glm-5.1'),
    wrapped: wrapLanguageModel({
      model: alaya('glm-5.1'),
      middleware: alayaMiddleware({ apiKey: 'test-key', initialDelayMs: 1, jitter: 'none' }),
    }),
  };
};

describe('a 402 in streamText', () => {
  it('without the recipe, await result.text gives the AI SDK a NoOutputGeneratedError without a cause', async () => {
    emulator.enqueueFaults([quota]);
    const result = streamText({ model: models().bare, prompt: 'Hi', onError: () => {} });
    const error = await rejectionOf(result.text);
    expect(NoOutputGeneratedError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeUndefined();
  });

  it('without the recipe, the wrapped model resolves await result.text with no text and finishReason error', async () => {
    emulator.enqueueFaults([quota]);
    const result = streamText({ model: models().wrapped, prompt: 'Hi', onError: () => {} });
    expect(await result.text).toBe('');
    expect(await result.finishReason).toBe('error');
  });

  const recipes = { 'await the text': streamedText, 'read the stream': streamedParts };
  for (const name of ['bare', 'wrapped'] as const) {
    for (const [recipe, run] of Object.entries(recipes)) {
      it(`${recipe}: the typed InsufficientQuotaError reaches the await (${name} model)`, async () => {
        emulator.enqueueFaults([quota]);
        const error = await rejectionOf(run(models()[name]));
        expect(InsufficientQuotaError.isInstance(error)).toBe(true);
        expect((error as InsufficientQuotaError).statusCode).toBe(402);
        expect((error as InsufficientQuotaError).kind).toBe('insufficient_quota');
        // 402 is not retried: one request only.
        expect(emulator.requests.filter(r => r.path === '/v1/chat/completions')).toHaveLength(1);
      });

      it(`${recipe}: a stream that works still returns its text (${name} model)`, async () => {
        expect((await run(models()[name])).length).toBeGreaterThan(0);
      });
    }
  }
});
