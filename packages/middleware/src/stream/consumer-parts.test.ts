import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { convertReadableStreamToArray } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { type ConsumerParts, consumerParts } from './consumer-parts';

/** A real stream fed through its consumer side, and what the consumer reads from it. */
function fed() {
  let consumer: ConsumerParts | undefined;
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      consumer = consumerParts(controller);
    },
  });
  return { consumer: consumer!, read: () => convertReadableStreamToArray(stream) };
}

const finish: LanguageModelV4StreamPart = {
  type: 'finish',
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: {
    inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 1, text: 1, reasoning: 0 },
  },
};

describe('consumerParts', () => {
  it('ends the blocks still open before a finish, in the order they opened, and nothing twice', async () => {
    const { consumer, read } = fed();
    const parts: LanguageModelV4StreamPart[] = [
      { type: 'reasoning-start', id: 'r0' },
      { type: 'text-start', id: 'txt-0' },
      { type: 'tool-input-start', id: 'call-1', toolName: 'get_weather' },
      { type: 'text-delta', id: 'txt-0', delta: 'Hi' },
      finish,
    ];
    for (const part of parts) consumer.enqueue(part);
    consumer.close();
    expect(await read()).toEqual([
      ...parts.slice(0, 4),
      { type: 'reasoning-end', id: 'r0' },
      { type: 'text-end', id: 'txt-0' },
      { type: 'tool-input-end', id: 'call-1' },
      finish,
    ]);
  });

  it('ends the open blocks before an error part, and before the stream closes without a finish', async () => {
    const { consumer, read } = fed();
    const error = { type: 'error', error: new Error('reset') } as const;
    consumer.enqueue({ type: 'text-start', id: 'txt-0' });
    consumer.enqueue(error);
    consumer.enqueue({ type: 'reasoning-start', id: 'r1' });
    consumer.close();
    expect(await read()).toEqual([
      { type: 'text-start', id: 'txt-0' },
      { type: 'text-end', id: 'txt-0' },
      error,
      { type: 'reasoning-start', id: 'r1' },
      { type: 'reasoning-end', id: 'r1' },
    ]);
  });

  it('drops a duplicate end, an end without a start and a second start of an open block', async () => {
    const { consumer, read } = fed();
    expect(consumer.enqueue({ type: 'text-end', id: 'never' })).toBe(false);
    expect(consumer.enqueue({ type: 'text-start', id: 'txt-0' })).toBe(true);
    expect(consumer.enqueue({ type: 'text-start', id: 'txt-0' })).toBe(false);
    // Same id, another kind: another block.
    expect(consumer.enqueue({ type: 'reasoning-start', id: 'txt-0' })).toBe(true);
    expect(consumer.enqueue({ type: 'text-end', id: 'txt-0' })).toBe(true);
    expect(consumer.enqueue({ type: 'text-end', id: 'txt-0' })).toBe(false);
    // A closed block may open again (a new block that reuses the id).
    expect(consumer.enqueue({ type: 'text-start', id: 'txt-0' })).toBe(true);
    consumer.enqueue(finish);
    consumer.close();
    expect(await read()).toEqual([
      { type: 'text-start', id: 'txt-0' },
      { type: 'reasoning-start', id: 'txt-0' },
      { type: 'text-end', id: 'txt-0' },
      { type: 'text-start', id: 'txt-0' },
      { type: 'reasoning-end', id: 'txt-0' },
      { type: 'text-end', id: 'txt-0' },
      finish,
    ]);
  });

  it('knows the last open block of a kind and ends one kind on its own', async () => {
    const { consumer, read } = fed();
    consumer.enqueue({ type: 'text-start', id: 'a' });
    consumer.enqueue({ type: 'reasoning-start', id: 'r' });
    consumer.enqueue({ type: 'text-start', id: 'b' });
    expect(consumer.open('text')).toBe('b');
    expect(consumer.open('tool-input')).toBeUndefined();
    consumer.end('reasoning');
    expect(consumer.open('reasoning')).toBeUndefined();
    consumer.enqueue({ type: 'text-end', id: 'b' });
    expect(consumer.open('text')).toBe('a');
    consumer.close();
    expect((await read()).map(part => `${part.type} ${(part as { id: string }).id}`)).toEqual([
      'text-start a',
      'reasoning-start r',
      'text-start b',
      'reasoning-end r',
      'text-end b',
      'text-end a',
    ]);
  });

  it('errors the stream as it is (the caller abort)', async () => {
    const { consumer, read } = fed();
    consumer.enqueue({ type: 'text-start', id: 'txt-0' });
    const abort = new DOMException('aborted', 'AbortError');
    consumer.error(abort);
    await expect(read()).rejects.toBe(abort);
  });
});
