import { generateText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { clip, type MiddlewareOptions, requireEmulator, resilientModel } from './shared';

type RetryEvent = Parameters<NonNullable<MiddlewareOptions['onRetry']>>[0];
type FallbackEvent = Parameters<NonNullable<MiddlewareOptions['onFallback']>>[0];

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
    const retries: RetryEvent[] = [];
    const fallbacks: FallbackEvent[] = [];
    const model = resilientModel(context, {
      maxRetries,
      initialDelayMs: 50,
      fallbackModels: [alaya(models.fallback)],
      onRetry: event => {
        retries.push(event);
        context.step(
          `onRetry: attempt ${event.attempt} on ${models.chat} failed with ${event.error.statusCode}; retrying in ${formatMs(event.delayMs)}`,
        );
      },
      onFallback: event => {
        fallbacks.push(event);
        context.step(`onFallback: ${event.from} → ${event.to} after ${event.error.statusCode}`);
      },
    });
    const seen = emulator.requests.length;
    const attempts = maxRetries + 1;
    emulator.enqueueFaults(
      Array.from({ length: attempts }, () => ({ status: 502, match: { model: models.chat } })),
    );
    context.step(`emulator: the next ${attempts} requests for ${models.chat} get 502 Bad Gateway`);
    const result = await generateText({
      model,
      prompt: 'Say hello.',
      maxRetries: 0,
      abortSignal: context.signal,
    });
    const log = emulator.requests.slice(seen);
    const answeredBy = result.response.modelId;
    context.step(`answered by ${answeredBy}: "${clip(result.text, 48)}"`);
    context.step(`emulator saw ${log.map(entry => `${entry.model} ${entry.status}`).join(', ')}`);

    context.check(
      log.filter(entry => entry.model === models.chat).every(entry => entry.status === 502) &&
        log.filter(entry => entry.model === models.chat).length === attempts,
      `${models.chat} was tried ${attempts} times (1 + maxRetries ${maxRetries}) and got 502 each time`,
    );
    context.check(
      fallbacks.length === 1 && fallbacks[0]?.to === models.fallback,
      `onFallback reported the switch to ${models.fallback}`,
    );
    context.check(answeredBy === models.fallback, `the answer came from ${models.fallback}`);
    context.check(
      log.at(-1)?.model === models.fallback && log.at(-1)?.status === 200,
      `the emulator's last request was ${models.fallback}, answered 200`,
    );
  },
};
