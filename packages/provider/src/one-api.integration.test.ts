/**
 * Alaya behind a One API gateway, over real HTTP (the emulator's `one-api` error style): its 429
 * says `当前分组上游负载已饱和，请稍后再试 (request id: …)` with an unreliable `type`, even
 * `insufficient_quota`. The saturation is retried and, when it persists, is a `RateLimitError`
 * carrying the request id; a genuine quota body is still an `InsufficientQuotaError`; the key is in
 * no error.
 */
import { inspect } from 'node:util';
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import {
  type AlayaError,
  InsufficientQuotaError,
  RateLimitError,
} from '@alaya-code/ai-sdk-middleware/errors';
import { type Emulator, ONE_API_SATURATION_MESSAGE, startEmulator } from '@alaya-code/emulator';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlaya } from './alaya-provider';
import { rejectionOf } from './test-support/rejection-of';

const KEY = 'sk-oneapi-Planted-0123456789abcdef';
const match = { path: '/v1/chat/completions' } as const;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [KEY],
    models: ['glm-5.1'],
    errorStyle: 'one-api',
  });
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(() => {
  emulator.reset();
});

const chatRequests = () => emulator.requests.filter(r => r.path === match.path);

const bare = () => createAlaya({ baseURL: emulator.url, apiKey: KEY })('glm-5.1');
const wrapped = () =>
  wrapLanguageModel({
    model: bare(),
    middleware: alayaMiddleware({ apiKey: KEY, initialDelayMs: 1, jitter: 'none' }),
  });

/** Everything a user or a logger can see of an error. */
function rendered(error: unknown): string {
  return [
    (error as Error).message,
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
  ].join('\n');
}

/** The request id in the message must be the emulator's id of the request that failed last. */
function expectRequestIdOfLastRequest(error: AlayaError): void {
  const lastId = chatRequests().at(-1)?.id;
  expect(lastId).toMatch(/^\d{22}$/);
  expect(error.requestId).toBe(lastId);
  // The middleware may append what it did (" (gave up after 3 attempts)").
  expect(error.message.startsWith(`${ONE_API_SATURATION_MESSAGE} (request id: ${lastId})`)).toBe(
    true,
  );
}

describe('the One API saturation 429 (type insufficient_quota)', () => {
  it('is retried, then answers', async () => {
    emulator.enqueueFaults([{ status: 429, match }]);
    const { text } = await generateText({ model: wrapped(), prompt: 'Hi', maxRetries: 0 });
    expect(text.length).toBeGreaterThan(0);
    expect(chatRequests()).toHaveLength(2);
  });

  it('when it persists: a RateLimitError with the request id, after every retry', async () => {
    emulator.enqueueFaults([{ status: 429, times: 10, match }]);
    const error = await rejectionOf(
      generateText({ model: wrapped(), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(RateLimitError.isInstance(error)).toBe(true);
    const typed = error as RateLimitError;
    expect(typed.type).toBe('insufficient_quota');
    // Retried until maxRetries (2) was spent, not given up as a quota error.
    expect(typed.exhaustedReason).toBe('max_retries');
    expect(typed.attempts).toHaveLength(3);
    expect(chatRequests()).toHaveLength(3);
    expectRequestIdOfLastRequest(typed);
    expect(rendered(error)).not.toContain(KEY);
  });

  it.each(['upstream_error', 'new_api_error', 'rate_limit_exceeded'])(
    'type %s: the same RateLimitError (provider alone)',
    async type => {
      emulator.enqueueFaults([{ status: 429, type, match }]);
      const error = await rejectionOf(generateText({ model: bare(), prompt: 'Hi', maxRetries: 0 }));
      expect(RateLimitError.isInstance(error)).toBe(true);
      expect((error as RateLimitError).type).toBe(type);
      expectRequestIdOfLastRequest(error as RateLimitError);
    },
  );

  it('in a stream error event (no headers there): a retryable RateLimitError with the id of its message', async () => {
    emulator.enqueueFaults([
      {
        streamError: true,
        afterChunks: 1,
        message: ONE_API_SATURATION_MESSAGE,
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        match,
      },
    ]);
    const result = streamText({ model: bare(), prompt: 'Hi', onError: () => {} });
    let failure: unknown;
    for await (const part of result.fullStream) if (part.type === 'error') failure = part.error;
    expect(RateLimitError.isInstance(failure)).toBe(true);
    expect((failure as RateLimitError).isRetryable).toBe(true);
    expectRequestIdOfLastRequest(failure as RateLimitError);
    expect(rendered(failure)).not.toContain(KEY);
  });
});

describe('a genuine One API quota body', () => {
  it('a 429 with the quota message and code insufficient_quota: InsufficientQuotaError, not retried', async () => {
    emulator.enqueueFaults([{ status: 429, code: 'insufficient_quota', times: 3, match }]);
    const error = await rejectionOf(
      generateText({ model: wrapped(), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    const typed = error as InsufficientQuotaError;
    expect(typed.message).toMatch(/^用户额度不足/);
    expect(typed.hint).toMatch(/booster pack/);
    expect(typed.requestId).toBe(chatRequests().at(-1)?.id);
    expect(chatRequests()).toHaveLength(1);
    expect(rendered(error)).not.toContain(KEY);
  });
});
