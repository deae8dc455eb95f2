import { InvalidArgumentError } from '@ai-sdk/provider';

/**
 * The one checker of user options: each function returns the value when it is valid (or `undefined`
 * when it is absent and optional) and throws an `InvalidArgumentError` naming the option otherwise.
 * Messages never echo a string value (it could be a key): only its type.
 */
function fail(argument: string, expected: string, value: unknown): never {
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be ${expected}, got ${describeValue(value)}`,
  });
}

/** A short, secret-free description of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return `a ${typeof value}`;
}

/** `value` when `isValid(value)`; otherwise throws, saying the option must be `expected`. */
export function checkValue<T>(
  argument: string,
  value: unknown,
  isValid: (value: unknown) => boolean,
  expected: string,
): T {
  if (!isValid(value)) fail(argument, expected, value);
  return value as T;
}

/** A finite number `>= min` (default 0); `integer` requires a whole number. */
export function checkNumber(
  argument: string,
  value: unknown,
  { min = 0, integer = false, exclusiveMin = false } = {},
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (exclusiveMin ? value <= min : value < min) ||
    (integer && !Number.isInteger(value))
  ) {
    const bound = exclusiveMin ? `> ${min}` : `>= ${min}`;
    fail(argument, integer ? `an integer ${bound}` : `a finite number ${bound}`, value);
  }
  return value;
}

/** Like {@link checkNumber}, but `undefined` passes through. */
export function checkOptionalNumber(
  argument: string,
  value: unknown,
  constraints?: Parameters<typeof checkNumber>[2],
): number | undefined {
  return value === undefined ? undefined : checkNumber(argument, value, constraints);
}

/** A function, or `undefined`. */
export function checkOptionalFunction<F extends (...args: never[]) => unknown>(
  argument: string,
  value: unknown,
): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(argument, 'a function', value);
  return value as F;
}

/** A boolean, or `undefined`. */
export function checkOptionalBoolean(argument: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(argument, 'true or false', value);
  return value;
}

/** A non-empty string after trimming (returned trimmed), or `undefined`. */
export function checkOptionalString(argument: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(argument, 'a non-empty string', value);
  return value.trim();
}

/** One of `allowed`, or `undefined`. */
export function checkOptionalEnum<T extends string>(
  argument: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    fail(argument, `one of ${allowed.map(a => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** A plain object (not an array, not null), or `undefined`. */
export function checkOptionalObject<T extends object>(
  argument: string,
  value: unknown,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(argument, 'an object', value);
  }
  return value as T;
}

/** An object that has every method in `methods`, or `undefined`. */
export function checkOptionalImplementation<T extends object>(
  argument: string,
  value: unknown,
  methods: readonly string[],
): T | undefined {
  if (value === undefined) return undefined;
  const missing =
    typeof value === 'object' && value !== null
      ? methods.filter(m => typeof (value as Record<string, unknown>)[m] !== 'function')
      : methods;
  if (missing.length > 0) {
    fail(argument, `an object with ${methods.join(', ')} (missing ${missing.join(', ')})`, value);
  }
  return value as T;
}

/** An array whose every item passes `checkItem` (called with `argument[i]`), or `undefined`. */
export function checkOptionalArray<T>(
  argument: string,
  value: unknown,
  checkItem: (argument: string, item: unknown) => T,
): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(argument, 'an array', value);
  return value.map((item, i) => checkItem(`${argument}[${i}]`, item));
}
