import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { streamText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** A stream that sends its headers, then nothing: cut after 2 s without content and retried unseen. */
export async function stalledStream() {
  const model = wrapLanguageModel({
    model: alaya('glm-5.1'),
    middleware: alayaMiddleware({
      firstContentTimeoutMs: 2_000,
      onRetry: ({ attempt, error, delayMs }) =>
        console.log(
          `attempt ${attempt}: ${error.name}: ${error.message}; retrying in ${delayMs} ms`,
        ),
    }),
  });

  const result = streamText({ model, prompt: 'Write two short sentences about rivers.' });
  let starts = 0;
  for await (const part of result.fullStream) {
    if (part.type === 'start-step') starts++;
    if (part.type === 'text-delta') process.stdout.write(part.text);
    if (part.type === 'error') throw part.error;
  }
  console.log(`\n(${starts} step, finish reason: ${await result.finishReason})`);
  return { text: await result.text, starts, finishReason: await result.finishReason };
}

// What the demo checks: the emulator sends the first stream's headers, then holds it without a byte.
export default defineScene({
  title: 'a stream stalls after its headers: firstContentTimeoutMs cuts it, the retry answers',
  run: stalledStream,
  faults: [{ stall: 'after-headers' }],
  checks: ({ value, requests: [stalled, retried, ...more], ms }) => ({
    'the first stream stalled and was cut; the second answered':
      stalled?.fault?.stall === 'after-headers' &&
      stalled.outcome === 'aborted' &&
      retried?.status === 200 &&
      retried.outcome === 'completed' &&
      more.length === 0,
    'the stall was cut after firstContentTimeoutMs (2 s), not left to hang':
      stalled !== undefined &&
      retried !== undefined &&
      retried.time - stalled.time >= 1_999 &&
      ms < 15_000,
    'the reader saw one answer in one step, finished with "stop"':
      value.text.length > 0 && value.starts === 1 && value.finishReason === 'stop',
  }),
});
