import {
  APICallError,
  type LanguageModelV4CallOptions,
  type LanguageModelV4GenerateResult,
  type LanguageModelV4StreamPart,
} from '@ai-sdk/provider';
import { generateText, streamText, wrapLanguageModel } from 'ai';
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

describe('hedge of a stream', () => {
  it('when both attempts reach content together, one wins and the other stream is cancelled', async () => {
    vi.useRealTimers();
    let open!: () => void;
    const gate = new Promise<void>(resolve => {
      open = resolve;
    });
    const cancelled: number[] = [];
    let calls = 0;
    const mock = new MockLanguageModelV4({
      doStream: async () => {
        const n = ++calls;
        if (n === 2) setTimeout(open, 10);
        const parts: LanguageModelV4StreamPart[] = [
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Hi' },
          { type: 'text-end', id: 't' },
          {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: answer('').usage,
          },
        ];
        let i = 0;
        const stream = new ReadableStream<LanguageModelV4StreamPart>({
          async pull(controller) {
            if (i === 2) await gate; // content only once both attempts run
            if (i < parts.length) controller.enqueue(parts[i++]!);
            else controller.close();
          },
          cancel: () => void cancelled.push(n),
        });
        return { stream };
      },
    });
    const result = streamText({ model: wrap(mock, { hedge: { afterMs: 20 } }), prompt: 'Hi' });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(await result.text).toBe('Hi');
    expect(types.filter(t => t === 'start-step')).toHaveLength(1);
    expect(calls).toBe(2);
    await vi.waitFor(() => expect(cancelled).toHaveLength(1));
  });
});

describe("hedge: { afterMs: 'auto' }", () => {
  /** Answers `text` `ms` after the call. */
  const after =
    (ms: number, text = 'ok') =>
    () =>
      new Promise<LanguageModelV4GenerateResult>(resolve =>
        setTimeout(() => resolve(answer(text)), ms),
      );
  const repeat = <S>(step: S, n: number): S[] => Array.from({ length: n }, () => step);

  /** Runs `n` calls one after the other, each `ms` of the fake clock; returns their texts. */
  async function callsOf(model: ReturnType<typeof wrap>, n: number, ms: number) {
    const texts: string[] = [];
    for (let i = 0; i < n; i++) {
      const result = generateText({ model, prompt: 'Hi' });
      await vi.advanceTimersByTimeAsync(ms);
      texts.push((await result).text);
    }
    return texts;
  }

  /**
   * Starts a call whose first attempt hangs and whose hedge answers 100 ms after it goes, and
   * checks the hedge goes exactly `afterMs` after the first attempt (not 1 ms earlier).
   */
  async function expectHedgeAt(
    model: ReturnType<typeof wrap>,
    calls: Array<{ at: number }>,
    afterMs: number,
  ) {
    const before = calls.length;
    const start = Date.now();
    const result = generateText({ model, prompt: 'Hi' });
    await vi.advanceTimersByTimeAsync(afterMs - 1);
    expect(calls).toHaveLength(before + 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.slice(before).map(c => c.at - start)).toEqual([0, afterMs]);
    await vi.advanceTimersByTimeAsync(100);
    expect((await result).text).toBe('hedged');
  }

  it('no hedge during the warm-up (19 answers), then a hung attempt is hedged exactly at 1.5 × the median', async () => {
    const abort = new AbortController();
    const { mock, calls } = model('m', [
      ...repeat(after(400), 19),
      hang, // the 20th call: still warming up, never hedged; the caller gives up
      after(400),
      hang,
      after(100, 'hedged'),
    ]);
    const wrapped = wrap(mock, { hedge: { afterMs: 'auto' } });
    await callsOf(wrapped, 19, 400);
    const warming = generateText({ model: wrapped, prompt: 'Hi', abortSignal: abort.signal });
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(20);
    abort.abort();
    await expect(warming).rejects.toThrow();
    await callsOf(wrapped, 1, 400); // the 20th sample (an aborted call is none)
    await expectHedgeAt(wrapped, calls, 600);
  });

  it('only a first attempt that answers is a sample: 20 calls won by slow hedges leave the delay where it was', async () => {
    const { mock, calls } = model('m', [
      ...repeat(after(400), 20),
      ...Array.from({ length: 20 }, () => [hang, after(2000, 'hedged')]).flat(),
      hang,
      after(100, 'hedged'),
    ]);
    const wrapped = wrap(mock, { hedge: true });
    await callsOf(wrapped, 20, 400);
    expect(await callsOf(wrapped, 20, 2600)).toEqual(repeat('hedged', 20));
    expect(calls).toHaveLength(60);
    await expectHedgeAt(wrapped, calls, 600);
  });

  it('a first attempt that answers after its hedge went is a sample: the delay rises to its time', async () => {
    const { mock, calls } = model('m', [
      ...repeat(after(400), 20),
      after(3000, 'first'),
      hang,
      hang,
      after(100, 'hedged'),
    ]);
    const wrapped = wrap(mock, { hedge: true });
    await callsOf(wrapped, 20, 400);
    expect(await callsOf(wrapped, 1, 3000)).toEqual(['first']);
    expect(calls.slice(20).map(c => c.at - calls[20]!.at)).toEqual([0, 600]);
    await expectHedgeAt(wrapped, calls, 3000);
  });
});

describe("hedge: 'auto' in a burst (a slowdown the attempts share is not a stall)", () => {
  const after =
    (ms: number, text = 'ok') =>
    () =>
      new Promise<LanguageModelV4GenerateResult>(resolve =>
        setTimeout(() => resolve(answer(text)), ms),
      );
  /** Fails (HTTP 400, not retryable) `ms` after the call. */
  const failAfter = (ms: number) => () =>
    new Promise<LanguageModelV4GenerateResult>((_, reject) =>
      setTimeout(
        () =>
          reject(
            new APICallError({
              message: 'HTTP 400',
              url: 'http://127.0.0.1/v1/chat/completions',
              requestBodyValues: {},
              statusCode: 400,
              isRetryable: false,
            }),
          ),
        ms,
      ),
    );
  const repeat = <S>(step: S, n: number): S[] => Array.from({ length: n }, () => step);

  /** 20 answers at 400 ms, one after the other (the delay is then 600 ms), then 1 s idle. */
  async function warm(wrapped: ReturnType<typeof wrap>) {
    for (let i = 0; i < 20; i++) {
      const result = generateText({ model: wrapped, prompt: 'Hi' });
      await vi.advanceTimersByTimeAsync(400);
      await result;
    }
    await vi.advanceTimersByTimeAsync(1000);
  }

  it('10 concurrent calls all 2× slower than the delay: no hedge (before: 10), and their answers raise the delay', async () => {
    const { mock, calls } = model('m', [
      ...repeat(after(400), 20),
      ...repeat(after(1200), 10),
      hang,
      after(100, 'hedged'),
    ]);
    const wrapped = wrap(mock, { hedge: true });
    await warm(wrapped);
    const burst = Array.from({ length: 10 }, () => generateText({ model: wrapped, prompt: 'Hi' }));
    await vi.advanceTimersByTimeAsync(1200);
    expect((await Promise.all(burst)).map(r => r.text)).toEqual(repeat('ok', 10));
    expect(calls).toHaveLength(30);
    // The slow answers are samples: the next stall waits for the p98 of the window, 1200 ms.
    const start = Date.now();
    const stalled = generateText({ model: wrapped, prompt: 'Hi' });
    await vi.advanceTimersByTimeAsync(1199);
    expect(calls).toHaveLength(31);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.slice(30).map(c => c.at - start)).toEqual([0, 1200]);
    await vi.advanceTimersByTimeAsync(100);
    expect((await stalled).text).toBe('hedged');
  });

  it('a stall among 10 concurrent calls whose 9 peers answered: hedged exactly at the delay', async () => {
    const { mock, calls } = model('m', [
      ...repeat(after(400), 20),
      hang,
      ...repeat(after(400), 9),
      after(100, 'hedged'),
    ]);
    const wrapped = wrap(mock, { hedge: true });
    await warm(wrapped);
    const start = Date.now();
    const burst = Array.from({ length: 10 }, () => generateText({ model: wrapped, prompt: 'Hi' }));
    await vi.advanceTimersByTimeAsync(599);
    expect(calls).toHaveLength(30);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.slice(30).map(c => c.at - start)).toEqual([600]);
    await vi.advanceTimersByTimeAsync(100);
    expect((await burst[0]!).text).toBe('hedged');
  });

  it('at the limit (4 late of 10 peers) the stalls are hedged at the delay; one over (5 of 10) they wait, and go when a late peer ends', async () => {
    // Eleven calls at once: five hang, six answer at 400. Each hung one's peers: 4 late, 6 on time.
    const atLimit = model('m', [
      ...repeat(after(400), 20),
      ...repeat(hang, 5),
      ...repeat(after(400), 6),
      ...repeat(after(100, 'hedged'), 5),
    ]);
    const wrappedAt = wrap(atLimit.mock, { hedge: true });
    await warm(wrappedAt);
    const start = Date.now();
    const eleven = Array.from({ length: 11 }, () =>
      generateText({ model: wrappedAt, prompt: 'Hi' }),
    );
    await vi.advanceTimersByTimeAsync(600);
    expect(atLimit.calls.slice(31).map(c => c.at - start)).toEqual(repeat(600, 5));
    await vi.advanceTimersByTimeAsync(100);
    expect((await Promise.all(eleven)).map(r => r.text)).toEqual([
      ...repeat('hedged', 5),
      ...repeat('ok', 6),
    ]);

    // One over: five hang, one fails at 700, six answer at 400. Each hung one's peers: 5 late,
    // 6 on time: it waits. When the failing one ends at 700: 4 late, 6 on time: they go then.
    const over = model('m', [
      ...repeat(after(400), 20),
      ...repeat(hang, 5),
      failAfter(700),
      ...repeat(after(400), 6),
      ...repeat(after(100, 'hedged'), 5),
    ]);
    const wrappedOver = wrap(over.mock, { hedge: true, maxRetries: 1 });
    await warm(wrappedOver);
    const from = Date.now();
    const twelve = Array.from({ length: 12 }, () =>
      generateText({ model: wrappedOver, prompt: 'Hi' }).catch(() => 'failed'),
    );
    await vi.advanceTimersByTimeAsync(699);
    expect(over.calls).toHaveLength(32);
    await vi.advanceTimersByTimeAsync(1);
    expect(over.calls.slice(32).map(c => c.at - from)).toEqual(repeat(700, 5));
    await vi.advanceTimersByTimeAsync(100);
    const texts = (await Promise.all(twelve)).map(r => (typeof r === 'string' ? r : r.text));
    expect(texts).toEqual([...repeat('hedged', 5), 'failed', ...repeat('ok', 6)]);
  });

  it('an attempt counts in flight no more however it ended (answer, failure, caller abort, lost to its hedge): a stall right after three of each is hedged at the delay', async () => {
    const abort = new AbortController();
    const { mock, calls } = model('m', [
      ...repeat(after(400), 20),
      ...repeat(failAfter(0), 3), // 21-23: fail at once
      hang, // 24: a stall right after the failures
      after(100, 'hedged'), // 25: its hedge
      ...repeat(hang, 3), // 26-28: aborted by their caller
      hang, // 29: a stall right after the aborts
      after(100, 'hedged'), // 30
      ...repeat(hang, 3), // 31-33: hedged, lose to their hedges
      ...repeat(after(50, 'hedged'), 3), // 34-36
      hang, // 37: a stall right after the lost ones
      after(100, 'hedged'), // 38
    ]);
    const wrapped = wrap(mock, { hedge: true, maxRetries: 1 });
    await warm(wrapped);
    /** Starts a stalled call now and checks its hedge goes exactly 600 ms later. */
    const stallHedgedAt600 = async (index: number) => {
      const start = Date.now();
      const stalled = generateText({ model: wrapped, prompt: 'Hi' });
      await vi.advanceTimersByTimeAsync(600);
      expect(calls.slice(index).map(c => c.at - start)).toEqual([0, 600]);
      await vi.advanceTimersByTimeAsync(100);
      expect((await stalled).text).toBe('hedged');
      await vi.advanceTimersByTimeAsync(1000);
    };
    const three = (signal?: AbortSignal) =>
      Array.from({ length: 3 }, () =>
        generateText({ model: wrapped, prompt: 'Hi', abortSignal: signal }).then(
          r => r.text,
          () => 'failed',
        ),
      );
    const failed = three();
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.all(failed)).toEqual(repeat('failed', 3));
    await stallHedgedAt600(23);

    const aborted = three(abort.signal);
    await vi.advanceTimersByTimeAsync(10);
    abort.abort();
    expect(await Promise.all(aborted)).toEqual(repeat('failed', 3));
    await stallHedgedAt600(28);

    const lost = three();
    await vi.advanceTimersByTimeAsync(650);
    expect(await Promise.all(lost)).toEqual(repeat('hedged', 3));
    await stallHedgedAt600(36);
  });
});
