import type { EmulatorFault } from './fault-types';
import { isRecord } from './is-record';
import { isErrorStyle } from './one-api-envelope';

export type { EmulatorFault, FaultBody, FaultMatch } from './fault-types';

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
  'errorStyle',
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
  'stall',
  'dripMs',
  'chunkSize',
  'fraction',
  'seed',
]);

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

function checkFraction(fault: Record<string, unknown>): void {
  const { fraction, seed } = fault;
  if (
    fraction !== undefined &&
    (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1))
  ) {
    throw new InvalidFaultError('fraction must be a number from 0 to 1');
  }
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw new InvalidFaultError('seed must be an integer');
  }
  if (seed !== undefined && fraction === undefined) {
    throw new InvalidFaultError('seed needs a fraction');
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
  if (value.errorStyle !== undefined && !isErrorStyle(value.errorStyle)) {
    throw new InvalidFaultError('errorStyle must be "alaya" or "one-api"');
  }
  for (const name of ['firstByteDelayMs', 'chunkDelayMs', 'dripMs']) checkNonNegative(value, name);
  for (const name of ['afterChunks', 'times', 'chunkSize']) checkNonNegative(value, name, true);
  if (value.times === 0) throw new InvalidFaultError('times must be at least 1');
  if (value.chunkSize === 0) throw new InvalidFaultError('chunkSize must be at least 1');
  checkFraction(value);
  if (
    value.stall !== undefined &&
    value.stall !== 'after-headers' &&
    value.stall !== 'mid-stream'
  ) {
    throw new InvalidFaultError('stall must be "after-headers" or "mid-stream"');
  }
  if (value.stall !== undefined && reset !== undefined) {
    throw new InvalidFaultError('stall and reset cannot be combined');
  }
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

/** True when the fault answers with an error status (>= 300) instead of a normal response. */
export function isErrorFault(fault: EmulatorFault): boolean {
  return fault.status !== undefined && fault.status >= 300;
}
