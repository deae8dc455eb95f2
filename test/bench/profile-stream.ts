/**
 * Streams `chunks` parts (default 100k) through `wrapLanguageModel({ model, middleware:
 * alayaMiddleware(options) })` around the in-memory model of the overhead section, `calls` times
 * (default 1), for a CPU profile of the per-part path (one long stream) or of the per-call setup
 * (many short ones); `generateText` makes `calls` non-streaming calls instead:
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/overhead bench/profile-stream.ts [chunks] [idleTimeoutMs|-] [doStream|streamText|generateText] [calls] [raw]
 *
 * (from `test/`). Without `idleTimeoutMs` (or with `-`) the middleware's defaults apply; `raw`
 * profiles the bare in-memory model instead, the baseline to compare the profile with.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { wrapLanguageModel } from 'ai';
import { cpuMs } from './lib/measure';
import { generateOnce, inMemoryModel, readAnswer, type StreamPath } from './sections/overhead-cpu';

const chunks = Number(process.argv[2] ?? 100_000);
const idleArg = process.argv[3];
const idle = idleArg && idleArg !== '-' ? Number(idleArg) : undefined;
const mode = process.argv[4] ?? 'doStream';
const calls = Number(process.argv[5] ?? 1);
const raw = process.argv[6] === 'raw';
if (
  !(chunks > 0) ||
  !(calls > 0) ||
  !['doStream', 'streamText', 'generateText'].includes(mode) ||
  (idle !== undefined && !(idle > 0))
) {
  throw new Error(
    'usage: profile-stream.ts [chunks > 0] [idleTimeoutMs|-] [doStream|streamText|generateText] [calls > 0] [raw]',
  );
}
const model: LanguageModelV4 = raw
  ? inMemoryModel(chunks)
  : wrapLanguageModel({
      model: inMemoryModel(chunks),
      middleware: alayaMiddleware(idle === undefined ? {} : { idleTimeoutMs: idle }),
    });
const c0 = cpuMs();
let units = 0;
for (let i = 0; i < calls; i++) {
  if (mode === 'generateText') {
    await generateOnce(model);
    units++;
  } else {
    units += await readAnswer(model, mode as StreamPath);
  }
}
const us = ((cpuMs() - c0) * 1000) / units;
const unit = mode === 'generateText' ? 'call' : 'part';
process.stderr.write(
  `${calls} × ${mode}${raw ? ' (raw)' : ''}, ${units} ${unit}s, ${us.toFixed(2)} µs of CPU per ${unit}\n`,
);
