import { InsufficientQuotaError } from '@alaya-code/ai-sdk-middleware';
import { generateText } from 'ai';
import type { Scene } from '../scene';
import { requireEmulator, resilientModel, watchRequests } from './shared';

/** Scene 7c: a 402 becomes `InsufficientQuotaError` with the hint from Alaya's error page, not retried. */
export const quotaScene: Scene = {
  id: '7c',
  name: 'quota',
  title: 'resilience: 402 as InsufficientQuotaError',
  summary: 'a 402 surfaces as a typed InsufficientQuotaError with its hint, and is not retried',
  needsEmulator: true,
  async run(context) {
    const emulator = requireEmulator(context);
    let retries = 0;
    const model = resilientModel(context, {
      maxRetries: 2,
      initialDelayMs: 50,
      onRetry: () => {
        retries++;
      },
    });
    context.code(
      'try { await generateText({ model }) } catch (e) { InsufficientQuotaError.isInstance(e) }',
    );
    const requests = watchRequests(emulator);
    emulator.enqueueFaults({ status: 402 });
    context.step('emulator: the next request gets 402 Payment Required');
    let caught: unknown;
    try {
      await generateText({ model, prompt: 'Say hello.', abortSignal: context.signal });
    } catch (error) {
      caught = error;
    }
    const log = requests();
    if (!InsufficientQuotaError.isInstance(caught)) {
      context.check(false, `threw InsufficientQuotaError (got ${String(caught)})`);
      return;
    }
    context.step(
      `caught InsufficientQuotaError (kind "${caught.kind}", status ${caught.statusCode})`,
    );
    context.step(`  message: ${caught.message}`);
    context.step(`  hint:    ${caught.hint}`);
    context.check(caught.statusCode === 402, 'statusCode is 402');
    context.check(
      typeof caught.hint === 'string' && caught.hint.length > 0,
      'it carries a hint for the user',
    );
    context.check(caught.isRetryable === false, 'isRetryable is false');
    context.check(
      retries === 0 && log.length === 1,
      `it was not retried (onRetry calls: ${retries}, requests: ${log.length})`,
    );
  },
};
