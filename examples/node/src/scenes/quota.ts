import { alayaMiddleware, InsufficientQuotaError } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** An exhausted balance (402) is a typed `InsufficientQuotaError` with a hint, and is not retried. */
export async function quota() {
  const model = wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware() });

  try {
    const { text } = await generateText({ model, prompt: 'Say hello.' });
    console.log(text);
  } catch (error) {
    if (!InsufficientQuotaError.isInstance(error)) throw error;
    console.log(`${error.name} (${error.statusCode}): ${error.message}`);
    console.log(`hint: ${error.hint}`);
    return error;
  }
}

// What the demo checks: the emulator answers the first request with 402.
export default defineScene({
  title: 'a 402 is an InsufficientQuotaError with a hint, not retried',
  run: quota,
  faults: [{ status: 402 }],
  checks: ({ value: error, requests }) => ({
    'the call threw InsufficientQuotaError with status 402': error?.statusCode === 402,
    'the error carries a hint for the user': (error?.hint ?? '').length > 0,
    'it was not retried: one request': requests.length === 1,
  }),
});
