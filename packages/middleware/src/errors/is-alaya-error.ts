import { AlayaError, type AlayaErrorOf } from './alaya-error';
import type { AlayaErrorKind } from './alaya-error-options';

/**
 * Type guard for the typed errors of this package; with `kind`, narrows to that kind's class:
 * `isAlayaError(error, 'rate_limit')` narrows to `RateLimitError`. Works across duplicate copies
 * of the package.
 */
export function isAlayaError<K extends AlayaErrorKind = AlayaErrorKind>(
  error: unknown,
  kind?: K,
): error is AlayaErrorOf<K> {
  return AlayaError.isInstance(error) && (kind === undefined || error.kind === kind);
}
