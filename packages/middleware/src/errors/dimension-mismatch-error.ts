import { errorClass } from './alaya-error';

/**
 * An embedding model answered with vectors of another length than the call expects (the
 * `dimensions` option, the call's own `dimensions`, or the length the primary model answered with
 * first), or with vectors of unequal lengths: the answer was not used (a vector store cannot mix
 * lengths). Not retried (the model would answer the same); the next fallback model is tried.
 */
export class DimensionMismatchError extends errorClass(
  'dimension_mismatch',
  'DimensionMismatchError',
) {}
