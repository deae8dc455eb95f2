import { AlayaError, type AlayaErrorKind } from './alaya-error';

/**
 * Type guard for the typed errors of this package; with `kind`, narrows to one kind:
 * `isAlayaError(error, 'rate_limit')`. Works across duplicate copies of the package.
 */
export function isAlayaError<K extends AlayaErrorKind>(
  error: unknown,
  kind?: K,
): error is AlayaError & { kind: K } {
  return AlayaError.isInstance(error) && (kind === undefined || error.kind === kind);
}
