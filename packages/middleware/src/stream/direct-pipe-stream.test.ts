import { convertReadableStreamToArray } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { type DirectSource, directPipeStream, type PartSink } from './direct-pipe-stream';

/** A source of `count` numbers, then `end` (close by default); it records its pulls and cancel. */
function numbers(count: number, end: (sink: PartSink<number>) => void = sink => sink.close()) {
  let sink: PartSink<number> | undefined;
  let next = 0;
  const seen = { pulls: 0, starts: 0, cancelled: [] as unknown[] };
  const source: DirectSource<number> = {
    start(s) {
      seen.starts++;
      sink = s;
    },
    pull() {
      seen.pulls++;
      if (next < count) sink!.enqueue(next++);
      else end(sink!);
    },
    cancel: reason => void seen.cancelled.push(reason),
  };
  return { source, seen };
}

/** Real time for the pipe's microtasks and pulls to run. */
const settle = () => new Promise(resolve => setTimeout(resolve, 20));

describe('directPipeStream', () => {
  it('pipeThrough: the source writes into the transform directly, every part in order, the end closes it, the stream is locked', async () => {
    const { source, seen } = numbers(100);
    const stream = directPipeStream(source);
    const out = stream.pipeThrough(new TransformStream<number, number>());
    // Started by pipeThrough itself, not by a read of the stream's own (a pipe's reads start later).
    expect(seen.starts).toBe(1);
    expect(stream.locked).toBe(true);
    expect(() => stream.getReader()).toThrow(TypeError);
    expect(await convertReadableStreamToArray(out)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(seen.starts).toBe(1);
    expect(seen.cancelled).toEqual([]);
  });

  it('pipeThrough: a consumer that does not read is not read ahead of (the writable’s backpressure holds the pulls)', async () => {
    const { source, seen } = numbers(1000);
    const out = directPipeStream(source).pipeThrough(new TransformStream<number, number>());
    await settle();
    // The transform's writable holds one part and the transform one more: nothing beyond.
    expect(seen.pulls).toBeLessThanOrEqual(3);
    const reader = out.getReader();
    await expect(reader.read()).resolves.toEqual({ done: false, value: 0 });
    await settle();
    expect(seen.pulls).toBeLessThanOrEqual(4);
  });

  it('pipeThrough: the source’s error errors the transform’s readable with its reason', async () => {
    const failure = new Error('broken');
    const { source } = numbers(2, sink => sink.error(failure));
    const out = directPipeStream(source).pipeThrough(new TransformStream<number, number>());
    const reader = out.getReader();
    await expect(reader.read()).resolves.toEqual({ done: false, value: 0 });
    await expect(reader.read()).resolves.toEqual({ done: false, value: 1 });
    await expect(reader.read()).rejects.toBe(failure);
  });

  it('pipeThrough: a pull that throws errors the transform’s readable', async () => {
    const failure = new Error('pull threw');
    const out = directPipeStream<number>({
      start() {},
      pull() {
        throw failure;
      },
      cancel() {},
    }).pipeThrough(new TransformStream<number, number>());
    await expect(out.getReader().read()).rejects.toBe(failure);
  });

  it('pipeThrough: the consumer’s cancel reaches the source at once, while a pull still waits', async () => {
    const cancelled: unknown[] = [];
    let pulls = 0;
    const out = directPipeStream<number>({
      start() {},
      // Never passes anything on: a stalled upstream.
      pull: () => {
        pulls++;
        return new Promise<void>(() => {});
      },
      cancel: reason => void cancelled.push(reason),
    }).pipeThrough(new TransformStream<number, number>());
    const reader = out.getReader();
    const read = reader.read();
    await settle();
    expect(pulls).toBe(1);
    await reader.cancel('user left');
    await expect(read).resolves.toEqual({ done: true, value: undefined });
    await settle();
    expect(cancelled).toEqual(['user left']);
  });

  it('getReader: the stream reads as any stream, nothing pulled before the first read', async () => {
    const { source, seen } = numbers(3);
    const stream = directPipeStream(source);
    await settle();
    expect(seen.pulls).toBe(0);
    expect(await convertReadableStreamToArray(stream)).toEqual([0, 1, 2]);
  });

  it('pipeThrough with options, or after a read: the stream’s own path, the same parts', async () => {
    const { source } = numbers(3);
    const withOptions = directPipeStream(source).pipeThrough(
      new TransformStream<number, number>(),
      {
        preventCancel: true,
      },
    );
    expect(await convertReadableStreamToArray(withOptions)).toEqual([0, 1, 2]);

    const other = numbers(3);
    const stream = directPipeStream(other.source);
    const reader = stream.getReader();
    await expect(reader.read()).resolves.toEqual({ done: false, value: 0 });
    reader.releaseLock();
    const rest = stream.pipeThrough(new TransformStream<number, number>());
    expect(await convertReadableStreamToArray(rest)).toEqual([1, 2]);
    expect(other.seen.starts).toBe(1);
  });

  it('pipeThrough into a locked writable throws a TypeError and leaves the stream unlocked and unread', async () => {
    const { source, seen } = numbers(3);
    const stream = directPipeStream(source);
    const transform = new TransformStream<number, number>();
    transform.writable.getWriter();
    expect(() => stream.pipeThrough(transform)).toThrow(TypeError);
    expect(stream.locked).toBe(false);
    expect(seen.starts).toBe(0);
    expect(await convertReadableStreamToArray(stream)).toEqual([0, 1, 2]);
  });

  it('cancel through getReader reaches the source', async () => {
    const { source, seen } = numbers(10);
    const reader = directPipeStream(source).getReader();
    await reader.read();
    await reader.cancel('done');
    expect(seen.cancelled).toEqual(['done']);
  });
});
