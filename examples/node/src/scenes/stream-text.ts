import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { streamText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** `streamText`: the answer printed as it arrives. */
export async function stream() {
  const model = wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware() });

  const result = streamText({ model, prompt: 'Write two short sentences about rivers.' });

  let chunks = 0;
  for await (const text of result.textStream) {
    process.stdout.write(text);
    chunks++;
  }
  console.log(`\n(${chunks} chunks, finish reason: ${await result.finishReason})`);
  return { chunks, text: await result.text, finishReason: await result.finishReason };
}

// What the demo checks after running the example above.
export default defineScene({
  title: 'streamText, printed as it arrives',
  run: stream,
  checks: ({ value, requests, emulated }) => ({
    'the text arrived in several chunks': value.chunks > 1,
    'the stream finished with "stop"': value.finishReason === 'stop',
    ...(emulated && {
      'it was one streamed request': requests.length === 1 && requests[0]?.stream === true,
    }),
  }),
});
