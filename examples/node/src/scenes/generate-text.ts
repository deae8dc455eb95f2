import { generateText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { clip, resilientModel } from './shared';

/** Scene 2: one `generateText` call through the provider and the middleware. */
export const generateTextScene: Scene = {
  id: '2',
  name: 'generate',
  title: 'generateText',
  summary: 'one completion, with finish reason and token usage',
  async run(context) {
    const { models } = context.target;
    const model = resilientModel(context);
    const prompt = 'In one sentence: why should API clients retry with jittered backoff?';
    context.code(`generateText({ model: alaya('${models.chat}') + alayaMiddleware(), prompt })`);
    const started = context.elapsed();
    const result = await generateText({ model, prompt, abortSignal: context.signal });
    const took = context.elapsed() - started;
    context.step(`answered in ${formatMs(took)}: "${clip(result.text)}"`);
    const { reasoningText, response } = result.finalStep;
    if (reasoningText) {
      context.step(`reasoning (from reasoning_content): "${clip(reasoningText, 56)}"`);
    }
    const { inputTokens, outputTokens } = result.usage;
    context.step(
      `finishReason: ${result.finishReason}, usage: ${inputTokens ?? '?'} in / ${outputTokens ?? '?'} out tokens, model: ${response.modelId}`,
    );
    context.check(result.text.trim().length > 0, 'the answer has text');
    context.check(
      result.finishReason === 'stop',
      'the model stopped by itself (finishReason "stop")',
    );
    context.check((outputTokens ?? 0) > 0, 'usage counts the output tokens');
  },
};
