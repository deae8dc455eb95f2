import {
  APICallError,
  type LanguageModelV4CallOptions,
  type LanguageModelV4GenerateResult,
} from '@ai-sdk/provider';
import { generateText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';

// Fake timers for the arithmetic only (when the hedge goes); the behaviour over HTTP is in
// hedge.integration.test.ts and hedge-admission.integration.test.ts.

const answer = (text: string): LanguageModelV4GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: {
    inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 1, text: 1, reasoning: 0 },
  },
  warnings: [],
});

/** Never answers; rejects with the signal's reason once aborted. */
const hang = ({ abortSignal }: LanguageModelV4CallOptions) =>
  new Promise<LanguageModelV4GenerateResult>((_, reject) => {
    abortSignal?.addEventListener('abort', () => reject(abortSignal.reason), { once: true });
  });

/** A model whose n-th call runs `steps[n]` (the last step repeats); records call times and signals. */
function model(
  modelId: string,
  steps: Array<(o: LanguageModelV4CallOptions) => Promise<LanguageModelV4GenerateResult>>,
) {
  const calls: Array<{ at: number; signal: AbortSignal | undefined }> = [];
  const mock = new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId,
    doGenerate: async options => {
      calls.push({ at: Date.now(), signal: options.abortSignal });
      return steps[Math.min(calls.length, steps.length) - 1]!(options);
    },
  });
  return { mock, calls };
}

const wrap = (mock: MockLanguageModelV4, options: AlayaMiddlewareOptions) =>
  wrapLanguageModel({ model: mock, middleware: alayaMiddleware({ jitter: 'none', ...options }) });

const T0 = Date.UTC(2026, 11, 1);
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('hedge timing', () => {
  it('goes exactly afterMs after the slow attempt started, and the loser is aborted', async () => {
    const { mock, calls } = model('m', [hang, async () => answer('hedged')]);
    const result = generateText({ model: wrap(mock, { hedge: { afterMs: 1000 } }), prompt: 'Hi' });
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map(c => c.at - T0)).toEqual([0, 1000]);
    expect((await result).text).toBe('hedged');
    expect(calls[0]!.signal?.aborted).toBe(true);
    expect(calls[1]!.signal?.aborted).toBe(false);
  });

  it('waits for a Retry-After the call was given, then goes', async () => {
    const limited = new APICallError({
      message: 'HTTP 429',
      url: 'http://127.0.0.1/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 429,
      responseHeaders: { 'retry-after-ms': '5000' },
    });
    const primary = model('a', [
      async () => {
        throw limited;
      },
    ]);
    const fallback = model('b', [hang, async () => answer('hedged')]);
    const result = generateText({
      model: wrap(primary.mock, {
        hedge: { afterMs: 1000 },
        maxRetries: 1,
        shouldRetry: () => false,
        fallbackModels: [fallback.mock],
      }),
      prompt: 'Hi',
      maxRetries: 0,
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(fallback.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fallback.calls.map(c => c.at - T0)).toEqual([0, 5000]);
    expect((await result).text).toBe('hedged');
  });

  it('no hedge when the model has no retry left (maxRetries: 0)', async () => {
    const { mock, calls } = model('m', [
      async () => {
        await new Promise(resolve => setTimeout(resolve, 3000));
        return answer('slow');
      },
    ]);
    const result = generateText({
      model: wrap(mock, { hedge: { afterMs: 1000 }, maxRetries: 0 }),
      prompt: 'Hi',
    });
    await vi.advanceTimersByTimeAsync(3000);
    expect((await result).text).toBe('slow');
    expect(calls).toHaveLength(1);
  });
});
