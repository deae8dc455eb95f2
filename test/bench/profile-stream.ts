/**
 * Streams `chunks` parts (default 100k) through `wrapLanguageModel({ model, middleware:
 * alayaMiddleware(options) })` around the in-memory model of the overhead section, for a CPU profile
 * of the per-part path:
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/overhead bench/profile-stream.ts [chunks] [idleTimeoutMs] [doStream|streamText]
 *
 * (from `test/`). Without `idleTimeoutMs` the middleware's defaults apply.
 */
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { wrapLanguageModel } from 'ai';
import { cpuMs } from './lib/measure';
import { inMemoryModel, readAnswer, type StreamPath } from './sections/overhead-cpu';

const chunks = Number(process.argv[2] ?? 100_000);
const idle = process.argv[3] ? Number(process.argv[3]) : undefined;
const path: StreamPath = process.argv[4] === 'streamText' ? 'streamText' : 'doStream';
const model = wrapLanguageModel({
  model: inMemoryModel(chunks),
  middleware: alayaMiddleware(idle === undefined ? {} : { idleTimeoutMs: idle }),
});
const c0 = cpuMs();
const parts = await readAnswer(model, path);
const us = ((cpuMs() - c0) * 1000) / parts;
process.stderr.write(`${parts} parts via ${path}, ${us.toFixed(2)} µs of CPU per part\n`);
