import type { AlayaError } from '../errors/alaya-error';
import { isRetryableStatus } from '../errors/status-errors';

/**
 * The default of `fallbackOn`: failures another model may not have (408, 409, 429 rate limits, 5xx,
 * connection errors, timeouts, an open circuit); never other 4xx nor insufficient quota.
 */
export function defaultFallbackOn(error: AlayaError): boolean {
  switch (error.kind) {
    case 'rate_limit':
    case 'internal_server':
    case 'bad_gateway':
    case 'service_unavailable':
    case 'connection':
    case 'timeout':
    case 'circuit_open':
      return true;
    case 'unknown_status':
      return error.statusCode == null ? error.isRetryable : isRetryableStatus(error.statusCode);
    default:
      return false;
  }
}
