/**
 * The provider's embedding model over real HTTP to the emulator as it starts by default: `embedMany`
 * with the suggested id, and the emulator's own TPM window (not a scripted fault) answering a 429
 * that reaches the caller as the typed `RateLimitError`, without the key.
 */
import { inspect } from 'node:util';
import { RateLimitError } from '@alaya-code/ai-sdk-middleware';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { embedMany } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlaya } from './alaya-provider';
import { rejectionOf } from './test-support/rejection-of';

const apiKey = 'sk-embeddings-secret-4711';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: [apiKey] });
});
beforeEach(() => {
  emulator.reset();
  emulator.setLimits({});
});
afterAll(() => emulator.close());

const provider = () => createAlaya({ baseURL: emulator.url, apiKey });

/** `count` chunks of about 30 tokens each, all different. */
function chunks(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `Chunk ${i} of the handbook: how to file an expense report and when it is paid.`,
  );
}

/** Tokens the emulator charged for `/v1/embeddings`, from its request log. */
function chargedTokens(): number {
  return emulator.requests
    .filter(request => request.path === '/v1/embeddings' && request.status === 200)
    .reduce((sum, request) => sum + (request.totalTokens ?? 0), 0);
}

describe('embedding model over HTTP', () => {
  it('embedMany of 300 chunks with the suggested bge-m3: one vector each, usage as charged', async () => {
    const values = chunks(300);
    const { embeddings, usage } = await embedMany({
      model: provider().embeddingModel('bge-m3'),
      values,
      maxRetries: 0,
    });
    expect(embeddings).toHaveLength(300);
    expect(new Set(embeddings.map(vector => vector.length))).toEqual(new Set([256]));
    expect(embeddings[0]).not.toEqual(embeddings[1]);
    expect(usage.tokens).toBeGreaterThan(300 * 10);
    expect(usage.tokens).toBe(chargedTokens());
  });

  it("a 429 from the emulator's TPM window on embeddings is a RateLimitError with retryAfterMs, and no key", async () => {
    const values = chunks(40);
    const model = provider().embeddingModel('bge-m3');
    await embedMany({ model, values, maxRetries: 0 });
    const perJob = chargedTokens();
    emulator.reset();
    // Room for one job in the window, not two.
    emulator.setLimits({ tpm: perJob + perJob / 2, windowMs: 60_000 });
    await embedMany({ model, values, maxRetries: 0 });

    const error = await rejectionOf(embedMany({ model, values, maxRetries: 0 }));
    expect(RateLimitError.isInstance(error)).toBe(true);
    const typed = error as RateLimitError;
    expect(typed.statusCode).toBe(429);
    expect(typed.isRetryable).toBe(true);
    expect(typed.provider).toBe('alaya.embedding');
    expect(typed.modelId).toBe('bge-m3');
    expect(typed.message).toContain('TPM');
    // Retry-After from the window: within the minute, whole seconds.
    expect(typed.retryAfterMs).toBeGreaterThan(0);
    expect(typed.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(emulator.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', status: 429 });
    for (const text of [typed.message, JSON.stringify(typed), inspect(typed, { depth: 8 })]) {
      expect(text).not.toContain(apiKey);
    }
  });
});
