import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** The caller gives up while the middleware waits out a long `Retry-After`: the call ends at once. */
export async function abort() {
  const model = wrapLanguageModel({
    model: alaya('glm-5.1'),
    middleware: alayaMiddleware({
      onRetry: ({ error, delayMs }) =>
        console.log(`${error.statusCode}: waiting ${delayMs / 1000} s before the next attempt`),
    }),
  });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 500); // say, the user presses Stop

  try {
    await generateText({ model, prompt: 'Say hello.', abortSignal: controller.signal });
  } catch (error) {
    console.log(`stopped: ${error instanceof Error ? error.name : error}`);
    return error;
  }
}

// What the demo checks: the emulator answers the first request with 429 and `Retry-After: 30`.
export default defineScene({
  title: 'abort() during a 30 s Retry-After wait ends the call at once',
  run: abort,
  faults: [{ status: 429, retryAfter: '30' }],
  checks: ({ value: error, requests, ms }) => ({
    "the caller's AbortError came through as it is":
      error instanceof Error && error.name === 'AbortError',
    // Stop comes at 500 ms; far below the 30 s wait, with room for a loaded machine.
    'it ended at once, not 30 s later': ms < 5_000,
    'no request was sent after the abort': requests.length === 1 && requests[0]?.status === 429,
  }),
});
