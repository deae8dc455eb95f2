import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { mapStreamErrors } from './map-stream-errors';

async function read(stream: ReadableStream<LanguageModelV4StreamPart>) {
  const parts: LanguageModelV4StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

const mapper = async (error: unknown, fromStreamPart: boolean) => ({
  mapped: error,
  fromStreamPart,
});

describe('mapStreamErrors', () => {
  it('maps error parts and passes every other part through in order', async () => {
    const source = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        controller.enqueue({ type: 'text-start', id: 't' });
        controller.enqueue({ type: 'error', error: 'boom' });
        controller.enqueue({ type: 'text-end', id: 't' });
        controller.close();
      },
    });
    expect(await read(mapStreamErrors(source, mapper))).toEqual([
      { type: 'text-start', id: 't' },
      { type: 'error', error: { mapped: 'boom', fromStreamPart: true } },
      { type: 'text-end', id: 't' },
    ]);
  });

  it('fails with the mapped error when the source stream fails', async () => {
    const failure = new Error('socket closed');
    const source = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        controller.enqueue({ type: 'text-start', id: 't' });
      },
      pull(controller) {
        controller.error(failure);
      },
    });
    await expect(read(mapStreamErrors(source, mapper))).rejects.toEqual({
      mapped: failure,
      fromStreamPart: false,
    });
  });

  it('cancels the source when the result is cancelled', async () => {
    let cancelled: unknown;
    const source = new ReadableStream<LanguageModelV4StreamPart>({
      cancel(reason) {
        cancelled = reason;
      },
    });
    await mapStreamErrors(source, mapper).cancel('stop');
    expect(cancelled).toBe('stop');
  });
});
