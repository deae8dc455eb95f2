/**
 * A change to the middleware measured against the current build in the same run: client CPU per
 * part of raw, `alayaMiddleware()` from `packages/middleware/dist`, the same from another build, and
 * an A/A raw, in the blocks of the overhead section's CPU-time rows. To measure a patch: build it,
 * copy `packages/middleware/dist` to e.g. `packages/middleware/dist-patched` (inside the package, so
 * its imports resolve), build the base again, then from `test/`:
 *
 *   node --import tsx bench/overhead-cpu-ab.ts ../packages/middleware/dist-patched [doStream|streamText|generateText] [off|on] [blocks] [chunks] [signal]
 *
 * `signal` gives every call of all four models one long-lived `AbortSignal` of the app's (as a server
 * passes its request's signal): the middleware then links each call to the caller's signal.
 * `on` sets `idleTimeoutMs: 30000` on both middlewares; `chunks` (default 500) is the length of each
 * stream: 20 shows the per-call setup, 500 and more the per-part path. `generateText` times blocks of
 * 20 calls (per call). Prints median (95 % interval) of each figure and of other ÷ base throughput,
 * paired per block (base CPU per unit ÷ other's in the same block), and other − base per unit.
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
  generateOnce,
  IDLE_TIMEOUT_MS,
  inMemoryModel,
  readAnswer,
  type StreamPath,
} from './sections/overhead-cpu';

const [
  dir,
  pathArg = 'doStream',
  idle = 'off',
  blocksArg = '800',
  chunksArg = '500',
  signalArg = 'none',
] = process.argv.slice(2);
const blocks = Number(blocksArg);
const chunks = Number(chunksArg);
if (
  !dir ||
  !['doStream', 'streamText', 'generateText'].includes(pathArg) ||
  !['off', 'on'].includes(idle) ||
  !(blocks > 0) ||
  !(chunks > 0) ||
  !['none', 'signal'].includes(signalArg)
) {
  throw new Error(
    'usage: overhead-cpu-ab.ts <other dist dir> [doStream|streamText|generateText] [off|on] [blocks > 0] [chunks > 0] [none|signal]',
  );
}
/** Calls per unit of work of `generateText` (a block times 20 calls of each model). */
const CALLS = 20;
const work =
  pathArg === 'generateText'
    ? async (model: LanguageModelV4) => {
        for (let i = 0; i < CALLS; i++) await generateOnce(model);
        return CALLS;
      }
    : (model: LanguageModelV4) => readAnswer(model, pathArg as StreamPath);
const unit = pathArg === 'generateText' ? 'call' : 'part';
const otherBuild = (await import(pathToFileURL(resolve(dir, 'index.js')).href)) as {
  alayaMiddleware: typeof baseMiddleware;
};
const options = idle === 'on' ? { idleTimeoutMs: IDLE_TIMEOUT_MS } : {};
/** The app's one signal every call is given with `signal` (never aborted). */
const appSignal = signalArg === 'signal' ? new AbortController().signal : undefined;
/** `model`, its calls given the app's signal when there is one. */
const called = (model: LanguageModelV4): LanguageModelV4 =>
  appSignal === undefined
    ? model
    : {
        ...model,
        doGenerate: params => model.doGenerate({ ...params, abortSignal: appSignal }),
        doStream: params => model.doStream({ ...params, abortSignal: appSignal }),
      };
const wrap = (make: typeof baseMiddleware) =>
  called(
    wrapLanguageModel({
      model: inMemoryModel(chunks),
      middleware: make(options),
    }) as LanguageModelV4,
  );
const models: CpuQuartet = [
  called(inMemoryModel(chunks)),
  wrap(baseMiddleware),
  wrap(otherBuild.alayaMiddleware),
  called(inMemoryModel(chunks)),
];
for (let i = 0; i < 20; i++) for (const model of models) await work(model);
const phase = createPhases(createBudget(Number.POSITIVE_INFINITY), { ab: 1 })('ab');
const limits = { min: blocks, max: blocks, gcEvery: 50, seed: 20260601 };
/** CPU µs per unit of each model's runs, in block order: the paired other ÷ base ratio below. */
const perUnit = new Map<LanguageModelV4, number[]>(models.map(m => [m, []]));
const s = await compareCpu(models, phase, limits, async model => {
  const c0 = cpuMs();
  const units = await work(model);
  perUnit.get(model)!.push(((cpuMs() - c0) * 1000) / units);
  return units;
});
const base = perUnit.get(models[1])!;
const other = perUnit.get(models[2])!;
const paired = medianInterval(other.map((v, b) => base[b]! / v));
const saved = medianInterval(other.map((v, b) => v - base[b]!));
const f = (m: MedianInterval, d: number) =>
  `${fixed(m.median, d)} (${fixed(m.low, d)}–${fixed(m.high, d)})`;
const what = pathArg === 'generateText' ? `${CALLS} calls` : `${chunks}-part streams`;
const given = appSignal === undefined ? '' : ', every call given the app’s signal';
console.log(`${pathArg}, idle timeout ${idle}, ${s.blocks} blocks of ${what}${given}`);
console.log(`  raw CPU per ${unit}:       ${f(s.rawCpuUs, 3)} µs`);
console.log(`  raw ÷ base:             ${f(s.ours, 4)}×   base − raw ${f(s.oursAddedUs, 3)} µs`);
console.log(
  `  raw ÷ other build:      ${f(s.oursIdle, 4)}×   other − raw ${f(s.oursIdleAddedUs, 3)} µs`,
);
console.log(
  `  A/A control raw ÷ raw:  ${f(s.control, 4)}×   twin − raw ${f(s.controlAddedUs, 3)} µs`,
);
console.log(`  other ÷ base throughput, paired per block: ${f(paired, 4)}×`);
console.log(`  other − base per ${unit}, paired per block: ${f(saved, 3)} µs`);
