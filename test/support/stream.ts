import type { StreamTextResult } from 'ai';

/** Everything a `streamText` consumer can observe, gathered without letting anything reject unseen. */
export interface StreamOutcome {
  /** The text deltas that arrived before the stream ended or failed. */
  streamedText: string;
  /** Errors seen while reading `fullStream`: `error` parts, then the error the iteration threw. */
  errors: unknown[];
  /** How `result.text` settled: the AI SDK's own verdict on the call. */
  text: { ok: true; value: string } | { ok: false; error: unknown };
  /** `result.finishReason`, or `undefined` when it rejected. */
  finishReason: string | undefined;
}

/**
 * Reads a `streamText` result the way an application does (`fullStream`, then `text`) and reports what
 * happened. Never throws: tests assert on the outcome.
 */
export async function consumeStream(
  result: Pick<StreamTextResult<any, any, any>, 'fullStream' | 'text' | 'finishReason'>,
): Promise<StreamOutcome> {
  let streamedText = '';
  const errors: unknown[] = [];
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') streamedText += part.text;
      if (part.type === 'error') errors.push(part.error);
    }
  } catch (error) {
    errors.push(error);
  }
  let text: StreamOutcome['text'];
  try {
    text = { ok: true, value: await result.text };
  } catch (error) {
    text = { ok: false, error };
  }
  const finishReason = await Promise.resolve(result.finishReason).then(
    reason => reason as string,
    () => undefined,
  );
  return { streamedText, errors, text, finishReason };
}
