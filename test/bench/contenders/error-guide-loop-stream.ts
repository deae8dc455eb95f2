import OpenAI from 'openai';
import { CALL_HEADER } from '../lib/traffic';
import { callWithRetry } from './error-guide-loop';
import type { Contender } from './types';

/**
 * The error guide's `callWithRetry` around a streamed answer of the `openai` client (its own retries
 * off): `fn` opens the stream and reads it to its end, so any error with a status, before or during
 * the stream, is retried by the loop. The guide sets no time limit, and neither does this.
 */
export const errorGuideLoopStream: Contender = {
  name: 'error guide loop',
  config:
    "callWithRetry(fn, 3), the error guide's sample retry loop; fn = openai client (maxRetries: 0) chat.completions.create({ stream: true }) read to its end",
  canFallBack: false,
  build(env) {
    const client = new OpenAI({
      apiKey: env.apiKey,
      baseURL: env.baseURL,
      fetch: env.fetch,
      maxRetries: 0,
    });
    return ({ callId, prompt, abortSignal, onContent }) =>
      callWithRetry(async () => {
        const stream = await client.chat.completions.create(
          { model: env.modelId, messages: [{ role: 'user', content: prompt }], stream: true },
          { headers: { [CALL_HEADER]: callId }, signal: abortSignal },
        );
        let text = '';
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta.content ?? '';
          if (delta.length > 0 && text.length === 0) onContent?.();
          text += delta;
        }
        return text;
      });
  },
};
