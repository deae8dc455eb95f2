import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { type AlayaError, rebuildAlayaError } from './errors/alaya-error';
import { isCallerAbort } from './errors/is-caller-abort';
import { getHeader } from './errors/parse-retry-after';
import { type ToAlayaErrorContext, toAlayaError } from './errors/to-alaya-error';

/**
 * Parts that carry no output yet: a failed attempt's copies are dropped, so a retry after them
 * duplicates nothing. `custom` is here because providers use it for metadata (Anthropic sends one at
 * `message_start`); `text-start`/`reasoning-start` open a block without any text.
 */
const PREAMBLE_PARTS = new Set<LanguageModelV4StreamPart['type']>([
  'stream-start',
  'response-metadata',
  'raw',
  'ping',
  'custom',
  'text-start',
  'reasoning-start',
]);

/** True for parts after which a retry would duplicate output (deltas, tool parts, files, sources, finish). */
export function isContentPart(part: LanguageModelV4StreamPart): boolean {
  return part.type !== 'error' && !PREAMBLE_PARTS.has(part.type);
}

/** A stream that has produced its first content part (or ended), ready to hand to the consumer. */
export interface CommittableStream {
  /** Headers of the response head (`doStream`'s `response.headers`), when the provider reports them. */
  responseHeaders?: Record<string, string>;
  /** The stream result to return: buffered parts first, then the rest of the attempt's stream. */
  commit(options: {
    callerSignal: AbortSignal | undefined;
    decorateFinish: (metadata: SharedV4ProviderMetadata | undefined) => SharedV4ProviderMetadata;
  }): LanguageModelV4StreamResult;
}

/**
 * Starts `model.doStream` and reads until the first content part. A failure before it (the call
 * throws, the stream errors, or an `error` part arrives) is thrown, so the retry loop can try again
 * without the consumer seeing anything.
 */
export async function openStreamAttempt({
  model,
  params,
  context,
}: {
  model: LanguageModelV4;
  params: LanguageModelV4CallOptions;
  context: ToAlayaErrorContext;
}): Promise<CommittableStream> {
  const { stream, ...rest } = await model.doStream(params);
  const reader = stream.getReader();
  const requestId = getHeader(rest.response?.headers, 'x-request-id');
  const url = rest.request?.url;
  /** Maps a failure inside the stream, adding what the response head told (request id, URL). */
  const mapError = (error: unknown, fromStreamPart: boolean): AlayaError => {
    const typed = toAlayaError(error, { ...context, fromStreamPart });
    if ((typed.requestId || !requestId) && (typed.url || !url)) return typed;
    return rebuildAlayaError(typed, {
      requestId: typed.requestId ?? requestId,
      url: typed.url || url,
    });
  };
  const buffered: LanguageModelV4StreamPart[] = [];
  let done = false;

  for (;;) {
    let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
    try {
      next = await reader.read();
    } catch (error) {
      throw isCallerAbort(error, params.abortSignal) ? error : mapError(error, false);
    }
    if (next.done) {
      done = true;
      break;
    }
    const part = next.value;
    if (part.type === 'error') {
      reader.cancel().catch(() => {});
      throw mapError(part.error, true);
    }
    buffered.push(part);
    if (isContentPart(part)) break;
  }

  return {
    responseHeaders: rest.response?.headers,
    commit: ({ callerSignal, decorateFinish }) => ({
      ...rest,
      stream: resumeStream({ reader, buffered, done, mapError, callerSignal, decorateFinish }),
    }),
  };
}

function resumeStream({
  reader,
  buffered,
  done,
  mapError,
  callerSignal,
  decorateFinish,
}: {
  reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>;
  buffered: LanguageModelV4StreamPart[];
  done: boolean;
  mapError: (error: unknown, fromStreamPart: boolean) => AlayaError;
  callerSignal: AbortSignal | undefined;
  decorateFinish: (metadata: SharedV4ProviderMetadata | undefined) => SharedV4ProviderMetadata;
}): ReadableStream<LanguageModelV4StreamPart> {
  const decorate = (part: LanguageModelV4StreamPart): LanguageModelV4StreamPart =>
    part.type === 'finish'
      ? { ...part, providerMetadata: decorateFinish(part.providerMetadata) }
      : part;
  let finished = done;

  return new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of buffered) controller.enqueue(decorate(part));
      if (finished) controller.close();
    },
    async pull(controller) {
      if (finished) return;
      let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        next = await reader.read();
      } catch (error) {
        finished = true;
        if (isCallerAbort(error, callerSignal)) {
          controller.error(error);
          return;
        }
        controller.enqueue({ type: 'error', error: mapError(error, false) });
        controller.close();
        return;
      }
      if (next.done) {
        finished = true;
        controller.close();
        return;
      }
      const part = next.value;
      if (part.type === 'error') {
        // openai-compatible keeps streaming after an error part; the stream ends here instead.
        finished = true;
        reader.cancel().catch(() => {});
        controller.enqueue({
          type: 'error',
          error: mapError(part.error, true),
        });
        controller.close();
        return;
      }
      controller.enqueue(decorate(part));
    },
    cancel(reason) {
      finished = true;
      return reader.cancel(reason);
    },
  });
}
