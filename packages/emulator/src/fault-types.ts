import type { ErrorStyle } from './one-api-envelope';

/** The body an error fault sends. `{ raw }` sends the string as is. */
export type FaultBody = 'json' | 'html' | 'text' | 'empty' | 'truncated-json' | { raw: string };

/** Which requests a queued fault applies to. Omitted fields match everything. */
export interface FaultMatch {
  /** Only requests whose body names this model. */
  model?: string;
  /** Only this path, e.g. `/v1/chat/completions` or `/chat/completions` (query string ignored). */
  path?: string;
}

/**
 * One injected fault. A queued fault applies to the next matching request; fields combine, e.g.
 * `{ status: 429, retryAfter: '1' }`, `{ reset: 'mid-stream', afterChunks: 3 }` or
 * `{ stall: 'after-headers', fraction: 0.1, seed: 7 }`.
 */
export interface EmulatorFault {
  /** Restricts the fault to some requests (queued faults only). */
  match?: FaultMatch;
  /**
   * How many requests the fault applies to (queued faults only). Default 1, or unlimited with
   * `fraction` (the fault then stays queued until cleared).
   */
  times?: number;
  /**
   * Applies the fault to this fraction (0 to 1) of the requests it matches, chosen by `seed`: the
   * n-th matching request gets the n-th draw of a generator seeded by `seed`, so a run repeats
   * exactly. Requests it skips fall through to the next queued fault.
   */
  fraction?: number;
  /** Seed for `fraction` (an integer). Default 0. */
  seed?: number;
  /** Answer with this HTTP status (an error envelope unless `body` says otherwise). Ignored below 300. */
  status?: number;
  /** Envelope `message` override. */
  message?: string;
  /** Envelope `type` override. */
  type?: string;
  /** Envelope `code` override. */
  code?: string;
  /**
   * Shape of this request's error bodies (the JSON envelope and a `streamError` event), overriding
   * the emulator's `errorStyle`: `'one-api'` gives One API's Chinese message with ` (request id: …)`
   * and its `type` values, e.g. `{ status: 429, errorStyle: 'one-api' }` is the upstream-saturation
   * 429 with `type: insufficient_quota`. Headers keep the emulator's style.
   */
  errorStyle?: ErrorStyle;
  /** The error body: `json` (the envelope, default), `html`, `text`, `empty`, `truncated-json`, or `{ raw }`. */
  body?: FaultBody;
  /** `content-type` of the error body (defaults follow `body`). */
  contentType?: string;
  /** Raw `Retry-After` header value: `'1'`, an HTTP date, or junk such as `'-1'`, `'abc'`, `'1e9'`. */
  retryAfter?: string | number;
  /** Raw `retry-after-ms` header value. */
  retryAfterMs?: string | number;
  /** Extra response headers, e.g. `{ 'x-should-retry': 'false' }`; `x-request-id` here replaces the generated one. */
  headers?: Record<string, string>;
  /** Destroy the socket: before any header, or mid-stream after `afterChunks` SSE events (or mid-body for JSON). */
  reset?: 'before-headers' | 'mid-stream';
  /**
   * Stop sending and hold the connection open until the client goes away (or the emulator closes):
   * `'after-headers'` sends the status and headers, then nothing; `'mid-stream'` sends `afterChunks`
   * SSE events (half the body for JSON), then nothing.
   */
  stall?: 'after-headers' | 'mid-stream';
  /** SSE events (including the first role event) sent before `reset`/`stall: 'mid-stream'` or `streamError`. Default 2. */
  afterChunks?: number;
  /** Send an SSE `data: {"error":{...}}` event after `afterChunks` events, then end the stream (no `[DONE]`). */
  streamError?: boolean | { message?: string; type?: string; code?: string };
  /** Wait this long before the first byte (headers) of the response. */
  firstByteDelayMs?: number;
  /** Wait this long between SSE events (slow body). */
  chunkDelayMs?: number;
  /**
   * Slow drip: the headers go out at once, then the body in small pieces this many ms apart (SSE
   * events for a stream, `chunkSize`-character slices for a JSON or error body), so the connection is
   * never idle longer than this. Pick it below the client's idle timeout to check that it does not fire.
   */
  dripMs?: number;
  /** Characters per streamed delta or drip slice for this request. Default: the stream shaping's (16). */
  chunkSize?: number;
  /** Answer 200 with a body that is not JSON (`true` for a default text, or the exact body). */
  nonJson200?: boolean | string;
}
