import { APICallError } from '@ai-sdk/provider';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AttemptGuard } from '../attempt-guard';
import { AlayaError } from '../errors/alaya-error';

const unhandled = vi.fn();
process.on('unhandledRejection', unhandled);
afterAll(() => {
  process.off('unhandledRejection', unhandled);
});

const fail503 = () =>
  new APICallError({ message: 'busy', url: 'u', requestBodyValues: {}, statusCode: 503 });
const rejecting = async () => {
  throw new Error('hook bug');
};

describe('user hooks', () => {
  it('async hooks that reject never break the call nor leave an unhandled rejection', async () => {
    let calls = 0;
    const primary = new MockLanguageModelV4({
      doGenerate: async () => {
        calls++;
        throw fail503();
      },
      doStream: async () => {
        throw fail503();
      },
    });
    const fallback = new MockLanguageModelV4({
      modelId: 'fallback',
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'ok' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 1, text: 1, reasoning: 0 },
        },
        warnings: [],
      }),
    });
    const guard: AttemptGuard = {
      beforeAttempt: rejecting,
      allowRetry: rejecting,
      onSuccess: rejecting,
      onFailure: rejecting,
    };
    const model = wrapLanguageModel({
      model: primary,
      middleware: alayaMiddleware({
        initialDelayMs: 1,
        fallbackModels: [fallback],
        onRetry: rejecting,
        onFallback: rejecting,
        shouldRetry: rejecting,
        fallbackOn: async () => undefined,
        guard,
      }),
    });
    const { text } = await generateText({ model, prompt: 'hi' });
    expect(text).toBe('ok');
    expect(calls).toBe(3);
    const streamed = streamText({ model, prompt: 'hi', onError: () => {} });
    await streamed.consumeStream();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('a guard written as a class keeps its `this`', async () => {
    class CountingGuard implements AttemptGuard {
      count = 0;
      async beforeAttempt() {
        this.count++;
      }
      allowRetry() {
        return true;
      }
      onSuccess() {}
      onFailure() {}
    }
    const guard = new CountingGuard();
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({
        doGenerate: async () => {
          throw fail503();
        },
      }),
      middleware: alayaMiddleware({ initialDelayMs: 1, maxRetries: 1, guard }),
    });
    await expect(generateText({ model, prompt: 'hi' })).rejects.toThrow();
    expect(guard.count).toBe(2);
  });

  it('an onFallback that edits the attempts it was given changes neither the history nor the error', async () => {
    const failing = (modelId: string) =>
      new MockLanguageModelV4({
        modelId,
        doGenerate: async () => {
          throw fail503();
        },
      });
    const model = wrapLanguageModel({
      model: failing('primary'),
      middleware: alayaMiddleware({
        maxRetries: 0,
        fallbackModels: [failing('fallback')],
        onFallback: ({ attempts }) => {
          attempts[0]!.kind = 'timeout';
          attempts[0]!.modelId = 'edited';
          attempts.push({ ...attempts[0]! });
        },
      }),
    });
    const error: unknown = await generateText({ model, prompt: 'hi', maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    if (!AlayaError.isInstance(error)) throw error;
    expect(error.attempts?.map(({ modelId, kind }) => ({ modelId, kind }))).toEqual([
      { modelId: 'primary', kind: error.kind },
      { modelId: 'fallback', kind: error.kind },
    ]);
  });
});
