import { getEventListeners } from 'node:events';
import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};
const parts: LanguageModelV4StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hi' },
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
];

/** A model answering at once; `signals` are the abort signals its calls were given. */
function model() {
  const signals: (AbortSignal | undefined)[] = [];
  const mock = new MockLanguageModelV4({
    doGenerate: async options => {
      signals.push(options.abortSignal);
      return {
        content: [{ type: 'text', text: 'Hi' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        warnings: [],
      };
    },
    doStream: async options => {
      signals.push(options.abortSignal);
      let i = 0;
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          pull(controller) {
            if (i < parts.length) controller.enqueue(parts[i++]!);
            else controller.close();
          },
        }),
      };
    },
  });
  return { mock, signals };
}

const wrapped = (mock: LanguageModelV4, options: AlayaMiddlewareOptions = {}) =>
  wrapLanguageModel({ model: mock, middleware: alayaMiddleware(options) });

/** Counts the `AbortController`s constructed and the `AbortSignal.any` calls made while `run` runs. */
async function signalCost(
  run: () => Promise<unknown>,
): Promise<{ controllers: number; any: number }> {
  let controllers = 0;
  const Counted = class extends AbortController {
    constructor() {
      super();
      controllers++;
    }
  };
  vi.stubGlobal('AbortController', Counted);
  const any = vi.spyOn(AbortSignal, 'any');
  try {
    await run();
    return { controllers, any: any.mock.calls.length };
  } finally {
    vi.unstubAllGlobals();
    any.mockRestore();
  }
}

async function readAll(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // read to the end
  }
}

describe('the attempt signal: one AbortController per attempt, no AbortSignal.any (Node 20: ~5 µs and weak references each)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a default stream: the call’s cancel and its one attempt’s controller, no AbortSignal.any (before: one per attempt for its first-content timer)', async () => {
    const raw = await signalCost(() =>
      readAll(streamText({ model: model().mock, prompt: 'x' }).fullStream),
    );
    const ours = await signalCost(() =>
      readAll(streamText({ model: wrapped(model().mock), prompt: 'x' }).fullStream),
    );
    expect({ controllers: ours.controllers - raw.controllers, any: ours.any - raw.any }).toEqual({
      controllers: 2,
      any: 0,
    });
  });

  it('a generate call on the caller’s signal, with deadlineMs: one controller for the caller’s abort, the deadline and attemptTimeoutMs (before: two controllers and two AbortSignal.any)', async () => {
    const caller = new AbortController();
    const { mock, signals } = model();
    const raw = await signalCost(() =>
      generateText({ model: model().mock, prompt: 'x', abortSignal: caller.signal }),
    );
    const ours = await signalCost(() =>
      generateText({
        model: wrapped(mock, { deadlineMs: 60_000 }),
        prompt: 'x',
        abortSignal: caller.signal,
      }),
    );
    expect({ controllers: ours.controllers - raw.controllers, any: ours.any - raw.any }).toEqual({
      controllers: 1,
      any: 0,
    });
    expect(signals).toHaveLength(1);
    expect(signals[0]).not.toBe(caller.signal);
    // The attempt is over: its link to the caller's long-lived signal is gone.
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    caller.abort('later');
    expect(signals[0]!.aborted).toBe(false);
  });

  it('200 generate calls on one caller signal leave no listener on it', async () => {
    const caller = new AbortController();
    const m = wrapped(model().mock);
    for (let i = 0; i < 200; i++) {
      await generateText({ model: m, prompt: 'x', abortSignal: caller.signal });
    }
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('hedge on but no hedge can go (maxRetries: 0, no fallback): no `lost` controller (before: one per attempt)', async () => {
    const raw = await signalCost(() =>
      readAll(streamText({ model: model().mock, prompt: 'x' }).fullStream),
    );
    const ours = await signalCost(() =>
      readAll(
        streamText({
          model: wrapped(model().mock, { maxRetries: 0, hedge: { afterMs: 60_000 } }),
          prompt: 'x',
        }).fullStream,
      ),
    );
    expect(ours.controllers - raw.controllers).toBe(2);
  });

  it('a stream keeps its attempt’s link while the answer is read: the caller’s abort after the first content part reaches the attempt’s signal with its reason', async () => {
    const caller = new AbortController();
    const { mock, signals } = model();
    const result = streamText({ model: wrapped(mock), prompt: 'x', abortSignal: caller.signal });
    const reader = result.fullStream[Symbol.asyncIterator]();
    for (;;) {
      const next = await reader.next();
      if (next.done || next.value.type === 'text-delta') break;
    }
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
    const reason = new Error('user left');
    caller.abort(reason);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBe(reason);
    await reader.return?.();
  });

  it('the stream wrapStream returns is a plain ReadableStream (a subclass costs more to construct on Node 20)', async () => {
    const { stream } = await wrapped(model().mock).doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
    });
    expect(Object.getPrototypeOf(stream)).toBe(ReadableStream.prototype);
    await stream.cancel();
  });
});
