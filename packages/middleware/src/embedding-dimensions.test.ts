import type { EmbeddingModelV4Result } from '@ai-sdk/provider';
import { MockEmbeddingModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { createDimensions } from './embedding-dimensions';
import { DimensionMismatchError } from './errors/dimension-mismatch-error';

const primary = new MockEmbeddingModelV4({ modelId: 'primary' });
const fallback = new MockEmbeddingModelV4({ modelId: 'fallback' });
const context = (model: MockEmbeddingModelV4) => ({
  provider: model.provider,
  modelId: model.modelId,
});
const answer = (...lengths: number[]): EmbeddingModelV4Result => ({
  embeddings: lengths.map(length => Array(length).fill(0.5)),
  warnings: [],
});

function mismatch(run: () => void): DimensionMismatchError {
  try {
    run();
  } catch (error) {
    if (DimensionMismatchError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('createDimensions: the vector length an answer must have', () => {
  it('stated: every model, the primary too, must answer with it', () => {
    const check = createDimensions(4).forCall(primary, undefined);
    expect(() => check.check(answer(4, 4), fallback, context(fallback))).not.toThrow();
    const error = mismatch(() => check.check(answer(3), primary, context(primary)));
    expect(error.message).toContain('vectors of 3 dimensions, expected 4');
    expect(error).toMatchObject({
      kind: 'dimension_mismatch',
      isRetryable: false,
      modelId: 'primary',
    });
    expect(error.hint).toContain('same dimensions');
  });

  it("the call's own dimensions when none is stated", () => {
    const check = createDimensions(undefined).forCall(primary, 8);
    expect(() => check.check(answer(8), fallback, context(fallback))).not.toThrow();
    expect(mismatch(() => check.check(answer(4), fallback, context(fallback))).message).toContain(
      'expected 8',
    );
  });

  it("learned from the primary's first answer, for every later call of this middleware", () => {
    const dimensions = createDimensions(undefined);
    const before = dimensions.forCall(primary, undefined);
    // Not known yet: a fallback's answer has nothing to be checked against.
    expect(mismatch(() => before.check(answer(6), fallback, context(fallback))).message).toContain(
      'set dimensions',
    );
    before.check(answer(6), primary, context(primary));
    const later = dimensions.forCall(primary, undefined);
    expect(() => later.check(answer(6), fallback, context(fallback))).not.toThrow();
    expect(mismatch(() => later.check(answer(5), fallback, context(fallback))).message).toContain(
      'vectors of 5 dimensions, expected 6',
    );
    // Another primary model learns its own length.
    const other = new MockEmbeddingModelV4({ modelId: 'other' });
    expect(() =>
      dimensions.forCall(other, undefined).check(answer(9), other, context(other)),
    ).not.toThrow();
  });

  it('vectors of unequal lengths in one answer are refused, even from the primary', () => {
    const check = createDimensions(undefined).forCall(primary, undefined);
    expect(mismatch(() => check.check(answer(4, 5), primary, context(primary))).message).toContain(
      'unequal lengths (4, 5)',
    );
  });

  it('an answer with no vectors has nothing to check', () => {
    const check = createDimensions(4).forCall(primary, undefined);
    expect(() => check.check(answer(), fallback, context(fallback))).not.toThrow();
  });
});
