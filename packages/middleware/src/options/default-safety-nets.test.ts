import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import { DEFAULTS } from './resolve-options';

/**
 * The safety nets `alayaMiddleware()` has with no options, at their limits (fake timers): an attempt
 * that never answers is aborted exactly when its default timeout runs out, not a millisecond before.
 */
const CALL: LanguageModelV4CallOptions = {
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** When each attempt started and when its abort signal fired (fake time). */
function hungAttempts() {
  const attempts: Array<{ startedAt: number; abortedAt?: number }> = [];
  const hang = (signal: AbortSignal | undefined) => {
    const attempt: { startedAt: number; abortedAt?: number } = { startedAt: Date.now() };
    attempts.push(attempt);
    return new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => {
        attempt.abortedAt = Date.now();
        reject(signal.reason);
      });
    });
  };
  return { attempts, hang };
}

describe('alayaMiddleware() with no options: the default safety nets', () => {
  it(`generate: an attempt with no answer is aborted at exactly attemptTimeoutMs (${DEFAULTS.attemptTimeoutMs} ms), not before`, async () => {
    const { attempts, hang } = hungAttempts();
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({ doGenerate: options => hang(options.abortSignal) }),
      middleware: alayaMiddleware(),
    });
    const caller = new AbortController();
    const call = Promise.resolve(model.doGenerate({ ...CALL, abortSignal: caller.signal }));
    call.catch(() => {});
    await vi.advanceTimersByTimeAsync(DEFAULTS.attemptTimeoutMs - 1);
    expect(attempts).toEqual([{ startedAt: 0 }]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts[0]).toEqual({ startedAt: 0, abortedAt: DEFAULTS.attemptTimeoutMs });
    // A timeout is retryable: the next attempt follows after the backoff.
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toHaveLength(2);
    caller.abort();
    await expect(call).rejects.toBeDefined();
  });

  it(`stream: an attempt with no content part is aborted at exactly firstContentTimeoutMs (${DEFAULTS.firstContentTimeoutMs} ms), not before`, async () => {
    const { attempts, hang } = hungAttempts();
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({
        doStream: async options => ({
          // A stream that starts, then sends nothing: its read waits until the attempt is aborted.
          stream: new ReadableStream<LanguageModelV4StreamPart>({
            start(controller) {
              controller.enqueue({ type: 'stream-start', warnings: [] });
            },
            pull: controller => hang(options.abortSignal).catch(error => controller.error(error)),
          }),
        }),
      }),
      middleware: alayaMiddleware(),
    });
    const caller = new AbortController();
    const { stream } = await model.doStream({ ...CALL, abortSignal: caller.signal });
    const reader = stream.getReader();
    const parts = (async () => {
      const seen: string[] = [];
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) seen.push(r.value.type);
      } catch {}
      return seen;
    })();
    await vi.advanceTimersByTimeAsync(DEFAULTS.firstContentTimeoutMs - 1);
    expect(attempts).toEqual([{ startedAt: 0 }]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts[0]).toEqual({ startedAt: 0, abortedAt: DEFAULTS.firstContentTimeoutMs });
    // Retried invisibly: the next attempt follows after the backoff.
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toHaveLength(2);
    caller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await parts).not.toContain('text-delta');
  });
});
