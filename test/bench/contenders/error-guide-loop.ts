import OpenAI from 'openai';
import { CALL_HEADER } from '../lib/traffic';
import type { Contender } from './types';

/**
 * The sample retry loop from Alaya's error guide (its `callWithRetry`), as written (only types added). It reads
 * `error.status`, which the `openai` npm client's errors carry (AI SDK errors carry `statusCode`
 * instead, so wrapped around `generateText` the snippet would never retry at all).
 */
export async function callWithRetry<T>(fn: () => Promise<T>, maxRetries = 3): Promise<T> {
  for (let i = 0; i < maxRetries; i++) {
    try {
      return await fn();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 429 || (status !== undefined && status >= 500)) {
        const delay = 2 ** i * 1000;
        await new Promise(resolve => setTimeout(resolve, delay));
        continue;
      }
      throw error;
    }
  }
  throw new Error('Max retries exceeded');
}

/** The error guide's `callWithRetry` around the `openai` client (its own retries off: `maxRetries: 0`). */
export const errorGuideLoop: Contender = {
  name: 'error guide loop',
  config:
    "callWithRetry(fn, 3), the error guide's sample retry loop; fn = openai client (maxRetries: 0) chat.completions.create",
  canFallBack: false,
  build(env) {
    const client = new OpenAI({
      apiKey: env.apiKey,
      baseURL: env.baseURL,
      fetch: env.fetch,
      maxRetries: 0,
    });
    return async ({ callId, prompt, abortSignal }) => {
      const completion = await callWithRetry(() =>
        client.chat.completions.create(
          { model: env.modelId, messages: [{ role: 'user', content: prompt }] },
          { headers: { [CALL_HEADER]: callId }, signal: abortSignal },
        ),
      );
      return completion.choices[0]?.message.content ?? '';
    };
  },
};
