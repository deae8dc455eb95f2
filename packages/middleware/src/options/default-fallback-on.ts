import type { AlayaError } from '../errors/alaya-error';
import { ERROR_KINDS } from '../errors/error-kinds';

/**
 * The default of `fallbackOn`: failures another model may not have (408, 409, 429 rate limits, 5xx,
 * connection errors, timeouts, an open circuit); never other 4xx nor insufficient quota. Decided
 * by the error's row in `ERROR_KINDS`.
 */
export function defaultFallbackOn(error: AlayaError): boolean {
  const { fallback } = ERROR_KINDS[error.kind];
  return typeof fallback === 'function' ? fallback(error) : fallback;
}
