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
 * How an opened answer ended: its stream ended (`done`), it broke (`failed`, mapped once) or the
 * caller aborted (`aborted`); what follows is the call's to decide.
 */
export type AnswerEnd = { done: true } | { failed: AlayaError } | { aborted: unknown };

/** The end of an answer whose stream ended. */
const DONE: AnswerEnd = { done: true };

/** The reader of one opened answer (the first run's, or a continuation's). */
export interface AfterContent {
  /**
   * Passes the answer's next part on to the consumer; when the answer ends instead, settles the
   * consumer's stream with `ended` (which may go on reading a continuation).
   */
  pull(): Promise<void>;
  /** Cancels the attempt being read (the consumer went away). */
  cancel(reason: unknown): void;
}

/**
 * Reads `opened` for the consumer: first the parts read before its first content part, then the rest
 * of its stream. Each part goes through `splice` (when the call may be continued) and reaches the
 * consumer through {@link ConsumerParts}, a `finish` part with the answer metadata of `answered`.
 * With `idleTimeoutMs`, a read that waits longer cancels the attempt (its reader, hence its HTTP
 * body) and fails with a `TimeoutError`. A failure (a reset, the idle timeout, an `error` part) is
 * mapped once and handed to `ended`: what follows (an `error` part, a continuation) is the call's to decide.
 */
export function afterContent({
  opened,
  answered,
  consumer,
  splice,
  settings,
  callerSignal,
  ended,
}: {
  opened: OpenedStream;
  /** Who answered the call so far (the metadata of its `finish` part). */
  answered: AnsweredBy;
  consumer: ConsumerParts;
  /** The answer across attempts, when the call may be continued; without it parts pass straight on. */
  splice: AnswerSplice | undefined;
  settings: ResolvedOptions;
  callerSignal: AbortSignal | undefined;
  /** Settles the consumer's stream when the answer ended (see {@link AfterContent.pull}). */
  ended: (end: AnswerEnd) => Promise<void> | void;
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

  /** What a read that threw means: the caller's abort, or a broken stream (mapped once). */
  const broke = (error: unknown): AnswerEnd =>
    isCallerAbort(error, callerSignal)
      ? { aborted: error }
      : { failed: opened.mapError(error, false) };

  return {
    async pull() {
      if (firstParts) {
        firstParts = false;
        const any = pass(opened.buffered);
        if (opened.done) return ended(DONE);
        if (any) return;
      }
      // Loops until a part reaches the consumer (a pull that enqueues nothing is not called again).
      // One frame and one promise per part: the read is awaited here, nothing is allocated around it.
      for (;;) {
        let next: ReadableStreamReadResult<LanguageModelV4StreamPart> | Idle;
        try {
          next = await watch.read();
        } catch (error) {
          return ended(broke(error));
        }
        if ('idle' in next) return ended({ failed: opened.mapError(next.idle, false) });
        if (next.done) return ended(DONE);
        const part = next.value;
        if (part.type === 'error') {
          watch.stop();
          // openai-compatible keeps streaming after an error part; the attempt ends here instead.
          opened.reader.cancel().catch(() => {});
          return ended({ failed: opened.mapError(part.error, true) });
        }
        if (passOne(part)) return;
      }
    },
    cancel(reason) {
      watch.stop();
      opened.reader.cancel(reason).catch(() => {});
    },
  };
}
