import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { convertReadableStreamToArray } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { type ConsumerParts, consumerParts } from './consumer-parts';
import { answerSplice } from './continuation';

const first: LanguageModelV4StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'reasoning-start', id: 'r0' },
  { type: 'reasoning-delta', id: 'r0', delta: 'Thinking' },
  { type: 'text-start', id: 'txt-0' },
  { type: 'text-delta', id: 'txt-0', delta: 'Hello, ' },
];
const params: LanguageModelV4CallOptions = {
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

/** A real stream's consumer side that `seen` already went through, and the parts it read. */
function consumerAfter(seen: readonly LanguageModelV4StreamPart[]) {
  let consumer: ConsumerParts | undefined;
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      consumer = consumerParts(controller);
    },
  });
  for (const part of seen) consumer!.enqueue(part);
  const read = () => {
    consumer!.close();
    return convertReadableStreamToArray(stream);
  };
  return { consumer: consumer!, read };
}

describe('answerSplice', () => {
  it('sends the text so far back as an assistant message and splices the rest into the open block', async () => {
    const { consumer, read } = consumerAfter(first.slice(0, 4));
    const splice = answerSplice(first.slice(0, 4), consumer);
    const passOn = (part: LanguageModelV4StreamPart) => {
      const passed = splice.pass(part);
      for (const p of passed) consumer.enqueue(p);
      return passed;
    };
    expect(passOn(first[4]!)).toEqual([first[4]]);
    expect(splice.textOnly()).toBe(true);
    splice.beginContinuation();
    expect(splice.continuationParams(params).prompt).toEqual([
      ...params.prompt,
      { role: 'assistant', content: [{ type: 'text', text: 'Hello, ' }] },
    ]);
    const continuation: LanguageModelV4StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'second' },
      { type: 'reasoning-start', id: 'r9' },
      { type: 'reasoning-delta', id: 'r9', delta: 'again' },
      { type: 'reasoning-end', id: 'r9' },
      { type: 'text-start', id: 'txt-9' },
      { type: 'text-delta', id: 'txt-9', delta: 'world' },
      { type: 'text-end', id: 'txt-9' },
    ];
    expect(continuation.flatMap(passOn)).toEqual([
      { type: 'text-delta', id: 'txt-0', delta: 'world' },
      { type: 'text-end', id: 'txt-0' },
    ]);
    // The consumer read the reasoning ended when the continuation began, then the spliced text.
    expect(await read()).toEqual([
      ...first,
      { type: 'reasoning-end', id: 'r0' },
      { type: 'text-delta', id: 'txt-0', delta: 'world' },
      { type: 'text-end', id: 'txt-0' },
    ]);
  });

  it('a closed text block is not reopened: the continuation opens its own', () => {
    const seen = [...first, { type: 'text-end', id: 'txt-0' } as const];
    const { consumer } = consumerAfter(seen);
    const splice = answerSplice(seen, consumer);
    splice.beginContinuation();
    expect(splice.pass({ type: 'text-start', id: 'txt-1' })).toEqual([
      { type: 'text-start', id: 'txt-1' },
    ]);
  });

  it('a tool part or a finish rules continuation out', () => {
    const tool = answerSplice(first, consumerAfter(first).consumer);
    tool.pass({ type: 'tool-input-start', id: 'c1', toolName: 'get_weather' });
    expect(tool.textOnly()).toBe(false);
    const finished = answerSplice(first, consumerAfter(first).consumer);
    finished.pass({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 1, text: 1, reasoning: 0 },
      },
    });
    expect(finished.textOnly()).toBe(false);
  });

  it('with no text yet (only reasoning) the call is re-issued as it was', () => {
    const seen = first.slice(0, 3);
    const splice = answerSplice(seen, consumerAfter(seen).consumer);
    expect(splice.continuationParams(params)).toBe(params);
  });
});
