import { describe, expect, it } from 'vitest';
import {
  embedTokensOf,
  estimateCallTokens,
  estimateEmbedTokens,
  usedTokensOf,
} from './token-estimate';

describe('estimateCallTokens', () => {
  it('counts the prompt at 4 characters per token plus the requested output', () => {
    const tokens = estimateCallTokens({
      prompt: [
        { role: 'system', content: 'x'.repeat(40) },
        { role: 'user', content: [{ type: 'text', text: 'y'.repeat(400) }] },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', toolCallId: '1', toolName: 'calc', input: { a: 1 } }],
        },
      ],
      maxOutputTokens: 256,
    });
    expect(tokens).toBe(Math.ceil((40 + 400 + '{"a":1}'.length) / 4) + 256);
  });

  it('is 0 for an empty prompt without maxOutputTokens, and survives values that do not serialize', () => {
    expect(estimateCallTokens({ prompt: [] })).toBe(0);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const prompt = [
      {
        role: 'assistant' as const,
        content: [{ type: 'tool-call' as const, toolCallId: '1', toolName: 't', input: cyclic }],
      },
    ];
    expect(estimateCallTokens({ prompt })).toBe(0);
  });
});

describe('usedTokensOf', () => {
  it('adds prompt and output tokens; undefined when neither is reported', () => {
    const usage = (input?: number, output?: number) => ({
      inputTokens: {
        total: input,
        noCache: undefined,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: output, text: undefined, reasoning: undefined },
    });
    expect(usedTokensOf(usage(100, 20))).toBe(120);
    expect(usedTokensOf(usage(undefined, 20))).toBe(20);
    expect(usedTokensOf(usage())).toBeUndefined();
    expect(usedTokensOf(undefined)).toBeUndefined();
  });

  it('a count that is not a finite number of at least 0 is as if not reported', () => {
    const usage = (input: number, output?: number) => ({
      inputTokens: {
        total: input,
        noCache: undefined,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: output, text: undefined, reasoning: undefined },
    });
    expect(usedTokensOf(usage(Number.POSITIVE_INFINITY, 20))).toBe(20);
    expect(usedTokensOf(usage(-5, 20))).toBe(20);
    expect(usedTokensOf(usage(Number.NaN))).toBeUndefined();
    expect(usedTokensOf(usage(0, 0))).toBe(0);
  });
});

describe('estimateEmbedTokens and embedTokensOf (embeddings: input tokens only)', () => {
  it('counts the input values at the same 4 characters per token as a prompt', () => {
    expect(estimateEmbedTokens(['a'.repeat(400), 'b'.repeat(401)])).toBe(201);
    expect(estimateEmbedTokens(['x'.repeat(400)])).toBe(
      estimateCallTokens({ prompt: [{ role: 'system', content: 'x'.repeat(400) }] }),
    );
    expect(estimateEmbedTokens([])).toBe(0);
  });

  it('reads usage.tokens; a count that is not a finite number of at least 0 is as if not reported', () => {
    expect(embedTokensOf({ tokens: 250 })).toBe(250);
    expect(embedTokensOf({ tokens: 0 })).toBe(0);
    expect(embedTokensOf(undefined)).toBeUndefined();
    for (const tokens of [Number.NaN, Number.POSITIVE_INFINITY, -1, '7' as unknown as number]) {
      expect(embedTokensOf({ tokens })).toBeUndefined();
    }
  });
});
