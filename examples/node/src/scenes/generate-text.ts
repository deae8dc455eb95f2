import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** One answer from `generateText`, through the resilience middleware. */
export async function generate() {
  const model = wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware() });

  const result = await generateText({
    model,
    prompt: 'In one sentence: why should API clients retry with jittered backoff?',
  });

  console.log(result.text);
  console.log(`finish reason: ${result.finishReason}; tokens: ${result.usage.totalTokens}`);
  return result;
}

// What the demo checks after running the example above.
export default defineScene({
  title: 'generateText through alayaMiddleware()',
  run: generate,
  checks: ({ value: result }) => ({
    'the answer has text': result.text.trim().length > 0,
    'the model stopped by itself (finish reason "stop")': result.finishReason === 'stop',
    'usage counts the output tokens': (result.usage.outputTokens ?? 0) > 0,
  }),
});
