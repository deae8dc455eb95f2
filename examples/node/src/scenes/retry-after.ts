import type { RetryEvent } from '@alaya-code/ai-sdk-middleware';
import { generateText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { clip, requireEmulator, resilientModel, watchRequests } from './shared';

const RETRY_AFTER_SECONDS = 1;
const BACKOFF_MS = 100;

/** Scene 7a: a 429 with `Retry-After: 1` is retried after the server's wait, not the backoff's. */
export const retryAfterScene: Scene = {
  id: '7a',
  name: 'retry',
  title: 'resilience: 429 with Retry-After, retried',
  summary: 'a 429 with Retry-After: 1 is retried after the wait the server asked for',
  needsEmulator: true,
  async run(context) {
    const emulator = requireEmulator(context);
    const retries: RetryEvent[] = [];
    const model = resilientModel(context, {
      maxRetries: 2,
      initialDelayMs: BACKOFF_MS,
      onRetry: event => {
        retries.push(event);
        context.step(
          `onRetry: attempt ${event.attempt} failed with ${event.error.statusCode} (${event.error.kind}); next attempt in ${formatMs(event.delayMs)}`,
        );
      },
    });
    context.code(
      `alayaMiddleware({ maxRetries: 2, initialDelayMs: ${BACKOFF_MS}, onRetry }), generateText({ model, maxRetries: 0 })`,
    );
    const requests = watchRequests(emulator);
    emulator.enqueueFaults({ status: 429, retryAfter: String(RETRY_AFTER_SECONDS) });
    context.step(
      `emulator: the next request gets 429 with Retry-After: ${RETRY_AFTER_SECONDS} (middleware backoff: ${BACKOFF_MS} ms)`,
    );
    const result = await generateText({
      model,
      prompt: 'Say hello.',
      maxRetries: 0, // every retry in this scene is the middleware's
      abortSignal: context.signal,
    });
    const log = requests();
    const attempts = retries.length + 1;
    context.step(
      `answered on attempt ${attempts}: "${clip(result.text, 48)}"; the emulator sent ${log.map(entry => entry.status).join(', ')}`,
    );
    const [rejected, retried] = log;
    // Request arrival times on the emulator's clock. The client waits after it has the 429, which is
    // after the 429 request arrived, so arrival to arrival is at least the wait.
    const gap = rejected && retried ? retried.time - rejected.time : Number.NaN;
    context.step(
      `the retry reached the server ${formatMs(gap)} after the request that got the 429`,
    );

    const waitMs = RETRY_AFTER_SECONDS * 1000;
    context.check(retries.length === 1, `onRetry fired once: ${attempts} attempts in total`);
    context.check(
      retries[0] !== undefined && retries[0].delayMs >= waitMs,
      `the middleware waited the Retry-After (${formatMs(retries[0]?.delayMs ?? 0)}), not its ${BACKOFF_MS} ms backoff`,
    );
    context.check(
      log.map(entry => entry.status).join(',') === '429,200',
      'the emulator logged a 429, then a 200',
    );
    // Date.now() granularity: a timer may fire within a millisecond before its nominal time.
    context.check(gap >= waitMs - 1, 'the retry came no earlier than Retry-After allows');
    context.check(result.text.trim().length > 0, 'the caller got the answer, not an error');
  },
};
