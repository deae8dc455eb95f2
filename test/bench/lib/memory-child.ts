/**
 * Child-process entry for the memory figure: streams one `chunks`-delta response through
 * `streamText` with the raw model or ours, sampling RSS every 1,000 parts, and reports
 * start / peak / end RSS to the parent over IPC. Run with `--expose-gc` so start and end are
 * measured after a full collection.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { streamText } from 'ai';
import { rawModel } from '../contenders/raw-model';
import { streamChunksHeaders } from './stream-shape';

const { url, apiKey, kind, chunks, modelId } = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  apiKey: string;
  kind: 'raw' | 'ours';
  chunks: number;
  modelId: string;
};

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function build(): Promise<LanguageModelV4> {
  if (kind === 'raw') return rawModel({ baseURL: url, apiKey }, modelId);
  const { oursModel } = await import('../contenders/ours-model');
  return oursModel({ baseURL: url, apiKey }, modelId);
}

async function stream(model: LanguageModelV4, n: number, onPart?: (parts: number) => void) {
  const result = streamText({
    model,
    prompt: 'Stream a long answer.',
    headers: streamChunksHeaders(n),
  });
  let parts = 0;
  for await (const part of result.fullStream) {
    parts++;
    if (part.type === 'error') throw part.error;
    if (onPart && parts % 1000 === 0) onPart(parts);
  }
  return parts;
}

try {
  const model = await build();
  await stream(model, 1_000);
  gc();
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  };
  const t0 = performance.now();
  const parts = await stream(model, chunks, sample);
  const ms = performance.now() - t0;
  sample();
  gc();
  const endRss = process.memoryUsage.rss();
  process.send?.({ startRss, peakRss, endRss, parts, ms });
} catch (error) {
  process.send?.({
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
process.disconnect?.();
