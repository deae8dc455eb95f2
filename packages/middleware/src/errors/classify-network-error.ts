import { ConnectionError, TimeoutError } from './network-errors';
import { safeGet } from './safe-stringify';

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
]);
const FETCH_FAILURE_MESSAGES = new Set([
  'fetch failed',
  'failed to fetch',
  'terminated',
  'network error',
  'networkerror when attempting to fetch resource',
  'load failed',
  'the network connection was lost',
  'socket hang up',
  'other side closed',
  // The openai npm client's APIConnectionError without a cause:
  'connection error',
]);
/** Timeout messages without a code (the openai npm client's APIConnectionTimeoutError). */
const TIMEOUT_MESSAGES = new Set(['request timed out']);

/** A failure without an HTTP response: which class, and the message to give it. */
export interface NetworkFailure {
  Class: typeof ConnectionError | typeof TimeoutError;
  message: (original: string) => string;
}

/**
 * Walks the `cause` chain (8 levels) for a socket or undici code, a timeout, or a `fetch` failure
 * message (Node, browsers, Bun, the `openai` client). `undefined` when it is none of these.
 */
export function classifyNetworkError(error: unknown): NetworkFailure | undefined {
  let current: unknown = error;
  let fetchFailure = false;
  for (let depth = 0; depth < 8 && current != null && typeof current === 'object'; depth++) {
    const rawCode = safeGet(current, 'code');
    const code = typeof rawCode === 'string' ? rawCode : undefined;
    const name = safeGet(current, 'name');
    const rawMessage = safeGet(current, 'message');
    const detail = typeof rawMessage === 'string' && rawMessage ? rawMessage : undefined;
    if (
      (code && TIMEOUT_CODES.has(code)) ||
      name === 'TimeoutError' ||
      name === 'ConnectTimeoutError'
    ) {
      return {
        Class: TimeoutError,
        message: original => `Request timed out${withCode(code, detail ?? original)}`,
      };
    }
    if (code && (CONNECTION_CODES.has(code) || code.startsWith('UND_ERR'))) {
      return {
        Class: ConnectionError,
        message: original => `Connection failed${withCode(code, detail ?? original)}`,
      };
    }
    // Known messages are short: only a bounded prefix is lower-cased and compared.
    const message = detail ? detail.slice(0, 100).toLowerCase().replace(/\.$/, '') : '';
    if (TIMEOUT_MESSAGES.has(message)) {
      return { Class: TimeoutError, message: original => `Request timed out: ${original}` };
    }
    if (FETCH_FAILURE_MESSAGES.has(message) || message.startsWith('cannot connect to api')) {
      fetchFailure = true;
    }
    current = safeGet(current, 'cause');
  }
  if (fetchFailure) {
    return { Class: ConnectionError, message: original => `Connection failed: ${original}` };
  }
  return undefined;
}

function withCode(code: string | undefined, original: string): string {
  if (code && original.includes(code)) return `: ${original}`;
  return code ? ` (${code}): ${original}` : `: ${original}`;
}
