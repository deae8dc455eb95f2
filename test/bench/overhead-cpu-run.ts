/**
 * Only the CPU-time rows of section 1 (client CPU per part or per call around an in-memory model,
 * raw, ours, ours + idle timeout and an A/A raw in blocks), with as many blocks as asked:
 *
 *   node --import tsx bench/overhead-cpu-run.ts [streamText|doStream|generateText] [blocks] [chunks]
 *
 * (from `test/`, against `packages/*\/dist`). Prints median (95 % interval) of each figure.
 */
import { createBudget } from './lib/budget';
import { fixed } from './lib/format';
import { createPhases } from './lib/phases';
import type { MedianInterval } from './lib/stats';
import {
  compareCpu,
  cpuQuartet,
  generateOnce,
  readAnswer,
  type StreamPath,
} from './sections/overhead-cpu';

const setting = process.argv[2] ?? 'streamText';
const blocks = Number(process.argv[3] ?? 500);
const chunks = Number(process.argv[4] ?? 500);
const CALLS = 20;
if (
  !['streamText', 'doStream', 'generateText'].includes(setting) ||
  !(blocks > 0) ||
  !(chunks > 0)
) {
  throw new Error(
    'usage: overhead-cpu-run.ts [streamText|doStream|generateText] [blocks > 0] [chunks > 0]',
  );
}
const models = await cpuQuartet(chunks);
const work =
  setting === 'generateText'
    ? async (model: (typeof models)[number]) => {
        for (let i = 0; i < CALLS; i++) await generateOnce(model);
        return CALLS;
      }
    : (model: (typeof models)[number]) => readAnswer(model, setting as StreamPath);
for (let i = 0; i < 20; i++) for (const model of models) await work(model);
const phase = createPhases(createBudget(Number.POSITIVE_INFINITY), { cpu: 1 })('cpu');
const s = await compareCpu(
  models,
  phase,
  { min: blocks, max: blocks, gcEvery: 50, seed: 20260601 },
  work,
);
const f = (m: MedianInterval, d: number) =>
  `${fixed(m.median, d)} (${fixed(m.low, d)}–${fixed(m.high, d)})`;
const unit = setting === 'generateText' ? 'call' : 'part';
console.log(
  `${setting}, ${s.blocks} blocks of ${setting === 'generateText' ? `${CALLS} calls` : `${chunks}-part streams`}`,
);
console.log(`  raw CPU per ${unit}:            ${f(s.rawCpuUs, 3)} µs`);
console.log(
  `  raw ÷ ours (idle off):         ${f(s.ours, 4)}×   ours − raw ${f(s.oursAddedUs, 3)} µs`,
);
console.log(
  `  raw ÷ ours (idleTimeoutMs on): ${f(s.oursIdle, 4)}×   ours − raw ${f(s.oursIdleAddedUs, 3)} µs`,
);
console.log(
  `  A/A control raw ÷ raw:         ${f(s.control, 4)}×   twin − raw ${f(s.controlAddedUs, 3)} µs`,
);
