import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { ConsumerParts } from './consumer-parts';

/** `continuation` after its check: how many times one stream may be continued. */
export interface ContinuationSettings {
  maxContinuations: number;
}

/**
 * Parts a text-only answer may carry. Reasoning is allowed: it is not sent back (servers reject or
 * ignore reasoning in an assistant message), only the text is. Anything else (tool parts, files,
 * sources, a `finish`) rules continuation out.
 */
const TEXT_ONLY_PARTS = new Set<LanguageModelV4StreamPart['type']>([
  'stream-start',
  'response-metadata',
  'raw',
  'ping',
  'custom',
  'text-start',
  'text-delta',
  'text-end',
  'reasoning-start',
  'reasoning-delta',
  'reasoning-end',
]);

/** Parts of a continuation that the consumer already had from the first attempt, or must not see. */
const DROPPED_IN_CONTINUATION = new Set<LanguageModelV4StreamPart['type']>([
  'stream-start',
  'response-metadata',
  'reasoning-start',
  'reasoning-delta',
  'reasoning-end',
]);

/**
 * One answer as the consumer reads it across attempts: the text so far (sent back as the assistant
 * prefix) and whether it stayed text-only. Parts of a continuation pass through it to be spliced in:
 * its `stream-start`, `response-metadata` and reasoning are dropped (the consumer keeps the
 * reasoning it read; a second train of thought in the middle of the answer would not read as one
 * answer) and its text joins the text block the broken attempt left open (the consumer's open
 * blocks are the {@link ConsumerParts}' to know and to end).
 */
export interface AnswerSplice {
  /** The parts to pass on for `part` of the current attempt (none when it is dropped). */
  pass(part: LanguageModelV4StreamPart): LanguageModelV4StreamPart[];
  /** True while every part passed on was text, reasoning or metadata, and none was a `finish`. */
  textOnly(): boolean;
  /**
   * Switches to a continuation: ends the reasoning blocks the broken attempt left open (its open
   * text block stays open for the continuation's text).
   */
  beginContinuation(): void;
  /** The call options of a continuation: the prompt plus the text so far as an assistant message. */
  continuationParams(params: LanguageModelV4CallOptions): LanguageModelV4CallOptions;
}

/**
 * Starts tracking an answer whose first parts are `seen` (already passed on to the consumer through
 * `blocks`, whose open text block a continuation's text joins).
 */
export function answerSplice(
  seen: readonly LanguageModelV4StreamPart[],
  blocks: Pick<ConsumerParts, 'open' | 'end'>,
): AnswerSplice {
  let text = '';
  let textOnly = true;
  let continuing = false;
  /** Text block ids of the continuation → the open block of the answer they continue. */
  const textIds = new Map<string, string>();

  const track = (part: LanguageModelV4StreamPart): void => {
    if (!TEXT_ONLY_PARTS.has(part.type)) textOnly = false;
    if (part.type === 'text-delta') text += part.delta;
  };
  for (const part of seen) track(part);

  const splice = (part: LanguageModelV4StreamPart): LanguageModelV4StreamPart | undefined => {
    if (DROPPED_IN_CONTINUATION.has(part.type)) return undefined;
    if (part.type === 'text-start') {
      const open = blocks.open('text');
      if (open === undefined) return part;
      textIds.set(part.id, open);
      return undefined;
    }
    if (part.type === 'text-delta' || part.type === 'text-end') {
      const id = textIds.get(part.id);
      if (id !== undefined) return { ...part, id };
    }
    return part;
  };

  return {
    pass(part) {
      const passed = continuing ? splice(part) : part;
      if (passed === undefined) return [];
      track(passed);
      return [passed];
    },
    textOnly: () => textOnly,
    beginContinuation() {
      continuing = true;
      textIds.clear();
      blocks.end('reasoning');
    },
    continuationParams(params) {
      if (text === '') return params;
      return {
        ...params,
        prompt: [...params.prompt, { role: 'assistant', content: [{ type: 'text', text }] }],
      };
    },
  };
}
