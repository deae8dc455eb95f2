import type { EmbeddingModelV4, EmbeddingModelV4Result } from '@ai-sdk/provider';
import { DimensionMismatchError } from './errors/dimension-mismatch-error';
import { hintFor } from './errors/hints';
import type { ToAlayaErrorContext } from './errors/to-alaya-error';

/** What one embed call checks its answers against. */
export interface DimensionCheck {
  /**
   * Throws a `DimensionMismatchError` when `result` of `model` cannot be used: vectors of unequal
   * lengths, of another length than expected, or from a fallback model before a length is known.
   * The primary model's first answer teaches the length when none is stated.
   */
  check(
    result: EmbeddingModelV4Result,
    model: EmbeddingModelV4,
    context: ToAlayaErrorContext,
  ): void;
}

/**
 * The vector lengths of one middleware: `stated` (the `dimensions` option), else a call's own
 * `dimensions`, else the length each primary model answered with first (remembered per model
 * object, for as long as it lives).
 */
export function createDimensions(stated: number | undefined): {
  forCall(primary: EmbeddingModelV4, requested: number | undefined): DimensionCheck;
} {
  const learned = new WeakMap<EmbeddingModelV4, number>();
  return {
    forCall(primary, requested) {
      return {
        check(result, model, context) {
          const lengths = new Set(result.embeddings.map(vector => vector.length));
          if (lengths.size === 0) return;
          const expected =
            stated ?? (validLength(requested) ? requested : undefined) ?? learned.get(primary);
          const [length] = lengths;
          let problem: string | undefined;
          if (lengths.size > 1) {
            problem = `vectors of unequal lengths (${[...lengths].slice(0, 4).join(', ')})`;
          } else if (expected === undefined && model !== primary) {
            problem = `vectors of ${length} dimensions before the primary model answered (the expected length is not known yet: set dimensions)`;
          } else if (expected !== undefined && length !== expected) {
            problem = `vectors of ${length} dimensions, expected ${expected}`;
          }
          if (problem !== undefined) throw mismatch(problem, context);
          if (expected === undefined) learned.set(primary, length!);
        },
      };
    },
  };
}

function validLength(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function mismatch(problem: string, context: ToAlayaErrorContext): DimensionMismatchError {
  const { modelId, provider } = context;
  const model =
    modelId === undefined ? 'The embedding model' : `Embedding model ${modelId} (${provider})`;
  return new DimensionMismatchError({
    message: `${model} answered with ${problem}: the answer was not used (a vector store cannot mix lengths).`,
    hint: context.hints?.dimension_mismatch ?? hintFor('dimension_mismatch', provider),
    isRetryable: false,
    ...(modelId === undefined ? {} : { modelId }),
    ...(provider === undefined ? {} : { provider }),
  });
}
