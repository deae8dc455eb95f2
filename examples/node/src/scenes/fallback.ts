import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** A model that keeps failing with 502: retried, then the middleware switches to a fallback model. */
export async function fallback() {
  const model = wrapLanguageModel({
    model: alaya('glm-5.1'),
    middleware: alayaMiddleware({
      maxRetries: 1,
      fallbackModels: [alaya('deepseek-v4-pro')],
      onFallback: ({ from, to, error }) =>
        console.log(`${from.modelId} failed with ${error.statusCode}; switching to ${to.modelId}`),
    }),
  });

  const { text, finalStep } = await generateText({ model, prompt: 'Say hello.' });
  console.log(`${finalStep.response.modelId}: ${text}`);
  return finalStep.response.modelId;
}

// What the demo checks: the emulator answers glm-5.1 with 502 twice (the first attempt and one retry).
export default defineScene({
  title: 'a model keeps answering 502: retried, then a fallback model answers',
  run: fallback,
  faults: [{ status: 502, match: { model: 'glm-5.1' }, times: 2 }],
  checks: ({ value: answeredBy, requests }) => ({
    'the emulator saw glm-5.1 fail twice, then deepseek-v4-pro answer':
      requests.map(r => `${r.model} ${r.status}`).join(', ') ===
      'glm-5.1 502, glm-5.1 502, deepseek-v4-pro 200',
    'the answer came from deepseek-v4-pro': answeredBy === 'deepseek-v4-pro',
  }),
});
