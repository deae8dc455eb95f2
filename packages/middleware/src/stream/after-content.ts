import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { AlayaError } from '../errors/alaya-error';
import { isCallerAbort } from '../errors/is-caller-abort';
import { estimateCallTokens } from '../fleet/token-estimate';
import type { ResolvedOptions } from '../options/resolve-options';
import type { Deadline } from '../retry/deadline';
import { type RetryOutcome, runWithFallback } from '../retry/run-with-fallback';
import { timeoutError } from '../retry/timeout-error';
import type { ConsumerParts } from './consumer-parts';
import { answerSplice } from './continuation';
import { IDLE, readWithin } from './idle-timeout';
import { type OpenedStream, openStream } from './stream-attempt';

/** The phase of a stream after its first content part: what the consumer's pulls read. */
export interface AfterContent {
  /** Passes the next part(s) on to the consumer; true once the stream is closed or errored. */
  pull(): Promise<boolean>;
  /** Cancels the attempt being read (the consumer went away). */
  cancel(reason: unknown): void;
}

type Read =
  | { part: LanguageModelV4StreamPart }
  | { done: true }
  | { failure: AlayaError }
  | { abort: unknown };

/**
 * Reads the answering attempt after its first content part. With `idleTimeoutMs`, a read that waits
 * longer cancels the attempt (its reader, hence its HTTP body) and fails with a `TimeoutError`. A
 * failure (a reset, the idle timeout, an `error` part) is mapped once and ends the stream with one
 * typed `error` part, unless `continuation` is on, the answer so far is text-only and the error is
 * retryable: then the call is re-issued with the text so far as an assistant message (through the
 * retry loop, from the model that answered on, within what is left of `deadlineMs`, never hedged)
 * and the continuation is spliced into the same stream. The caller's abort errors the stream as it is.
 */
export function afterContent({
  consumer,
  outcome,
  models,
  params,
  settings,
  signal,
  callerSignal,
  deadline,
  decorateFinish,
}: {
  /** Where the parts go: the answering attempt's first parts already went there. */
  consumer: ConsumerParts;
  outcome: RetryOutcome<OpenedStream>;
  models: LanguageModelV4[];
  params: LanguageModelV4CallOptions;
  settings: ResolvedOptions;
  /** The caller's signal combined with the consumer's cancel. */
  signal: AbortSignal | undefined;
  callerSignal: AbortSignal | undefined;
  /** The call's deadline (`deadlineMs`): a continuation runs within what is left of it. */
  deadline: Deadline | undefined;
  decorateFinish: (
    metadata: SharedV4ProviderMetadata | undefined,
    outcome: RetryOutcome<unknown>,
  ) => SharedV4ProviderMetadata;
}): AfterContent {
  const { idleTimeoutMs, continuation } = settings;
  // Only a stream that may be continued keeps its text: without `continuation` parts pass straight on.
  const splice =
    continuation === undefined ? undefined : answerSplice(outcome.result.buffered, consumer);
  let current = outcome.result;
  let answered: RetryOutcome<unknown> = outcome;
  let continuations = 0;

  const decorate = (part: LanguageModelV4StreamPart): LanguageModelV4StreamPart =>
    part.type === 'finish'
      ? { ...part, providerMetadata: decorateFinish(part.providerMetadata, answered) }
      : part;

  async function read(): Promise<Read> {
    let next: Awaited<ReturnType<typeof readWithin<LanguageModelV4StreamPart>>>;
    try {
      next = await readWithin(current.reader, idleTimeoutMs);
    } catch (error) {
      if (isCallerAbort(error, callerSignal)) return { abort: error };
      return { failure: current.mapError(error, false) };
    }
    if (next === IDLE) {
      const { provider, modelId } = answered.model;
      const error = timeoutError({
        what: {
          option: 'idleTimeoutMs',
          ms: idleTimeoutMs!,
          waitingFor: 'stream part',
          after: 'content',
        },
        model: { provider, modelId },
        hints: settings.errorContext.hints,
      });
      current.reader.cancel(error).catch(() => {});
      return { failure: current.mapError(error, false) };
    }
    if (next.done) return { done: true };
    if (next.value.type === 'error') {
      // openai-compatible keeps streaming after an error part; the attempt ends here instead.
      current.reader.cancel().catch(() => {});
      return { failure: current.mapError(next.value.error, true) };
    }
    return { part: next.value };
  }

  /** The continuation's opened stream, the error to end with, or `undefined` after an abort. */
  async function resume(failure: AlayaError): Promise<OpenedStream | AlayaError | undefined> {
    const continued = !(
      continuation === undefined ||
      splice === undefined ||
      continuations >= continuation.maxContinuations ||
      !failure.isRetryable ||
      !splice.textOnly() ||
      signal?.aborted ||
      deadline?.passedIn(0)
    );
    const { provider, modelId } = answered.model;
    settings.telemetry?.record({
      type: 'stream_interrupted',
      model: { provider, modelId },
      kind: failure.kind,
      continued,
    });
    if (!continued || splice === undefined) return failure;
    continuations++;
    const again = splice.continuationParams(params);
    splice.beginContinuation();
    try {
      const next = await runWithFallback<OpenedStream>({
        models: models.slice(answered.modelIndex),
        signal,
        settings,
        deadline,
        // No hedge: the call's one extra request is its first run's to send (`hedge` is per call).
        continuing: true,
        operation: 'stream',
        attempt: (model, attemptSignal, context) =>
          openStream({ model, params: { ...again, abortSignal: attemptSignal }, context }),
        responseHeaders: opened => opened.head.response?.headers,
        estimateTokens: () => estimateCallTokens(again),
        discard: opened => void opened.reader.cancel().catch(() => {}),
      });
      answered = {
        ...next,
        modelIndex: answered.modelIndex + next.modelIndex,
        attemptCount: answered.attemptCount + next.attemptCount,
      };
      return next.result;
    } catch (error) {
      if (isCallerAbort(error, callerSignal) || signal?.aborted) {
        consumer.error(error);
        return undefined;
      }
      return AlayaError.isInstance(error) ? error : failure;
    }
  }

  /** Passes `parts` on (spliced); true when any reached the consumer. */
  const pass = (parts: readonly LanguageModelV4StreamPart[]): boolean => {
    let any = false;
    for (const part of parts) {
      for (const passed of splice === undefined ? [part] : splice.pass(part)) {
        if (consumer.enqueue(decorate(passed))) any = true;
      }
    }
    return any;
  };

  return {
    async pull() {
      // Loops until a part reaches the consumer: a pull that enqueues nothing is not called again.
      for (;;) {
        const next = await read();
        if ('abort' in next) {
          consumer.error(next.abort);
          return true;
        }
        if ('done' in next) {
          consumer.close();
          return true;
        }
        if ('part' in next) {
          if (pass([next.part])) return false;
          continue;
        }
        const resumed = await resume(next.failure);
        if (resumed === undefined) return true;
        if (AlayaError.isInstance(resumed)) {
          consumer.enqueue({ type: 'error', error: resumed });
          consumer.close();
          return true;
        }
        current = resumed;
        const any = pass(resumed.buffered);
        if (resumed.done) {
          consumer.close();
          return true;
        }
        if (any) return false;
      }
    },
    cancel(reason) {
      current.reader.cancel(reason).catch(() => {});
    },
  };
}
