import { generateText, type LanguageModel } from 'ai';
import { CALL_HEADER } from '../lib/traffic';
import type { CallArgs } from './types';

/**
 * One bench call through `generateText`: the call's id in the `x-bench-call` header (the traffic
 * log groups attempts by it), the deadline's abort signal, and `maxRetries` as the contender sets it
 * (left out: the SDK's default, 2). Resolves with the text.
 */
export async function generateCall(
  model: LanguageModel,
  { callId, prompt, abortSignal }: CallArgs,
  maxRetries?: number,
): Promise<string> {
  const { text } = await generateText({
    model,
    prompt,
    abortSignal,
    headers: { [CALL_HEADER]: callId },
    ...(maxRetries === undefined ? {} : { maxRetries }),
  });
  return text;
}
