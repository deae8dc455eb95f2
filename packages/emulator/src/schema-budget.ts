/** Most items the emulator generates for one array (`minItems` above it is refused). */
export const MAX_SCHEMA_ITEMS = 10_000;
/** Most properties the emulator generates for one object (`minProperties` above it is refused). */
export const MAX_SCHEMA_PROPERTIES = 10_000;
/** Longest string the emulator generates (`minLength` above it is refused). */
export const MAX_SCHEMA_STRING = 100_000;
/** Most values (objects, arrays, scalars) in one generated value. */
export const MAX_SCHEMA_NODES = 100_000;
/** Most string characters in one generated value. */
export const MAX_SCHEMA_CHARS = 1_000_000;

const schemaTooLargeMarker = Symbol.for('alaya-code.emulator.SchemaTooLargeError');

/**
 * Thrown by `schemaValue` when a schema asks for a value larger than the emulator generates (a huge
 * `minItems`, `minLength` or `minProperties`, or a value over the total budget). Over HTTP it becomes
 * a 400 with code `schema_too_large`, so a hostile schema costs one quick answer, not the process.
 */
export class SchemaTooLargeError extends RangeError {
  /** Brand checked by `isInstance`. */
  readonly [schemaTooLargeMarker] = true;
  /** The request field holding the schema, set by the emulator's request handler. */
  param?: string;

  constructor(detail: string) {
    super(`The JSON schema asks for a value too large for the emulator to generate: ${detail}`);
    this.name = 'SchemaTooLargeError';
  }

  /** True for any `SchemaTooLargeError`, even from another copy of this package. */
  static isInstance(error: unknown): error is SchemaTooLargeError {
    return typeof error === 'object' && error !== null && schemaTooLargeMarker in error;
  }
}

/** Counts what one generated value costs and refuses sizes over the limits, before allocating. */
export class SchemaBudget {
  private nodes = 0;
  private chars = 0;

  /** Checks a requested size (`minItems` and the like) against its cap. */
  checkSize(keyword: string, requested: number, cap: number): void {
    if (requested > cap) {
      throw new SchemaTooLargeError(`${keyword} ${requested} is over the limit of ${cap}`);
    }
  }

  /** Counts one generated value (`chars` string characters in it). */
  spend(chars = 0): void {
    this.nodes += 1;
    this.chars += chars;
    if (this.nodes > MAX_SCHEMA_NODES) {
      throw new SchemaTooLargeError(`more than ${MAX_SCHEMA_NODES} values in total`);
    }
    if (this.chars > MAX_SCHEMA_CHARS) {
      throw new SchemaTooLargeError(`more than ${MAX_SCHEMA_CHARS} string characters in total`);
    }
  }
}
