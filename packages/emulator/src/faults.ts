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
 * `{ status: 429, retryAfter: '1' }` or `{ reset: 'mid-stream', afterChunks: 3 }`.
 */
export interface EmulatorFault {
  /** Restricts the fault to some requests (queued faults only). */
  match?: FaultMatch;
  /** How many matching requests the fault applies to (queued faults only). Default 1. */
  times?: number;
  /** Answer with this HTTP status (an error envelope unless `body` says otherwise). Ignored below 300. */
  status?: number;
  /** Envelope `message` override. */
  message?: string;
  /** Envelope `type` override. */
  type?: string;
  /** Envelope `code` override. */
  code?: string;
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
  /** SSE events (including the first role event) sent before `reset: 'mid-stream'` or `streamError`. Default 2. */
  afterChunks?: number;
  /** Send an SSE `data: {"error":{...}}` event after `afterChunks` events, then end the stream (no `[DONE]`). */
  streamError?: boolean | { message?: string; type?: string; code?: string };
  /** Wait this long before the first byte (headers) of the response. */
  firstByteDelayMs?: number;
  /** Wait this long between SSE events (slow body). */
  chunkDelayMs?: number;
  /** Answer 200 with a body that is not JSON (`true` for a default text, or the exact body). */
  nonJson200?: boolean | string;
}

const invalidFaultMarker = Symbol.for('alaya-code.emulator.InvalidFaultError');

/** Thrown when a fault given by header, HTTP or `enqueueFaults` is not a valid {@link EmulatorFault}. */
export class InvalidFaultError extends TypeError {
  /** Brand checked by `isInstance`. */
  readonly [invalidFaultMarker] = true;

  constructor(message: string) {
    super(`Invalid emulator fault: ${message}`);
    this.name = 'InvalidFaultError';
  }

  /** True for any `InvalidFaultError`, even from another copy of this package. */
  static isInstance(error: unknown): error is InvalidFaultError {
    return typeof error === 'object' && error !== null && invalidFaultMarker in error;
  }
}

const BODY_KINDS = new Set(['json', 'html', 'text', 'empty', 'truncated-json']);
const KNOWN_FIELDS = new Set([
  'match',
  'times',
  'status',
  'message',
  'type',
  'code',
  'body',
  'contentType',
  'retryAfter',
  'retryAfterMs',
  'headers',
  'reset',
  'afterChunks',
  'streamError',
  'firstByteDelayMs',
  'chunkDelayMs',
  'nonJson200',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNonNegative(fault: Record<string, unknown>, name: string, integer = false): void {
  const value = fault[name];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidFaultError(`${name} must be a non-negative number`);
  }
  if (integer && !Number.isInteger(value))
    throw new InvalidFaultError(`${name} must be an integer`);
}

function checkString(fault: Record<string, unknown>, name: string): void {
  const value = fault[name];
  if (value !== undefined && typeof value !== 'string') {
    throw new InvalidFaultError(`${name} must be a string`);
  }
}

/** Headers that decide how the body is framed: the emulator sets them itself. */
const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
  'te',
]);

/** Characters Node accepts in a header value: tab, visible ASCII and space, and Latin-1 (no CR, LF, NUL). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Rejects a value bound for a response header that Node would refuse to send (or that would split it). */
function checkHeaderValue(name: string, value: unknown): void {
  if (typeof value === 'string' && !HEADER_VALUE.test(value)) {
    throw new InvalidFaultError(
      `${name} must be a single-line header value: no line breaks or control characters, Latin-1 only`,
    );
  }
}

/** Validates an unknown value (parsed JSON, or a caller's object) as an {@link EmulatorFault}. */
export function parseFault(value: unknown): EmulatorFault {
  if (!isRecord(value)) throw new InvalidFaultError('a fault must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) throw new InvalidFaultError(`unknown field "${key}"`);
  }
  const { status, body, reset, match, headers, streamError, nonJson200, retryAfter, retryAfterMs } =
    value;
  if (status !== undefined) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      throw new InvalidFaultError('status must be an integer HTTP status (100-599)');
    }
  }
  for (const name of ['message', 'type', 'code', 'contentType']) checkString(value, name);
  for (const name of ['firstByteDelayMs', 'chunkDelayMs']) checkNonNegative(value, name);
  for (const name of ['afterChunks', 'times']) checkNonNegative(value, name, true);
  if (value.times === 0) throw new InvalidFaultError('times must be at least 1');
  if (body !== undefined) {
    const ok =
      (typeof body === 'string' && BODY_KINDS.has(body)) ||
      (isRecord(body) && typeof body.raw === 'string');
    if (!ok) {
      throw new InvalidFaultError(
        'body must be one of json, html, text, empty, truncated-json, or { raw: string }',
      );
    }
  }
  if (reset !== undefined && reset !== 'before-headers' && reset !== 'mid-stream') {
    throw new InvalidFaultError('reset must be "before-headers" or "mid-stream"');
  }
  for (const [name, header] of [
    ['retryAfter', retryAfter],
    ['retryAfterMs', retryAfterMs],
  ] as const) {
    if (header !== undefined && typeof header !== 'string' && typeof header !== 'number') {
      throw new InvalidFaultError(`${name} must be a string or a number`);
    }
    checkHeaderValue(name, header);
  }
  checkHeaderValue('contentType', value.contentType);
  if (match !== undefined) {
    if (!isRecord(match)) throw new InvalidFaultError('match must be an object');
    for (const key of Object.keys(match)) {
      if (key !== 'model' && key !== 'path') {
        throw new InvalidFaultError(`unknown match field "${key}"`);
      }
      if (typeof match[key] !== 'string')
        throw new InvalidFaultError(`match.${key} must be a string`);
    }
  }
  if (headers !== undefined) {
    if (!isRecord(headers)) throw new InvalidFaultError('headers must be an object of strings');
    for (const [name, headerValue] of Object.entries(headers)) {
      if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name)) {
        throw new InvalidFaultError(`header name "${name}" is not a valid token`);
      }
      if (FRAMING_HEADERS.has(name.toLowerCase())) {
        throw new InvalidFaultError(
          `header "${name}" frames the message and cannot be set; use body, reset or stall faults`,
        );
      }
      if (typeof headerValue !== 'string') {
        throw new InvalidFaultError(`header "${name}" must be a single-line string`);
      }
      checkHeaderValue(`header "${name}"`, headerValue);
    }
  }
  if (streamError !== undefined && typeof streamError !== 'boolean') {
    if (!isRecord(streamError))
      throw new InvalidFaultError('streamError must be a boolean or object');
    for (const name of ['message', 'type', 'code']) checkString(streamError, name);
  }
  if (
    nonJson200 !== undefined &&
    typeof nonJson200 !== 'boolean' &&
    typeof nonJson200 !== 'string'
  ) {
    throw new InvalidFaultError('nonJson200 must be a boolean or a string');
  }
  return structuredClone(value) as EmulatorFault;
}

/** Validates a list of faults (or a single fault) given over HTTP or by a caller. */
export function parseFaults(value: unknown): EmulatorFault[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((fault, index) => {
    try {
      return parseFault(fault);
    } catch (error) {
      if (InvalidFaultError.isInstance(error) && list.length > 1) {
        throw new InvalidFaultError(
          `[${index}] ${error.message.replace('Invalid emulator fault: ', '')}`,
        );
      }
      throw error;
    }
  });
}

/** The request facts a queued fault is matched against. */
export interface FaultTarget {
  path: string;
  model?: string;
}

interface QueuedFault {
  fault: EmulatorFault;
  remaining: number;
}

/** FIFO queue of faults; each request takes the first fault that matches it. */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  /** Number of queued faults (each counted once, whatever its `times`). */
  get size(): number {
    return this.queue.length;
  }

  /** Appends faults (validated) to the queue. */
  enqueue(faults: readonly EmulatorFault[]): void {
    for (const fault of parseFaults(faults)) {
      this.queue.push({ fault, remaining: fault.times ?? 1 });
    }
  }

  /** Drops every queued fault. */
  clear(): void {
    this.queue.length = 0;
  }

  /** The faults still queued, with their remaining counts. */
  pending(): Array<EmulatorFault & { remaining: number }> {
    return this.queue.map(entry => ({
      ...structuredClone(entry.fault),
      remaining: entry.remaining,
    }));
  }

  /** Takes the first fault matching `target`, consuming one of its `times`. */
  take(target: FaultTarget): EmulatorFault | undefined {
    const index = this.queue.findIndex(entry => matches(entry.fault.match, target));
    if (index < 0) return undefined;
    const entry = this.queue[index] as QueuedFault;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    const { match: _match, times: _times, ...fault } = entry.fault;
    return fault;
  }
}

function matches(match: FaultMatch | undefined, target: FaultTarget): boolean {
  if (!match) return true;
  if (
    match.path !== undefined &&
    match.path !== target.path &&
    `/v1${match.path}` !== target.path
  ) {
    return false;
  }
  if (match.model !== undefined && match.model !== target.model) return false;
  return true;
}

/** True when the fault answers with an error status (>= 300) instead of a normal response. */
export function isErrorFault(fault: EmulatorFault): boolean {
  return fault.status !== undefined && fault.status >= 300;
}
