import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { PartSink } from './direct-pipe-stream';

/** A block a stream opens with `<kind>-start` and closes with `<kind>-end` (same `id`). */
export type BlockKind = 'text' | 'reasoning' | 'tool-input';

const EDGES: Partial<Record<LanguageModelV4StreamPart['type'], [BlockKind, 'start' | 'end']>> = {
  'text-start': ['text', 'start'],
  'text-end': ['text', 'end'],
  'reasoning-start': ['reasoning', 'start'],
  'reasoning-end': ['reasoning', 'end'],
  'tool-input-start': ['tool-input', 'start'],
  'tool-input-end': ['tool-input', 'end'],
};

/**
 * The consumer's side of a stream: every part the consumer reads goes through it, and it alone
 * knows which blocks the consumer saw opened. Each of them is ended exactly once: an end of a block
 * that is not open (a duplicate) is dropped, as is a second start of an open one, and the blocks
 * still open are ended before a `finish`, before an `error` part and before the stream closes,
 * whatever broke the stream and whatever a continuation of it sent (nothing, only a `finish`).
 */
export interface ConsumerParts {
  /** Passes `part` on (after the ends it calls for); false when it was dropped. */
  enqueue(part: LanguageModelV4StreamPart): boolean;
  /** The id of the block of `kind` opened last and still open. */
  open(kind: BlockKind): string | undefined;
  /** Ends the open blocks of `kind`, or all of them. */
  end(kind?: BlockKind): void;
  /** Ends the open blocks, then closes the stream. */
  close(): void;
  /** Errors the stream as it is (the caller's abort: the consumer reads nothing after it). */
  error(reason: unknown): void;
}

/** The consumer's side of the stream `controller` feeds; see {@link ConsumerParts}. */
export function consumerParts(controller: PartSink<LanguageModelV4StreamPart>): ConsumerParts {
  /** Open blocks by `kind:id`, in the order they opened. */
  const open = new Map<string, { kind: BlockKind; id: string }>();

  const end = (kind?: BlockKind): void => {
    for (const [key, block] of open) {
      if (kind !== undefined && block.kind !== kind) continue;
      open.delete(key);
      controller.enqueue({ type: `${block.kind}-end`, id: block.id });
    }
  };

  return {
    enqueue(part) {
      const edge = EDGES[part.type];
      if (edge !== undefined) {
        const [kind, side] = edge;
        const key = `${kind}:${(part as { id: string }).id}`;
        if (side === 'start') {
          if (open.has(key)) return false;
          open.set(key, { kind, id: (part as { id: string }).id });
        } else if (!open.delete(key)) {
          return false;
        }
      } else if (part.type === 'finish' || part.type === 'error') {
        end();
      }
      controller.enqueue(part);
      return true;
    },
    open(kind) {
      let last: string | undefined;
      for (const block of open.values()) if (block.kind === kind) last = block.id;
      return last;
    },
    end,
    close() {
      end();
      controller.close();
    },
    error(reason) {
      open.clear();
      controller.error(reason);
    },
  };
}
