import { errorClass } from './alaya-error';

/**
 * No HTTP response: connection refused or reset, DNS failure, socket closed mid-body
 * (`ECONNRESET`, `ECONNREFUSED`, `UND_ERR_*`, `TypeError: fetch failed`). Retried.
 */
export class ConnectionError extends errorClass('connection', 'ConnectionError') {}

/**
 * The request timed out (a timeout that is not the caller's abort, or `deadlineMs`). Retried, except
 * when the deadline was hit. Its `name` is `AI_TimeoutError`, so it is never mistaken for an abort.
 */
export class TimeoutError extends errorClass('timeout', 'TimeoutError') {}
