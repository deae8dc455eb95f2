import type { EmulatorFault } from './faults';

/** How a logged request ended. */
export type RequestOutcome = 'pending' | 'completed' | 'reset' | 'aborted';

/** One request the emulator saw. Never holds the API key, only its fingerprint. */
export interface EmulatorRequestRecord {
  /**
   * The `x-request-id` the emulator sent (`req_` + hex), also for faults that override it; in the
   * `one-api` error style the `x-oneapi-request-id` (One API's format, see `oneApiRequestId`).
   */
  id: string;
  /** Epoch ms when the request arrived. */
  time: number;
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** `model` from the body, when there was one. */
  model?: string;
  /** `stream` from the body (chat completions). */
  stream?: boolean;
  /** Status sent; undefined while pending or when the socket was reset before headers. */
  status?: number;
  /** The fault applied to this request, if any. */
  fault?: EmulatorFault;
  /** `key_` + 8 hex digits of SHA-256 of the presented key (see `keyFingerprint`). */
  keyFingerprint?: string;
  /** SSE `data:` events written (streams only). */
  chunks?: number;
  /** Tokens charged (prompt + completion) for successful model calls. */
  totalTokens?: number;
  /** How the request ended (`pending` while in flight). */
  outcome: RequestOutcome;
  /** Milliseconds from arrival until the response ended (set when it ends). */
  durationMs?: number;
}

/** Appends records to a live array, dropping the oldest tenth when `max` is exceeded. */
export function appendRecord(
  log: EmulatorRequestRecord[],
  record: EmulatorRequestRecord,
  max: number,
): void {
  log.push(record);
  if (log.length > max) log.splice(0, Math.max(1, Math.ceil(max / 10)));
}
