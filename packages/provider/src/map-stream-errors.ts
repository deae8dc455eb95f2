import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';

/**
 * Returns a stream with the same parts in which every `error` part
 * (`fromStreamPart: true`), and an error of the source stream itself (a
 * connection dropped mid-stream), has gone through `mapError`. Cancelling the result cancels the source.
 */
export function mapStreamErrors(
  stream: ReadableStream<LanguageModelV4StreamPart>,
  mapError: (error: unknown, fromStreamPart: boolean) => Promise<unknown>,
): ReadableStream<LanguageModelV4StreamPart> {
  const reader = stream.getReader();
  return new ReadableStream<LanguageModelV4StreamPart>({
    async pull(controller) {
      let result: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        result = await reader.read();
      } catch (error) {
        controller.error(await mapError(error, false));
        return;
      }
      if (result.done) {
        controller.close();
        return;
      }
      const part = result.value;
      controller.enqueue(
        part.type === 'error' ? { ...part, error: await mapError(part.error, true) } : part,
      );
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
