import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { isCallerAbort } from '../errors/is-caller-abort';
import { estimateCallTokens } from '../fleet/token-estimate';
import type { ResolvedOptions } from '../options/resolve-options';
import { createDeadline } from '../retry/deadline';
import { type RetryOutcome, runWithFallback } from '../retry/run-with-fallback';
import { type AfterContent, afterContent } from './after-content';
import { type ConsumerParts, consumerParts } from './consumer-parts';
import { type OpenedStream, openStream } from './stream-attempt';

type Settled = { ok: true; outcome: RetryOutcome<OpenedStream> } | { ok: false; error: unknown };

/**
 * The stream `wrapStream` returns at once: its retries and fallbacks before the first content part
 * run inside it, so the AI SDK's `timeout.firstChunkMs` starts when the call starts and bounds them
 * all. The consumer sees the successful attempt's parts only (one `stream-start`, no duplicates).
 * When the loop gives up, the typed error arrives as one `error` part and the stream ends (what the
 * AI SDK passes to `onError` and the `fullStream`); the caller's abort errors the stream as it is.
 * After the first content part, a failure is mapped once and surfaced as one typed `error` part.
 * Every part goes to the consumer through {@link consumerParts}: each block the consumer saw opened
 * (text, reasoning, tool input) is ended exactly once, before the `finish` or `error` part at the
 * latest, wherever the stream broke and whatever its continuation sent.
 * `response.headers` and `request.body` are those of the attempt that answered, known once its
 * first content part arrived (the AI SDK reads them when the step finishes).
 */
export function retryingStream({
  models,
  params,
  settings,
  decorateFinish,
}: {
  models: LanguageModelV4[];
  params: LanguageModelV4CallOptions;
  settings: ResolvedOptions;
  decorateFinish: (
    metadata: SharedV4ProviderMetadata | undefined,
    outcome: RetryOutcome<unknown>,
  ) => SharedV4ProviderMetadata;
}): LanguageModelV4StreamResult {
  const callerSignal = params.abortSignal;
  // Created once for the call: its continuations run within what is left of it.
  const deadline = createDeadline(settings.deadlineMs);
  const cancelled = new AbortController();
  const signal = callerSignal
    ? AbortSignal.any([callerSignal, cancelled.signal])
    : cancelled.signal;
  const settled: Promise<Settled> = runWithFallback<OpenedStream>({
    models,
    signal,
    settings,
    deadline,
    operation: 'stream',
    attempt: (model, attemptSignal, context) =>
      openStream({ model, params: { ...params, abortSignal: attemptSignal }, context }),
    responseHeaders: opened => opened.head.response?.headers,
    estimateTokens: () => estimateCallTokens(params),
    discard: opened => void opened.reader.cancel().catch(() => {}),
  }).then(
    outcome => ({ ok: true, outcome }),
    error => ({ ok: false, error }),
  );

  let opened: OpenedStream | undefined;
  let outcome: RetryOutcome<OpenedStream> | undefined;
  let finished = false;
  let tail: AfterContent | undefined;
  let consumer: ConsumerParts;
  const decorate = (part: LanguageModelV4StreamPart): LanguageModelV4StreamPart =>
    part.type === 'finish'
      ? { ...part, providerMetadata: decorateFinish(part.providerMetadata, outcome!) }
      : part;

  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      consumer = consumerParts(controller);
    },
    async pull() {
      if (opened === undefined) {
        const result = await settled;
        if (!result.ok) {
          finished = true;
          if (isCallerAbort(result.error, callerSignal) || cancelled.signal.aborted) {
            consumer.error(result.error);
          } else {
            consumer.enqueue({ type: 'error', error: result.error });
            consumer.close();
          }
          return;
        }
        outcome = result.outcome;
        opened = outcome.result;
        for (const part of opened.buffered) consumer.enqueue(decorate(part));
        if (opened.done) {
          finished = true;
          consumer.close();
        }
        return;
      }
      if (finished) return;
      // After content: idle timeout, typed error part, continuation (see after-content.ts).
      tail ??= afterContent({
        consumer,
        outcome: outcome!,
        models,
        params,
        settings,
        signal,
        callerSignal,
        deadline,
        decorateFinish,
      });
      finished = await tail.pull();
    },
    cancel(reason) {
      finished = true;
      cancelled.abort(reason);
      tail?.cancel(reason);
      void settled.then(result => {
        if (result.ok) result.outcome.result.reader.cancel(reason).catch(() => {});
      });
    },
  });

  return {
    stream,
    request: {
      get body() {
        return opened?.head.request?.body;
      },
    },
    response: {
      get headers() {
        return opened?.head.response?.headers;
      },
    },
  };
}
