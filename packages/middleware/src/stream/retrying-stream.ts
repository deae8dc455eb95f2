import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import { AlayaError } from '../errors/alaya-error';
import { isCallerAbort } from '../errors/is-caller-abort';
import type { ResolvedOptions } from '../options/resolve-options';
import { createDeadline } from '../retry/deadline';
import { type AnsweredBy, type RetryOutcome, runWithFallback } from '../retry/run-with-fallback';
import { type AfterContent, type AnswerEnd, afterContent } from './after-content';
import { type ConsumerParts, consumerParts } from './consumer-parts';
import { type AnswerSplice, answerSplice } from './continuation';
import { directPipeStream } from './direct-pipe-stream';
import { type OpenedStream, streamOperation } from './stream-attempt';

/** How a run of the retry loop (the first one, or a continuation) ended. */
type Run = { ok: true; outcome: RetryOutcome<OpenedStream> } | { ok: false; error: unknown };

/**
 * The stream `wrapStream` returns at once: its retries and fallbacks before the first content part
 * run inside it, so the AI SDK's `timeout.firstChunkMs` starts when the call starts and bounds them
 * all. The consumer sees the successful attempt's parts only (one `stream-start`, no duplicates).
 * When the loop gives up, the typed error arrives as one `error` part and the stream ends (what the
 * AI SDK passes to `onError` and the `fullStream`); the caller's abort errors the stream as it is.
 * After the first content part, the answer is read by {@link afterContent} (idle timeout, `error`
 * part); a failure there ends the stream with one typed `error` part, unless `continuation` is on,
 * the answer so far is text-only and the error is retryable: then the call runs the retry loop again
 * with the text so far as an assistant message (from the model that answered on, within what is
 * left of `deadlineMs`, never hedged) and the continuation is spliced into the same stream.
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
}: {
  models: LanguageModelV4[];
  params: LanguageModelV4CallOptions;
  settings: ResolvedOptions;
}): LanguageModelV4StreamResult {
  const callerSignal = params.abortSignal;
  const { continuation } = settings;
  // Created once for the call: its continuations run within what is left of it.
  const deadline = createDeadline(settings.deadlineMs);
  const cancelled = new AbortController();
  const signal = callerSignal
    ? AbortSignal.any([callerSignal, cancelled.signal])
    : cancelled.signal;

  const run = (
    runModels: LanguageModelV4[],
    runParams: LanguageModelV4CallOptions,
    continuing: boolean,
  ): Promise<Run> =>
    runWithFallback({
      models: runModels,
      operation: streamOperation(runParams),
      signal,
      settings,
      deadline,
      continuing,
    }).then(
      outcome => ({ ok: true, outcome }),
      error => ({ ok: false, error }),
    );
  const first = run(models, params, false);

  // Plain data, filled in when the first run answered: the AI SDK copies them with a spread, which
  // takes a slow path (a getter call) for an object with accessors.
  const request: { body?: unknown } = { body: undefined };
  const response: { headers?: Record<string, string> } = { headers: undefined };
  /** The answer across attempts; only kept when the call may be continued. */
  let splice: AnswerSplice | undefined;
  let reading: AfterContent | undefined;
  let continuations = 0;
  let finished = false;
  let consumer: ConsumerParts;

  /** Ends the consumer's stream with one `error` part. */
  const endWith = (error: unknown): void => {
    finished = true;
    consumer.enqueue({ type: 'error', error });
    consumer.close();
  };
  /** Errors the consumer's stream as it is (the caller's abort: nothing is read after it). */
  const abort = (reason: unknown): void => {
    finished = true;
    consumer.error(reason);
  };
  /** Ends the consumer's stream after a run that gave up with `error`. */
  const fail = (error: unknown): void =>
    isCallerAbort(error, callerSignal) || signal.aborted ? abort(error) : endWith(error);

  /** Starts reading the answer `opened`, which `answered` answered (attempts summed across continuations). */
  const read = (opened: OpenedStream, answered: AnsweredBy): AfterContent => {
    const ended = (end: AnswerEnd): Promise<void> | void => settle(end, answered);
    return afterContent({ opened, answered, consumer, splice, settings, callerSignal, ended });
  };

  /**
   * Settles the consumer's stream at the `end` of the answer that `answered` gave: closes it, errors
   * it (the caller's abort), or continues the answer and reads on.
   */
  async function settle(end: AnswerEnd, answered: AnsweredBy): Promise<void> {
    if ('done' in end) {
      finished = true;
      return consumer.close();
    }
    if ('aborted' in end) return abort(end.aborted);
    reading = await continueAfter(end.failed, answered);
    return reading?.pull();
  }

  /** The first pull: waits for the first run's answer, then passes its first part(s) on. */
  async function begin(): Promise<void> {
    const result = await first;
    if (!result.ok) return fail(result.error);
    const { head } = result.outcome.result;
    request.body = head.request?.body;
    response.headers = head.response?.headers;
    // Only a stream that may be continued keeps its text: without `continuation` parts pass on.
    splice = continuation === undefined ? undefined : answerSplice([], consumer);
    reading = read(result.outcome.result, result.outcome);
    return reading.pull();
  }

  /**
   * Continues the answer that `by` gave after `failure`, when it may be (see
   * {@link retryingStream}): the continuation to read, or `undefined` once the stream ended (with
   * `failure`, the continuation's error, or the caller's abort).
   */
  async function continueAfter(
    failure: AlayaError,
    by: AnsweredBy,
  ): Promise<AfterContent | undefined> {
    const continued = !(
      continuation === undefined ||
      splice === undefined ||
      continuations >= continuation.maxContinuations ||
      !failure.isRetryable ||
      !splice.textOnly() ||
      signal.aborted ||
      deadline?.passedIn(0)
    );
    const { provider, modelId } = by.model;
    settings.telemetry?.record({
      type: 'stream_interrupted',
      model: { provider, modelId },
      kind: failure.kind,
      continued,
    });
    if (!continued || splice === undefined) {
      endWith(failure);
      return undefined;
    }
    continuations++;
    const again = splice.continuationParams(params);
    splice.beginContinuation();
    const next = await run(models.slice(by.modelIndex), again, true);
    if (!next.ok) {
      const { error } = next;
      const aborted = isCallerAbort(error, callerSignal) || signal.aborted;
      // A continuation that gave up on something else than a typed error ends with the break.
      fail(aborted || AlayaError.isInstance(error) ? error : failure);
      return undefined;
    }
    const { result, model, modelIndex, attemptCount } = next.outcome;
    return read(result, {
      model,
      modelIndex: by.modelIndex + modelIndex,
      attemptCount: by.attemptCount + attemptCount,
    });
  }

  const stream = directPipeStream<LanguageModelV4StreamPart>({
    start(sink) {
      consumer = consumerParts(sink);
    },
    // After the first part, one frame per part: the reader's own pull.
    pull: () => (finished ? undefined : reading === undefined ? begin() : reading.pull()),
    cancel(reason) {
      finished = true;
      cancelled.abort(reason);
      reading?.cancel(reason);
      void first.then(result => {
        if (result.ok) result.outcome.result.reader.cancel(reason).catch(() => {});
      });
    },
  });

  return { stream, request, response };
}
