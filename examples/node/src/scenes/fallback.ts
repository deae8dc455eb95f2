import type { FallbackEvent, RetryEvent } from '@alaya-code/ai-sdk-middleware';
import { generateText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { answeredBy, clip, requireEmulator, resilientModel, watchRequests } from './shared';

/** Scene 7b: the primary model keeps answering 502, so the middleware switches to the fallback model. */
export const fallbackScene: Scene = {
  id: '7b',
  name: 'fallback',
  title: 'resilience: 502, falls back to a second model',
  summary: 'the first model keeps failing with 502 Bad Gateway; a second model answers',
  needsEmulator: true,
  async run(context) {
    const emulator = requireEmulator(context);
    const { alaya, models } = context.target;
    const maxRetries = 1;
    const attempts = maxRetries + 1;
    const retries: RetryEvent[] = [];
    const fallbacks: FallbackEvent[] = [];
    const model = resilientModel(context, {
      maxRetries,
      initialDelayMs: 50,
      fallbackModels: [alaya(models.fallback)],
      onRetry: event => {
        retries.push(event);
        context.step(
          `onRetry: attempt ${event.attempt} on ${event.model.modelId} failed with ${event.error.statusCode}; retrying in ${formatMs(event.delayMs)}`,
        );
      },
      onFallback: event => {
        fallbacks.push(event);
        context.step(
          `onFallback: ${event.from.modelId} → ${event.to.modelId} after ${event.attempts.length} failed attempts (${event.error.kind})`,
        );
      },
    });
    context.code(
      `alayaMiddleware({ maxRetries: ${maxRetries}, fallbackModels: [alaya('${models.fallback}')], onRetry, onFallback })`,
    );
    const requests = watchRequests(emulator);
    emulator.enqueueFaults({ status: 502, match: { model: models.chat }, times: attempts });
    context.step(`emulator: the next ${attempts} requests for ${models.chat} get 502 Bad Gateway`);
    const result = await generateText({
      model,
      prompt: 'Say hello.',
      maxRetries: 0,
      abortSignal: context.signal,
    });
    const log = requests();
    const answered = answeredBy(result.finalStep.providerMetadata);
    context.step(`answered by ${answered}: "${clip(result.text, 48)}"`);
    context.step(
      `the emulator saw: ${log.map(entry => `${entry.model} ${entry.status}`).join(', ')}`,
    );

    const primary = log.filter(entry => entry.model === models.chat);
    context.check(
      primary.length === attempts && primary.every(entry => entry.status === 502),
      `${models.chat} got 502 on all ${attempts} attempts (1 + maxRetries ${maxRetries})`,
    );
    context.check(
      fallbacks.length === 1 && fallbacks[0]?.to.modelId === models.fallback,
      `onFallback reported the switch to ${models.fallback}`,
    );
    context.check(answered === models.fallback, `the answer came from ${models.fallback}`);
    context.check(
      log.at(-1)?.model === models.fallback && log.at(-1)?.status === 200,
      `the emulator answered ${models.fallback} with 200`,
    );
    context.check(emulator.pendingFaults().length === 0, 'no injected fault is left over');
  },
};
