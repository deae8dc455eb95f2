/** The parts of an AI SDK `fullStream` the bench reads. */
type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'error'; error: unknown }
  | { type: 'abort'; reason?: string }
  | { type: string };

/**
 * Reads an AI SDK `fullStream` to its end the way an app that renders text does: collects the
 * `text-delta`s, calls `onContent` at the first non-empty one, and throws on an `error` or `abort`
 * part (so a stream that ended with an error counts as a failed call, whatever text came before).
 */
export async function readFullStream(
  stream: AsyncIterable<StreamPart>,
  onContent?: () => void,
): Promise<string> {
  let text = '';
  for await (const part of stream) {
    if (part.type === 'text-delta') {
      const delta = (part as { text: string }).text;
      if (delta.length > 0 && text.length === 0) onContent?.();
      text += delta;
    } else if (part.type === 'error') {
      throw (part as { error: unknown }).error;
    } else if (part.type === 'abort') {
      const reason = (part as { reason?: string }).reason;
      throw new DOMException(`stream aborted${reason ? `: ${reason}` : ''}`, 'AbortError');
    }
  }
  return text;
}
