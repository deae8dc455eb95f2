/**
 * The floor of any wrapping stream: client CPU per part of a bare stream layer of each kind, each
 * in a `wrapLanguageModel` middleware whose `wrapStream` only re-streams the model's parts, against
 * raw and an A/A raw, in the blocks of the overhead section's CPU-time rows (seeded random order,
 * a paired ratio per block, medians with 95 % intervals):
 *
 *   node --import tsx bench/overhead-cpu-layers.ts [streamText|doStream] [blocks] [names, comma-separated parts of|all] [chunks]
 *
 * (from `test/`). What no middleware that sees every part can go below; ours (`alayaMiddleware()` from
 * `packages/middleware/dist`, defaults) is measured in the same blocks.
 */
import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { wrapLanguageModel } from 'ai';
import { fixed } from './lib/format';
import { collectGarbage } from './lib/gc';
import { cpuMs } from './lib/measure';
import { createRng } from './lib/rng';
import { type MedianInterval, medianInterval } from './lib/stats';
import { inMemoryModel, readAnswer, type StreamPath, shuffledOrder } from './sections/overhead-cpu';

type Part = LanguageModelV4StreamPart;
type Layer = (stream: ReadableStream<Part>) => ReadableStream<Part>;

/** Bare layers, each passing every part on unchanged. */
const LAYERS: Record<string, Layer> = {
  'no-op middleware (no layer)': stream => stream,
  'async pull, one part per pull': stream => {
    const reader = stream.getReader();
    return new ReadableStream<Part>({
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
  },
  'pull returning read().then': stream => {
    const reader = stream.getReader();
    return new ReadableStream<Part>({
      pull: controller =>
        reader.read().then(next => {
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        }),
    });
  },
  'async pull, highWaterMark 0': stream => {
    const reader = stream.getReader();
    return new ReadableStream<Part>(
      {
        async pull(controller) {
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
      },
      { highWaterMark: 0 },
    );
  },
  'async pull, reading ahead 32': stream => {
    const reader = stream.getReader();
    return new ReadableStream<Part>(
      {
        async pull(controller) {
          for (;;) {
            const next = await reader.read();
            if (next.done) return controller.close();
            controller.enqueue(next.value);
            if ((controller.desiredSize ?? 0) <= 0) return;
          }
        },
      },
      { highWaterMark: 32 },
    );
  },
  'push source (start pumps, desiredSize)': stream => {
    const reader = stream.getReader();
    let wake: (() => void) | undefined;
    return new ReadableStream<Part>(
      {
        start(controller) {
          void (async () => {
            for (;;) {
              const next = await reader.read();
              if (next.done) return controller.close();
              controller.enqueue(next.value);
              if ((controller.desiredSize ?? 0) <= 0) await new Promise<void>(r => (wake = r));
            }
          })();
        },
        pull() {
          wake?.();
          wake = undefined;
        },
      },
      { highWaterMark: 1 },
    );
  },
  'identity TransformStream': stream => stream.pipeThrough(new TransformStream<Part, Part>()),
  'pipeThrough fused (subclass, no own hop)': stream => fused(stream),
};

const ignore = () => {};

/**
 * A `ReadableStream` whose `pipeThrough` pumps the model's parts straight into the transform's
 * writable side (no queue of its own between them), as the middleware's `directPipeStream` does:
 * what a layer that sees every part costs at the least.
 */
function fused(source: ReadableStream<Part>): ReadableStream<Part> {
  const reader = source.getReader();
  class Fused extends ReadableStream<Part> {
    override pipeThrough<T>(transform: ReadableWritablePair<T, Part>): ReadableStream<T> {
      const writer = transform.writable.getWriter();
      void (async () => {
        for (;;) {
          const next = await reader.read();
          if (next.done) return writer.close();
          if ((writer.desiredSize ?? 0) <= 0) await writer.ready;
          writer.write(next.value).catch(ignore);
        }
      })();
      return transform.readable;
    }
  }
  return new Fused(
    {
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    },
    { highWaterMark: 0 },
  );
}

const path = (process.argv[2] ?? 'streamText') as StreamPath;
const blocks = Number(process.argv[3] ?? 400);
/** The length of each stream: 20 shows what a layer costs per call, 500 and more per part. */
const chunks = Number(process.argv[5] ?? 500);
if (!['streamText', 'doStream'].includes(path) || !(blocks > 0) || !(chunks > 0)) {
  throw new Error(
    'usage: overhead-cpu-layers.ts [streamText|doStream] [blocks > 0] [names|all] [chunks > 0]',
  );
}
const only =
  process.argv[4] === undefined || process.argv[4] === 'all'
    ? undefined
    : process.argv[4].split(',');
const names = Object.keys(LAYERS).filter(n => !only || only.some(o => n.includes(o)));
const layered = (layer: Layer): LanguageModelV4 =>
  wrapLanguageModel({
    model: inMemoryModel(chunks),
    middleware: {
      specificationVersion: 'v4',
      wrapStream: async ({ doStream }) => {
        const { stream, ...rest } = await doStream();
        return { stream: layer(stream), ...rest };
      },
    },
  }) as LanguageModelV4;
// Ours beside the floors, in the same blocks: `alayaMiddleware()` from `packages/middleware/dist`.
names.push('ours: alayaMiddleware() (dist)');
const ours = wrapLanguageModel({
  model: inMemoryModel(chunks),
  middleware: alayaMiddleware(),
}) as LanguageModelV4;
const models = [
  inMemoryModel(chunks),
  ...names.slice(0, -1).map(n => layered(LAYERS[n]!)),
  ours,
  inMemoryModel(chunks),
];
for (let i = 0; i < 20; i++) for (const model of models) await readAnswer(model, path);
const rng = createRng(20260601);
const perPart: number[][] = models.map(() => []);
for (let block = 0; block < blocks; block++) {
  if (block % 50 === 0) collectGarbage();
  for (const m of shuffledOrder(rng, models.length)) {
    const c0 = cpuMs();
    const parts = await readAnswer(models[m]!, path);
    perPart[m]!.push(((cpuMs() - c0) * 1000) / parts);
  }
}
const raw = perPart[0]!;
const f = (m: MedianInterval, d: number) =>
  `${fixed(m.median, d)} (${fixed(m.low, d)}–${fixed(m.high, d)})`;
const row = (name: string, x: number[]) => {
  const ratio = medianInterval(x.map((v, b) => raw[b]! / v));
  const added = medianInterval(x.map((v, b) => v - raw[b]!));
  console.log(`  ${name.padEnd(40)} ${f(ratio, 4)}×   +${f(added, 3)} µs`);
};
console.log(`${path}, ${blocks} blocks of ${chunks}-part streams, raw ÷ layer per part`);
console.log(`  raw CPU per part: ${f(medianInterval(raw), 3)} µs`);
for (const [i, name] of names.entries()) row(name, perPart[i + 1]!);
row('A/A control (second raw)', perPart[models.length - 1]!);
