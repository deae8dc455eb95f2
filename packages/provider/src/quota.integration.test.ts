/**
 * Quota, both ways Alaya describes it, over real HTTP: the error guide's 402 (balance or spend cap
 * exhausted) and the billing docs' "throttled mode" (429 `rate_limit_exceeded` with `Retry-After`
 * once the monthly quota is used). Neither needs a setting.
 */
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { InsufficientQuotaError, RateLimitError } from '@alaya-code/ai-sdk-middleware/errors';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, wrapLanguageModel } from 'ai';
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

const match = { path: '/v1/chat/completions' } as const;
const chatRequests = () => emulator.requests.filter(r => r.path === match.path).length;

const wrapped = () =>
  wrapLanguageModel({
    model: createAlaya({ baseURL: emulator.url, apiKey: 'test-key' })('glm-5.1'),
    middleware: alayaMiddleware({ apiKey: 'test-key', initialDelayMs: 1, jitter: 'none' }),
  });

describe('quota', () => {
  it('402 (the error guide): InsufficientQuotaError, not retried', async () => {
    emulator.enqueueFaults([{ status: 402, code: 'insufficient_quota', times: 3, match }]);
    const error = await rejectionOf(
      generateText({ model: wrapped(), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    expect((error as InsufficientQuotaError).hint).toMatch(/booster pack/);
    expect(chatRequests()).toBe(1);
  });

  it("Alaya's hints also under a custom provider name", async () => {
    emulator.enqueueFaults([{ status: 402, code: 'insufficient_quota', match }]);
    const model = createAlaya({ baseURL: emulator.url, apiKey: 'test-key', name: 'team-llm' })(
      'glm-5.1',
    );
    const error = await rejectionOf(generateText({ model, prompt: 'Hi', maxRetries: 0 }));
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    expect((error as InsufficientQuotaError).provider).toBe('team-llm.chat');
    expect((error as InsufficientQuotaError).hint).toMatch(/booster pack/);
  });

  it('429 whose code is insufficient_quota: InsufficientQuotaError, not retried', async () => {
    emulator.enqueueFaults([{ status: 429, code: 'insufficient_quota', times: 3, match }]);
    const error = await rejectionOf(
      generateText({ model: wrapped(), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    expect(chatRequests()).toBe(1);
  });

  it('throttled mode (the billing docs): a 429 rate_limit_exceeded is a RateLimitError with retryAfterMs', async () => {
    emulator.enqueueFaults([{ status: 429, code: 'rate_limit_exceeded', retryAfter: '1', match }]);
    const bare = createAlaya({ baseURL: emulator.url, apiKey: 'test-key' })('glm-5.1');
    const error = await rejectionOf(generateText({ model: bare, prompt: 'Hi', maxRetries: 0 }));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).code).toBe('rate_limit_exceeded');
    expect((error as RateLimitError).retryAfterMs).toBe(1000);
  });

  it('throttled mode with the middleware: waits for Retry-After, then answers', async () => {
    emulator.enqueueFaults([{ status: 429, code: 'rate_limit_exceeded', retryAfter: '1', match }]);
    const started = Date.now();
    const { text } = await generateText({ model: wrapped(), prompt: 'Hi', maxRetries: 0 });
    expect(text.length).toBeGreaterThan(0);
    expect(chatRequests()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});
