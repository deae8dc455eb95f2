import { generateText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { clip, type MiddlewareOptions, requireEmulator, resilientModel } from './shared';

type RetryEvent = Parameters<NonNullable<MiddlewareOptions['onRetry']>>[0];

const RETRY_AFTER_SECONDS = 1;

/** Scene 7a: a 429 with `Retry-After: 1` is retried after the server's wait, not the backoff's. */
export const retryAfterScene: Scene = {
  id: '7a',
  name: 'retry',
  title: 'resilience: 429 with Retry-After, retried',
  summary: 'a 429 with Retry-After: 1 is retried after exactly the wait the server asked for',
  needsEmulator: true,
  async run(context) {
    const emulator = requireEmulator(context);
    const retries: RetryEvent[] = [];
    const model = resilientModel(context, {
      maxRetries: 2,
      initialDelayMs: 100,
      onRetry: event => {
        retries.push(event);
        context.step(
          `onRetry: attempt ${event.attempt} failed with ${event.error.statusCode} ${event.error.name}; next attempt in ${formatMs(event.delayMs)}`,
        );
      },
    });
    const seen = emulator.requests.length;
    emulator.enqueueFaults([{ status: 429, retryAfter: String(RETRY_AFTER_SECONDS) }]);
    context.step(`emulator: the next request gets 429 with Retry-After: ${RETRY_AFTER_SECONDS}`);
    const result = await generateText({
      model,
      prompt: 'Say hello.',
      maxRetries: 0, // every retry in this scene is the middleware's
      abortSignal: context.signal,
    });
    const log = emulator.requests.slice(seen);
    context.step(
      `answered after ${retries.length + 1} attempts: "${clip(result.text, 48)}"; emulator saw ${log.map(entry => entry.status).join(', ')}`,
    );
    const gap = log.length >= 2 ? log[1]!.time - log[0]!.time : Number.NaN;
    if (log.length >= 2) context.step(`the retry reached the server ${formatMs(gap)} after the 429`);

    const waitMs = RETRY_AFTER_SECONDS * 1000;
    context.check(retries.length === 1, `onRetry fired once (attempt count ${retries.length + 1})`);
    context.check(
      retries[0] !== undefined && retries[0].delayMs >= waitMs,
      `the middleware waited the Retry-After (${formatMs(retries[0]?.delayMs ?? 0)} ≥ ${formatMs(waitMs)}), not its 100 ms backoff`,
    );
    context.check(
      log.map(entry => entry.status).join(',') === '429,200',
      'the emulator logged a 429 then a 200',
    );
    // Request times are taken on arrival, so timer rounding may put the retry a millisecond early.
    context.check(gap >= waitMs - 2, `the retry came after the Retry-After (${formatMs(gap)} later)`);
    context.check(result.text.trim().length > 0, 'the caller got the answer, not an error');
  },
};
