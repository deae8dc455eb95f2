/** How streamed (and, for delays, JSON) chat answers are shaped. */
export interface StreamOptions {
  /** Characters per content/reasoning/tool-argument delta. Default 16. */
  chunkSize?: number;
  /** Exact number of content deltas; the answer is made long enough. Overrides `chunkSize` for content. */
  chunks?: number;
  /** Delay between SSE events in ms. Default 0. */
  chunkDelayMs?: number;
  /** Delay before the response head of a chat completion in ms. Default 0. */
  firstByteDelayMs?: number;
}

/** The request header that shapes one chat completion, e.g. `{"chunks":10000,"chunkDelayMs":0}`. */
export const STREAM_HEADER = 'x-alaya-emulator-stream';

/** Upper bound for `chunks`, so a typo cannot ask for an endless stream. */
export const MAX_CHUNKS = 1_000_000;

const invalidStreamOptionsMarker = Symbol.for('alaya-code.emulator.InvalidStreamOptionsError');

/** Thrown for invalid {@link StreamOptions}. */
export class InvalidStreamOptionsError extends TypeError {
  /** Brand checked by `isInstance`. */
  readonly [invalidStreamOptionsMarker] = true;

  constructor(message: string) {
    super(`Invalid stream options: ${message}`);
    this.name = 'InvalidStreamOptionsError';
  }

  /** True for any `InvalidStreamOptionsError`, even from another copy of this package. */
  static isInstance(error: unknown): error is InvalidStreamOptionsError {
    return typeof error === 'object' && error !== null && invalidStreamOptionsMarker in error;
  }
}

/** Validates stream options from the constructor or the {@link STREAM_HEADER} header. */
export function parseStreamOptions(value: unknown): StreamOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidStreamOptionsError('expected a JSON object');
  }
  const record = value as Record<string, unknown>;
  const out: StreamOptions = {};
  for (const [key, raw] of Object.entries(record)) {
    if (raw === undefined) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
      throw new InvalidStreamOptionsError(`${key} must be a non-negative number`);
    }
    switch (key) {
      case 'chunkSize':
      case 'chunks':
        if (!Number.isInteger(raw) || raw < 1) {
          throw new InvalidStreamOptionsError(`${key} must be a positive integer`);
        }
        if (key === 'chunks' && raw > MAX_CHUNKS) {
          throw new InvalidStreamOptionsError(`chunks must be at most ${MAX_CHUNKS}`);
        }
        out[key] = raw;
        break;
      case 'chunkDelayMs':
      case 'firstByteDelayMs':
        out[key] = raw;
        break;
      default:
        throw new InvalidStreamOptionsError(`unknown field "${key}"`);
    }
  }
  return out;
}
