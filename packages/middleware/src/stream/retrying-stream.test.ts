import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { streamText, wrapLanguageModel } from 'ai';
import { convertReadableStreamToArray, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AlayaError } from '../errors/alaya-error';
import { ConnectionError } from '../errors/network-errors';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};
const reset = () =>
  new TypeError('terminated', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });

/** A stream of `parts` that then errors with `error` (or ends). */
function partsStream(parts: LanguageModelV4StreamPart[], error?: unknown) {
  let i = 0;
  return new ReadableStream<LanguageModelV4StreamPart>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]!);
      else if (error !== undefined) controller.error(error);
      else controller.close();
    },
  });
}

const answer: LanguageModelV4StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hi' },
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
];

function streamModel(attempts: Array<() => Promise<ReadableStream<LanguageModelV4StreamPart>>>) {
  const signals: Array<AbortSignal | undefined> = [];
  const model = new MockLanguageModelV4({
    doStream: async options => {
      signals.push(options.abortSignal);
      const next = attempts[Math.min(signals.length - 1, attempts.length - 1)]!;
      return {
        stream: await next(),
        response: { headers: { 'x-attempt': String(signals.length) } },
      };
    },
  });
  return { model, signals };
}

const wrap = (model: MockLanguageModelV4, maxRetries = 2) =>
  wrapLanguageModel({
    model,
    middleware: alayaMiddleware({ initialDelayMs: 1, jitter: 'none', maxRetries }),
  });

describe('the stream wrapStream returns', () => {
  it('resolves before the first attempt has answered', async () => {
    let answerNow: () => void = () => {};
    const answered = new Promise<void>(resolve => {
      answerNow = resolve;
    });
    const { model, signals } = streamModel([() => answered.then(() => partsStream(answer))]);
    const result = await wrap(model).doStream({ prompt: [] });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(signals).toHaveLength(1);
    answerNow();
    const parts = await convertReadableStreamToArray(result.stream);
    expect(parts.map(p => p.type)).toContain('text-delta');
    expect(result.response?.headers).toEqual({ 'x-attempt': '1' });
  });

  it('an empty text-delta does not commit: a reset right after it is retried', async () => {
    const { model, signals } = streamModel([
      async () =>
        partsStream(
          [
            { type: 'stream-start', warnings: [] },
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: '' },
          ],
          reset(),
        ),
      async () => partsStream(answer),
    ]);
    const result = await wrap(model).doStream({ prompt: [] });
    const parts = await convertReadableStreamToArray(result.stream);
    expect(signals).toHaveLength(2);
    expect(parts.filter(p => p.type === 'stream-start')).toHaveLength(1);
    expect(parts.filter(p => p.type === 'text-start')).toHaveLength(1);
    expect(parts.some(p => p.type === 'error')).toBe(false);
    expect(result.response?.headers).toEqual({ 'x-attempt': '2' });
  });

  it('request and response are plain data (the AI SDK spreads them; an accessor takes a slow path), the answering attempt’s once it answered', async () => {
    let n = 0;
    const model = new MockLanguageModelV4({
      doStream: async () => {
        n++;
        return {
          stream: n === 1 ? partsStream([], reset()) : partsStream(answer),
          request: { body: { attempt: n } },
          response: { headers: { 'x-attempt': String(n) } },
        };
      },
    });
    const result = await wrap(model).doStream({ prompt: [] });
    await convertReadableStreamToArray(result.stream);
    expect(n).toBe(2);
    for (const [holder, key] of [
      [result.request, 'body'],
      [result.response, 'headers'],
    ] as const) {
      const descriptor = Object.getOwnPropertyDescriptor(holder, key);
      expect(descriptor?.get).toBeUndefined();
      expect('value' in (descriptor ?? {})).toBe(true);
    }
    expect({ ...result.request }).toEqual({ body: { attempt: 2 } });
    expect({ ...result.response }).toEqual({ headers: { 'x-attempt': '2' } });
  });

  it('a stream that answers looks up no request id in its response headers (only a failure needs one), and one that breaks after content still carries it', async () => {
    const looked: string[] = [];
    const headers = (id: string) =>
      new Proxy({ 'x-request-id': id } as Record<string, string>, {
        get(target, key) {
          if (typeof key === 'string' && key.includes('request-id')) looked.push(key);
          return target[key as string];
        },
      });
    let n = 0;
    const model = new MockLanguageModelV4({
      doStream: async () => {
        n++;
        return {
          stream: n === 1 ? partsStream(answer) : partsStream(answer.slice(0, 3), reset()),
          response: { headers: headers(`req-${n}`) },
        };
      },
    });
    const ok = await wrap(model, 0).doStream({ prompt: [] });
    await convertReadableStreamToArray(ok.stream);
    expect(looked).toEqual([]);
    const broken = await wrap(model, 0).doStream({ prompt: [] });
    const parts = await convertReadableStreamToArray(broken.stream);
    const error = parts.find(p => p.type === 'error') as { error: AlayaError } | undefined;
    expect(error?.error.requestId).toBe('req-2');
  });

  it('gives up with one typed error part; streamText passes it to onError and the fullStream', async () => {
    const { model, signals } = streamModel([async () => partsStream([], reset())]);
    const errors: unknown[] = [];
    const result = streamText({
      model: wrap(model),
      prompt: 'hi',
      onError: ({ error }) => void errors.push(error),
    });
    const parts: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'error') parts.push(part.error);
    expect(signals).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(parts).toEqual(errors);
    expect(ConnectionError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as AlayaError).attempts).toHaveLength(3);
    expect(await result.finishReason).toBe('error');
  });

  it('the caller abort during a backoff errors the stream with the caller reason', async () => {
    const { model } = streamModel([async () => partsStream([], reset())]);
    const controller = new AbortController();
    const wrapped = wrapLanguageModel({
      model,
      middleware: alayaMiddleware({ initialDelayMs: 60_000, jitter: 'none' }),
    });
    const result = await wrapped.doStream({ prompt: [], abortSignal: controller.signal });
    const reading = convertReadableStreamToArray(result.stream);
    setTimeout(() => controller.abort(new Error('user left')), 20);
    await expect(reading).rejects.toThrow('user left');
  });

  it('cancelling the stream aborts the attempt in flight', async () => {
    const { model, signals } = streamModel([async () => new ReadableStream()]);
    const result = await wrap(model).doStream({ prompt: [] });
    const reader = result.stream.getReader();
    const read = reader.read();
    await new Promise(resolve => setTimeout(resolve, 20));
    await reader.cancel('done');
    expect(signals[0]?.aborted).toBe(true);
    await expect(read).resolves.toMatchObject({ done: true });
  });

  it('piped as the AI SDK reads it: the consumer’s cancel while the answer stalls mid-stream cancels the attempt at once', async () => {
    let upstreamCancelled: unknown;
    const stalling = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        for (const part of answer.slice(0, 3)) controller.enqueue(part);
        // Then nothing more: a stalled answer, no timeout configured.
      },
      cancel(reason) {
        upstreamCancelled = reason;
      },
    });
    const { model, signals } = streamModel([async () => stalling]);
    const result = await wrap(model).doStream({ prompt: [] });
    const reader = result.stream.pipeThrough(new TransformStream()).getReader();
    for (;;) {
      const next = await reader.read();
      if (next.done || next.value.type === 'text-delta') break;
    }
    const pending = reader.read();
    await new Promise(resolve => setTimeout(resolve, 20));
    await reader.cancel('user left');
    await expect(pending).resolves.toMatchObject({ done: true });
    expect(upstreamCancelled).toBe('user left');
    expect(signals[0]?.aborted).toBe(true);
  });

  it.each([
    ['read with a reader', (stream: ReadableStream<LanguageModelV4StreamPart>) => stream],
    [
      'piped through a transform (as the AI SDK reads it)',
      (stream: ReadableStream<LanguageModelV4StreamPart>) =>
        stream.pipeThrough(new TransformStream<LanguageModelV4StreamPart>()),
    ],
  ])(
    'backpressure, %s: a consumer that does not read is read ahead of by a few parts, no more; then every part arrives',
    async (_, consume) => {
      const deltas = Array.from(
        { length: 200 },
        (_, i): LanguageModelV4StreamPart => ({ type: 'text-delta', id: 't', delta: `${i}` }),
      );
      const parts = [...answer.slice(0, 2), ...deltas, ...answer.slice(3)];
      let pulled = 0;
      const upstream = new ReadableStream<LanguageModelV4StreamPart>(
        {
          pull(controller) {
            if (pulled < parts.length) controller.enqueue(parts[pulled++]!);
            else controller.close();
          },
        },
        { highWaterMark: 0 },
      );
      const { model } = streamModel([async () => upstream]);
      const result = await wrap(model).doStream({ prompt: [] });
      const reader = consume(result.stream).getReader();
      await expect(reader.read()).resolves.toMatchObject({ value: { type: 'stream-start' } });
      // Real time for the pulls to run: the consumer reads nothing meanwhile.
      await new Promise(resolve => setTimeout(resolve, 50));
      // The first content part (the 3rd), at most two parts queued for the consumer, one in flight.
      expect(pulled).toBeGreaterThanOrEqual(3);
      expect(pulled).toBeLessThanOrEqual(6);
      const rest = await convertReadableStreamToArray(
        new ReadableStream({
          async pull(controller) {
            const next = await reader.read();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          },
        }),
      );
      expect(rest).toHaveLength(parts.length - 1);
      expect(rest.at(-1)).toMatchObject({ type: 'finish' });
    },
  );
});
