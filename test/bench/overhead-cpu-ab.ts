/**
 * A change to the middleware measured against the current build in the same run: client CPU per
 * part of raw, `alayaMiddleware()` from `packages/middleware/dist`, the same from another build, and
 * an A/A raw, in the blocks of the overhead section's CPU-time rows. To measure a patch: build it,
 * copy `packages/middleware/dist` to e.g. `packages/middleware/dist-patched` (inside the package, so
 * its imports resolve), build the base again, then from `test/`:
 *
 *   node --import tsx bench/overhead-cpu-ab.ts ../packages/middleware/dist-patched [doStream|streamText] [off|on] [blocks]
 *
 * `on` sets `idleTimeoutMs: 30000` on both middlewares. Prints median (95 % interval) of each figure
 * and of other ÷ base throughput, paired per block (base CPU per part ÷ other's in the same block).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { alayaMiddleware as baseMiddleware } from '@alaya-code/ai-sdk-middleware';
import { wrapLanguageModel } from 'ai';
import { createBudget } from './lib/budget';
import { fixed } from './lib/format';
import { cpuMs } from './lib/measure';
import { createPhases } from './lib/phases';
import { type MedianInterval, medianInterval } from './lib/stats';
import {
  type CpuQuartet,
  compareCpu,
  IDLE_TIMEOUT_MS,
  inMemoryModel,
  readAnswer,
  type StreamPath,
} from './sections/overhead-cpu';

const [dir, pathArg = 'doStream', idle = 'off', blocksArg = '800'] = process.argv.slice(2);
const path = pathArg as StreamPath;
const blocks = Number(blocksArg);
if (
  !dir ||
  !['doStream', 'streamText'].includes(path) ||
  !['off', 'on'].includes(idle) ||
  !(blocks > 0)
) {
  throw new Error(
    'usage: overhead-cpu-ab.ts <other dist dir> [doStream|streamText] [off|on] [blocks > 0]',
  );
}
const other = (await import(pathToFileURL(resolve(dir, 'index.js')).href)) as {
  alayaMiddleware: typeof baseMiddleware;
};
const chunks = 500;
const options = idle === 'on' ? { idleTimeoutMs: IDLE_TIMEOUT_MS } : {};
const wrap = (make: typeof baseMiddleware) =>
  wrapLanguageModel({ model: inMemoryModel(chunks), middleware: make(options) }) as LanguageModelV4;
const models: CpuQuartet = [
  inMemoryModel(chunks),
  wrap(baseMiddleware),
  wrap(other.alayaMiddleware),
  inMemoryModel(chunks),
];
for (let i = 0; i < 20; i++) for (const model of models) await readAnswer(model, path);
const phase = createPhases(createBudget(Number.POSITIVE_INFINITY), { ab: 1 })('ab');
const limits = { min: blocks, max: blocks, gcEvery: 50, seed: 20260601 };
/** CPU µs per part of each model's runs, in block order: the paired other ÷ base ratio below. */
const perPart = new Map<LanguageModelV4, number[]>(models.map(m => [m, []]));
const s = await compareCpu(models, phase, limits, async model => {
  const c0 = cpuMs();
  const parts = await readAnswer(model, path);
  perPart.get(model)!.push(((cpuMs() - c0) * 1000) / parts);
  return parts;
});
const base = perPart.get(models[1])!;
const paired = medianInterval(perPart.get(models[2])!.map((v, b) => base[b]! / v));
const f = (m: MedianInterval, d: number) =>
  `${fixed(m.median, d)} (${fixed(m.low, d)}–${fixed(m.high, d)})`;
console.log(`${path}, idle timeout ${idle}, ${s.blocks} blocks of ${chunks}-part streams`);
console.log(`  raw CPU per part:       ${f(s.rawCpuUs, 3)} µs`);
console.log(`  raw ÷ base:             ${f(s.ours, 4)}×   base − raw ${f(s.oursAddedUs, 3)} µs`);
console.log(
  `  raw ÷ other build:      ${f(s.oursIdle, 4)}×   other − raw ${f(s.oursIdleAddedUs, 3)} µs`,
);
console.log(`  A/A control raw ÷ raw:  ${f(s.control, 4)}×`);
console.log(`  other ÷ base throughput, paired per block: ${f(paired, 4)}×`);
