import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';

/**
 * Parts that carry no output yet: a failed attempt's copies are dropped, so a retry after them
 * duplicates nothing. `custom` is here because providers use it for metadata (Anthropic sends one at
 * `message_start`); `text-start`/`reasoning-start` open a block without any text and the matching
 * ends close one that had none yet.
 */
const PREAMBLE_PARTS = new Set<LanguageModelV4StreamPart['type']>([
  'stream-start',
  'response-metadata',
  'raw',
  'ping',
  'custom',
  'text-start',
  'text-end',
  'reasoning-start',
  'reasoning-end',
]);

/**
 * True for parts after which a retry would duplicate output (non-empty deltas, tool parts, files,
 * sources, finish). An empty delta (`@ai-sdk/openai` sends `text-delta ""` first) is not content,
 * as for the AI SDK's own `firstChunkMs`.
 */
export function isContentPart(part: LanguageModelV4StreamPart): boolean {
  if (part.type === 'error' || PREAMBLE_PARTS.has(part.type)) return false;
  if (
    part.type === 'text-delta' ||
    part.type === 'reasoning-delta' ||
    part.type === 'tool-input-delta'
  ) {
    return part.delta.length > 0;
  }
  return true;
}
