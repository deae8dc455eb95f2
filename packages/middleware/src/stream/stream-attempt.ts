import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import { type AlayaError, rebuildAlayaError } from '../errors/alaya-error';
import { requestIdHeader } from '../errors/headers';
import { isCallerAbort } from '../errors/is-caller-abort';
import { type ToAlayaErrorContext, toAlayaError } from '../errors/to-alaya-error';
import { callLane } from '../fleet/call-lane';
import { estimateCallTokens } from '../fleet/token-estimate';
import type { AttemptOperation } from '../retry/operation';
import { isContentPart } from './content-part';

/** An attempt whose stream produced its first content part (or ended): ready for the consumer. */
export interface OpenedStream {
  /** `request` and `response` of the attempt's `doStream` result. */
  head: Omit<LanguageModelV4StreamResult, 'stream'>;
  /** The parts read so far, first content part included. */
  buffered: LanguageModelV4StreamPart[];
  /** The rest of the attempt's stream. */
  reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>;
  /** True when the stream already ended. */
  done: boolean;
  /** Maps a failure inside this stream once, adding the request id and URL of its response head. */
  mapError(error: unknown, fromStreamPart: boolean): AlayaError;
}

/**
 * A `streamText` call (or one continuation of it, whose `params` carry the text so far) as the retry
 * loop sends it: each attempt opens a stream with {@link openStream}; one that lost to a parallel
 * attempt has its reader cancelled.
 */
export function streamOperation(
  params: LanguageModelV4CallOptions,
): AttemptOperation<OpenedStream, LanguageModelV4> {
  return {
    name: 'stream',
    send: (model, signal, context) =>
      openStream({ model, params: { ...params, abortSignal: signal }, context }),
    responseHeaders: opened => opened.head.response?.headers,
    estimateTokens: () => estimateCallTokens(params),
    lane: callLane(params.providerOptions),
    readsAfterSend: true,
    discard: opened => void opened.reader.cancel().catch(() => {}),
  };
}

/**
 * Starts `model.doStream` and reads until the first content part. A failure before it is thrown
 * (an `error` part or a broken stream mapped here, once; a failed `doStream` as it is, for the retry
 * loop to map), so the loop can try again without the consumer seeing anything.
 */
export async function openStream({
  model,
  params,
  context,
}: {
  model: LanguageModelV4;
  params: LanguageModelV4CallOptions;
  context: ToAlayaErrorContext;
}): Promise<OpenedStream> {
  const result = await model.doStream(params);
  const reader = result.stream.getReader();
  // The result itself is the head (its `stream` is read through `reader` only): no copy per call.
  const head: OpenedStream['head'] = result;
  /** Maps a failure; the response's request id is looked up then, not on every call. */
  const mapError = (error: unknown, fromStreamPart: boolean): AlayaError => {
    const typed = toAlayaError(error, { ...context, fromStreamPart });
    const requestId = typed.requestId ? undefined : requestIdHeader(head.response?.headers);
    const url = head.request?.url;
    if ((typed.requestId || !requestId) && (typed.url || !url)) return typed;
    return rebuildAlayaError(typed, {
      requestId: typed.requestId ?? requestId,
      url: typed.url || url,
    });
  };
  const buffered: LanguageModelV4StreamPart[] = [];
  for (;;) {
    let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
    try {
      next = await reader.read();
    } catch (error) {
      throw isCallerAbort(error, params.abortSignal) ? error : mapError(error, false);
    }
    if (next.done) return { head, buffered, reader, done: true, mapError };
    const part = next.value;
    if (part.type === 'error') {
      reader.cancel().catch(() => {});
      throw mapError(part.error, true);
    }
    buffered.push(part);
    if (isContentPart(part)) return { head, buffered, reader, done: false, mapError };
  }
}
