import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { embed, embedMany, generateText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alayaEmbeddingMiddleware } from '../alaya-embedding-middleware';
import { alayaMiddleware } from '../alaya-middleware';
import { sleep } from '../util/sleep';
import { createFleetGuard } from './fleet-guard';

/**
 * Issue 29 over real HTTP: a key limited in tokens only (a sliding window, 429 + Retry-After, no
 * rate headers), an embedding job of large batches, then chat calls on the same key and guard.
 */
const API_KEY = 'sk-token-learning-0001-secret';
const WINDOW_MS = 2_000;
/** 10,000 tokens per 2 s window: two batches of 5,000 tokens. */
const TOKENS_PER_WINDOW = 10_000;
const BATCH_VALUES = 5;
/** The `i`th value: 4,000 characters, 1,000 tokens by the emulator's and the estimate's count. */
const value = (i: number) => `${i} `.padEnd(4_000, 'x');

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY],
    models: ['embed-batch', 'glm-5.2'],
    embeddingDimensions: 8,
    limits: { tpm: TOKENS_PER_WINDOW, windowMs: WINDOW_MS },
    rateLimitHeaders: false,
  });
});
afterAll(async () => {
  await emulator?.close();
});

/** An OpenAI-compatible provider named `alaya` on the emulator (its ids scope the key's bucket). */
function alayaLike() {
  return createOpenAICompatible({ name: 'alaya', baseURL: emulator.url, apiKey: API_KEY });
}

describe('a 429 without headers teaches the dimension it comes from (real HTTP)', () => {
  it('after learning on 5,000-token batches, chat calls on the same key are not paced at the batch request rate (tokens, not requests)', async () => {
    const provider = alayaLike();
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: { per: 'key' } });
    const embedder = wrapEmbeddingModel({
      model: provider.embeddingModel('embed-batch'),
      middleware: [
        { specificationVersion: 'v4', overrideMaxEmbeddingsPerCall: () => BATCH_VALUES },
        alayaEmbeddingMiddleware({ guard, apiKey: API_KEY, maxRetries: 6, jitter: 'none' }),
      ],
    });
    const chat = wrapLanguageModel({
      model: provider.chatModel('glm-5.2'),
      middleware: alayaMiddleware({ guard, apiKey: API_KEY }),
    });

    // 3 batches at once: the slow start meets the limit after two, a 429 teaches the rate.
    const values = Array.from({ length: 3 * BATCH_VALUES }, (_, i) => value(i));
    const { embeddings } = await embedMany({ model: embedder, values });
    expect(embeddings).toHaveLength(values.length);
    const embedding = emulator.requests.filter(r => r.path === '/v1/embeddings');
    expect(embedding.some(r => r.status === 429)).toBe(true);
    const [learned] = (await guard.getState()).pacing;
    expect(learned).toMatchObject({ reason: 'adaptive', tpm: expect.any(Number) });
    expect(learned?.rpm).toBeUndefined();

    // The window clears; then ten chat calls at once. A request rate learned on the batches (two
    // per 2 s window and the Retry-After: about 80 a minute) would space them 750 ms apart: 6.9 s
    // from the first to the last. Paced by their few tokens, they go together.
    await sleep(WINDOW_MS + 100);
    const since = emulator.requests.length;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => generateText({ model: chat, prompt: `Hi ${i}` })),
    );
    const chats = emulator.requests.slice(since);
    expect(chats.map(r => r.status)).toEqual(Array(10).fill(200));
    const times = chats.map(r => r.time);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(1_500);
  });

  it('an unmarked embedMany whose batches queue past pacing.maxWaitMs at the learned rate finishes: its batches wait in the background lane', async () => {
    emulator.reset();
    const provider = alayaLike();
    // A slot of a 5,000-token batch at the limit is 1 s: after the first 429, the batches left
    // queue for 4 s or more, beyond this wait bound.
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: { per: 'key', maxWaitMs: 1_000 } });
    const embedder = wrapEmbeddingModel({
      model: provider.embeddingModel('embed-batch'),
      middleware: [
        { specificationVersion: 'v4', overrideMaxEmbeddingsPerCall: () => BATCH_VALUES },
        alayaEmbeddingMiddleware({ guard, apiKey: API_KEY, jitter: 'none' }),
      ],
    });
    const values = Array.from({ length: 6 * BATCH_VALUES }, (_, i) => value(i));
    const { embeddings } = await embedMany({ model: embedder, values });
    expect(embeddings).toHaveLength(values.length);
    const embedding = emulator.requests.filter(r => r.path === '/v1/embeddings');
    expect(embedding.filter(r => r.status === 200)).toHaveLength(6);
  });

  it("a batch the slow start held while the first batch's 429 taught a token rate waits out that 429's Retry-After before it is sent", async () => {
    emulator.reset();
    emulator.enqueueFaults({ status: 429, retryAfter: '1', match: { path: '/v1/embeddings' } });
    const provider = alayaLike();
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: { per: 'key' } });
    const embedder = wrapEmbeddingModel({
      model: provider.embeddingModel('embed-batch'),
      middleware: alayaEmbeddingMiddleware({ guard, apiKey: API_KEY, jitter: 'none' }),
    });
    // Two token-heavy calls at once: the first goes, the second waits in the slow start.
    await Promise.all([
      embed({ model: embedder, value: value(0) }),
      embed({ model: embedder, value: value(1) }),
    ]);
    const [refused, ...rest] = emulator.requests.filter(r => r.path === '/v1/embeddings');
    expect(refused?.status).toBe(429);
    expect(rest.map(r => r.status)).toEqual([200, 200]);
    for (const request of rest)
      expect(request.time - (refused?.time ?? 0)).toBeGreaterThanOrEqual(1_000);
  });
});
