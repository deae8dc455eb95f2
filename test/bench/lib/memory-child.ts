/**
 * Child-process entry for the memory figures: streams one `chunks`-delta response with the raw model
 * or ours, either through `streamText` or through `model.doStream()` alone, sampling RSS and heap
 * every 1,000 parts (and the live heap after a forced GC every 25,000 parts), and reports start / peak / end to the parent over IPC. Run with
 * `--expose-gc` so start and end are measured after a full collection.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { streamText } from 'ai';
import { rawModel } from '../contenders/raw-model';
import { streamChunksHeaders } from './stream-shape';

const { url, apiKey, kind, level, chunks, modelId } = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  apiKey: string;
  kind: 'raw' | 'ours';
  level: 'streamText' | 'doStream';
  chunks: number;
  modelId: string;
};

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function build(): Promise<LanguageModelV4> {
  if (kind === 'raw') return rawModel({ baseURL: url, apiKey }, modelId);
  const { oursModel } = await import('../contenders/ours-model');
  return oursModel({ baseURL: url, apiKey }, modelId);
}

async function* parts(model: LanguageModelV4, n: number): AsyncGenerator<{ type: string }> {
  const headers = streamChunksHeaders(n);
  if (level === 'streamText') {
    yield* streamText({ model, prompt: 'Stream a long answer.', headers }).fullStream;
    return;
  }
  const { stream } = await model.doStream({
    prompt: [{ role: 'user', content: [{ type: 'text', text: 'Stream a long answer.' }] }],
    headers,
  });
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function consume(
  model: LanguageModelV4,
  n: number,
  onSample?: (parts: number) => void,
): Promise<number> {
  let count = 0;
  for await (const part of parts(model, n)) {
    count++;
    if (part.type === 'error') throw (part as { error?: unknown }).error;
    if (onSample && count % 1000 === 0) onSample(count);
  }
  return count;
}

try {
  const model = await build();
  await consume(model, 1_000);
  gc();
  const startRss = process.memoryUsage.rss();
  const startHeap = process.memoryUsage().heapUsed;
  let peakRss = startRss;
  let peakHeap = startHeap;
  let liveHeap = 0;
  const sample = (parts?: number) => {
    const rss = process.memoryUsage.rss();
    const heap = process.memoryUsage().heapUsed;
    if (rss > peakRss) peakRss = rss;
    if (heap > peakHeap) peakHeap = heap;
    // Every 25k parts, mid-stream: a full GC, then the heap that is really held (live), not garbage.
    if (parts !== undefined && parts % 25_000 === 0) {
      gc();
      liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed - startHeap);
    }
  };
  const t0 = performance.now();
  const count = await consume(model, chunks, sample);
  const ms = performance.now() - t0;
  sample();
  gc();
  const endRss = process.memoryUsage.rss();
  const endHeap = process.memoryUsage().heapUsed;
  process.send?.({
    startRss,
    peakRss,
    endRss,
    startHeap,
    peakHeap,
    endHeap,
    liveHeap,
    parts: count,
    ms,
  });
} catch (error) {
  process.send?.({
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
process.disconnect?.();
