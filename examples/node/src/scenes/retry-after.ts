import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** A 429 with `Retry-After`: the middleware waits as long as the server asked, then retries. */
export async function retryAfter() {
  const model = wrapLanguageModel({
    model: alaya('glm-5.1'),
    middleware: alayaMiddleware({
      onRetry: ({ attempt, error, delayMs }) =>
        console.log(
          `attempt ${attempt}: ${error.statusCode} ${error.kind}; retrying in ${delayMs} ms`,
        ),
    }),
  });

  const { text } = await generateText({ model, prompt: 'Say hello.' });
  console.log(text);
  return text;
}

// What the demo checks: the emulator answers the first request with 429 and `Retry-After: 1`.
export default defineScene({
  title: 'a 429 with Retry-After: 1 is retried after the wait the server asked for',
  run: retryAfter,
  faults: [{ status: 429, retryAfter: '1' }],
  checks: ({ value: text, requests: [limited, retried, ...more] }) => ({
    'the emulator answered 429, then 200':
      limited?.status === 429 && retried?.status === 200 && more.length === 0,
    // Arrival to arrival; a timer may fire up to a millisecond early by Date.now().
    'the retry came no earlier than Retry-After: 1 allows':
      limited !== undefined && retried !== undefined && retried.time - limited.time >= 999,
    'the caller got the answer, not an error': text.trim().length > 0,
  }),
});
