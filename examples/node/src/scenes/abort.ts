import { generateText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { requireEmulator, resilientModel, watchRequests } from './shared';

const RETRY_AFTER_SECONDS = 30;
const ABORT_AFTER_MS = 100;
/** "At once", with room for a busy machine: the alternative is the full 30 s sleep. */
const AT_ONCE_MS = 250;

/** Scene 7d: the caller aborts while the middleware sleeps before a retry; the call stops at once. */
export const abortScene: Scene = {
  id: '7d',
  name: 'abort',
  title: 'resilience: abort during backoff stops at once',
  summary: `a 429 asks for a ${RETRY_AFTER_SECONDS} s wait; aborting ${ABORT_AFTER_MS} ms into it ends the call immediately`,
  needsEmulator: true,
  async run(context) {
    const emulator = requireEmulator(context);
    const controller = new AbortController();
    let abortedAt: number | undefined;
    let retries = 0;
    const model = resilientModel(context, {
      maxRetries: 2,
      onRetry: event => {
        retries++;
        context.step(
          `onRetry: ${event.error.statusCode}, sleeping ${formatMs(event.delayMs)}; the caller aborts in ${ABORT_AFTER_MS} ms`,
        );
        setTimeout(() => {
          abortedAt = context.elapsed();
          controller.abort();
        }, ABORT_AFTER_MS);
      },
    });
    context.code(
      'generateText({ model, abortSignal: controller.signal }); controller.abort() during the backoff',
    );
    const requests = watchRequests(emulator);
    emulator.enqueueFaults({ status: 429, retryAfter: String(RETRY_AFTER_SECONDS) });
    context.step(`emulator: the next request gets 429 with Retry-After: ${RETRY_AFTER_SECONDS}`);
    let caught: unknown;
    try {
      await generateText({
        model,
        prompt: 'Say hello.',
        maxRetries: 0,
        abortSignal: AbortSignal.any([controller.signal, context.signal]),
      });
    } catch (error) {
      caught = error;
    }
    const stoppedAt = context.elapsed();
    const log = requests();
    const name = caught instanceof Error ? caught.name : String(caught);
    const lag = abortedAt === undefined ? Number.NaN : stoppedAt - abortedAt;
    context.step(`the call rejected with ${name} ${formatMs(lag)} after abort()`);
    context.check(retries === 1, 'the middleware was sleeping before its first retry');
    context.check(
      name === 'AbortError',
      "the caller's AbortError came through as it is (not mapped)",
    );
    context.check(
      lag < AT_ONCE_MS,
      `it stopped at once: ${formatMs(lag)} after abort(), under ${AT_ONCE_MS} ms (not ${RETRY_AFTER_SECONDS} s later)`,
    );
    context.check(
      log.length === 1,
      `no request was sent after the abort (requests: ${log.length})`,
    );
  },
};
