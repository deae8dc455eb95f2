import { describe, expect, it } from 'vitest';
import { isContentPart } from './content-part';

describe('isContentPart', () => {
  it('an empty delta is not content (the AI SDK and @ai-sdk/openai agree)', () => {
    expect(isContentPart({ type: 'text-delta', id: 't', delta: '' })).toBe(false);
    expect(isContentPart({ type: 'reasoning-delta', id: 'r', delta: '' })).toBe(false);
    expect(isContentPart({ type: 'tool-input-delta', id: 'c', delta: '' })).toBe(false);
    expect(isContentPart({ type: 'text-delta', id: 't', delta: 'a' })).toBe(true);
  });

  it('preamble parts and errors are not content; tool calls and finish are', () => {
    expect(isContentPart({ type: 'stream-start', warnings: [] })).toBe(false);
    expect(isContentPart({ type: 'text-start', id: 't' })).toBe(false);
    expect(isContentPart({ type: 'text-end', id: 't' })).toBe(false);
    expect(isContentPart({ type: 'error', error: 'x' })).toBe(false);
    expect(isContentPart({ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{}' })).toBe(
      true,
    );
  });
});
