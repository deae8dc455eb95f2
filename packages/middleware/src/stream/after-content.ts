import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { withAnswerMetadataOnFinish } from '../answer-metadata';
import type { AlayaError } from '../errors/alaya-error';
import { isCallerAbort } from '../errors/is-caller-abort';
import type { ResolvedOptions } from '../options/resolve-options';
import type { AnsweredBy } from '../retry/run-with-fallback';
import { timeoutError } from '../retry/timeout-error';
import type { ConsumerParts } from './consumer-parts';
import type { AnswerSplice } from './continuation';
import { type Idle, idleWatch } from './idle-timeout';
import type { OpenedStream } from './stream-attempt';

/**
 * How one pull of an opened answer ended: a part reached the consumer (`passed`), the answer's
 * stream ended (`done`), it broke (`failed`, mapped once) or the caller aborted (`aborted`). Only
 * `passed` leaves the consumer's stream to its owner to go on; the others are for it to settle.
 */
export type AnswerStep =
  | { passed: true }
  | { done: true }
  | { failed: AlayaError }
  | { aborted: unknown };

/** The reader of one opened answer (the first run's, or a continuation's). */
export interface AfterContent {
  /** Passes the answer's next part(s) on to the consumer, until one reaches it or the answer ends. */
  pull(): Promise<AnswerStep>;
  /** Cancels the attempt being read (the consumer went away). */
  cancel(reason: unknown): void;
}

/**
 * Reads `opened` for the consumer: first the parts read before its first content part, then the rest
 * of its stream. Each part goes through `splice` (when the call may be continued) and reaches the
 * consumer through {@link ConsumerParts}, a `finish` part with the answer metadata of `answered`.
 * With `idleTimeoutMs`, a read that waits longer cancels the attempt (its reader, hence its HTTP
 * body) and fails with a `TimeoutError`. A failure (a reset, the idle timeout, an `error` part) is
 * mapped once and returned: what follows (an `error` part, a continuation) is the call's to decide.
 */
export function afterContent({
  opened,
  answered,
  consumer,
  splice,
  settings,
  callerSignal,
}: {
  opened: OpenedStream;
  /** Who answered the call so far (the metadata of its `finish` part). */
  answered: AnsweredBy;
  consumer: ConsumerParts;
  /** The answer across attempts, when the call may be continued; without it parts pass straight on. */
  splice: AnswerSplice | undefined;
  settings: ResolvedOptions;
  callerSignal: AbortSignal | undefined;
}): AfterContent {
  const { idleTimeoutMs } = settings;
  let firstParts = true;

  /** Passes one part on (no array per part without a splice); true when it reached the consumer. */
  const passOne = (part: LanguageModelV4StreamPart): boolean => {
    if (splice === undefined) return consumer.enqueue(withAnswerMetadataOnFinish(part, answered));
    let any = false;
    for (const passed of splice.pass(part)) {
      if (consumer.enqueue(withAnswerMetadataOnFinish(passed, answered))) any = true;
    }
    return any;
  };
  /** Passes `parts` on; true when any reached the consumer. */
  const pass = (parts: readonly LanguageModelV4StreamPart[]): boolean => {
    let any = false;
    for (const part of parts) if (passOne(part)) any = true;
    return any;
  };

  const watch = idleWatch(opened.reader, idleTimeoutMs, () => {
    const { provider, modelId } = answered.model;
    return timeoutError({
      what: {
        option: 'idleTimeoutMs',
        ms: idleTimeoutMs!,
        waitingFor: 'stream part',
        after: 'content',
      },
      model: { provider, modelId },
      hints: settings.errorContext.hints,
    });
  });

  type Read = Exclude<AnswerStep, { passed: true }> | { part: LanguageModelV4StreamPart };

  /** What the next read of the answer gave (one promise per part: no async frame around the read). */
  const classify = (next: ReadableStreamReadResult<LanguageModelV4StreamPart> | Idle): Read => {
    if ('idle' in next) return { failed: opened.mapError(next.idle, false) };
    if (next.done) return { done: true };
    if (next.value.type === 'error') {
      watch.stop();
      // openai-compatible keeps streaming after an error part; the attempt ends here instead.
      opened.reader.cancel().catch(() => {});
      return { failed: opened.mapError(next.value.error, true) };
    }
    return { part: next.value };
  };
  const broke = (error: unknown): Read =>
    isCallerAbort(error, callerSignal)
      ? { aborted: error }
      : { failed: opened.mapError(error, false) };
  const read = (): Promise<Read> => watch.read().then(classify, broke);

  return {
    async pull() {
      if (firstParts) {
        firstParts = false;
        const any = pass(opened.buffered);
        if (opened.done) return { done: true };
        if (any && !consumer.wantsMore()) return { passed: true };
      }
      // Loops until a part reaches the consumer (a pull that enqueues nothing is not called again),
      // and on while the consumer's queue has room: one pull passes on a batch of parts.
      for (;;) {
        const next = await read();
        if (!('part' in next)) return next;
        if (passOne(next.part) && !consumer.wantsMore()) return { passed: true };
      }
    },
    cancel(reason) {
      watch.stop();
      opened.reader.cancel(reason).catch(() => {});
    },
  };
}
