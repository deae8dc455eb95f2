import { type Random, randomHex, randomInt, randomWords } from './deterministic';
import { MAX_SCHEMA_STRING, type SchemaBudget } from './schema-budget';

/** What scalar generation draws on: randomness, prompt hints (consumed in order), the budget. */
export interface ScalarSource {
  random: Random;
  numbers: number[];
  phrases: string[];
  budget: SchemaBudget;
}

/** A number satisfying `minimum`/`maximum` (inclusive or exclusive) and `multipleOf`; prompt numbers first. */
export function numberValue(
  schema: Record<string, unknown>,
  source: ScalarSource,
  integer: boolean,
): number {
  const num = (key: string) =>
    typeof schema[key] === 'number' ? (schema[key] as number) : undefined;
  const step = integer ? 1 : 0.5;
  const lowerExclusive = num('exclusiveMinimum');
  const upperExclusive = num('exclusiveMaximum');
  let min = num('minimum') ?? (lowerExclusive !== undefined ? lowerExclusive + step : undefined);
  let max = num('maximum') ?? (upperExclusive !== undefined ? upperExclusive - step : undefined);
  if (integer) {
    if (min !== undefined) min = Math.ceil(min);
    if (max !== undefined) max = Math.floor(max);
  }
  const multipleOf = num('multipleOf');
  const fits = (n: number) =>
    (!integer || Number.isInteger(n)) &&
    (min === undefined || n >= min) &&
    (max === undefined || n <= max) &&
    (multipleOf === undefined || isMultiple(n, multipleOf));
  const index = source.numbers.findIndex(fits);
  if (index >= 0) return source.numbers.splice(index, 1)[0] as number;
  const low = min ?? (max !== undefined ? max - 99 : 1);
  const high = max ?? low + 99;
  if (multipleOf !== undefined && multipleOf > 0) {
    const first = Math.ceil(low / multipleOf) * multipleOf;
    return first <= high ? first : Math.floor(high / multipleOf) * multipleOf;
  }
  const lo = Math.ceil(low);
  const hi = Math.floor(high);
  if (lo <= hi) return randomInt(source.random, lo, hi);
  return integer ? lo : (low + high) / 2;
}

function isMultiple(n: number, m: number): boolean {
  if (m <= 0) return true;
  const q = n / m;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

const FORMATS: Record<string, (random: Random) => string> = {
  'date-time': () => '2026-01-15T09:30:00Z',
  date: () => '2026-01-15',
  time: () => '09:30:00Z',
  email: () => 'user@example.com',
  uri: () => 'https://example.com/resource',
  url: () => 'https://example.com/resource',
  uuid: random =>
    `${randomHex(random, 8)}-${randomHex(random, 4)}-4${randomHex(random, 3)}-a${randomHex(random, 3)}-${randomHex(random, 12)}`,
  hostname: () => 'example.com',
  ipv4: () => '192.0.2.1',
  ipv6: () => '2001:db8::1',
};

/**
 * A string satisfying `minLength`/`maxLength` and common `format`s: a prompt phrase when one fits,
 * else words (prefixed by the property name for names, titles and labels).
 */
export function stringValue(
  schema: Record<string, unknown>,
  source: ScalarSource,
  name: string | undefined,
): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength =
    typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  source.budget.checkSize('minLength', minLength, MAX_SCHEMA_STRING);
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let value: string;
  if (format) {
    value = format(source.random);
  } else {
    const phraseIndex = source.phrases.findIndex(
      p => p.length >= minLength && p.length <= maxLength,
    );
    value =
      phraseIndex >= 0
        ? (source.phrases.splice(phraseIndex, 1)[0] as string)
        : randomWords(source.random, 2).join(' ');
    if (phraseIndex < 0 && name && /name|title|label/i.test(name)) {
      value = `${name} ${randomWords(source.random, 1)[0]}`;
    }
  }
  source.budget.spend(Math.max(value.length, minLength));
  while (value.length < minLength) value += ` ${randomWords(source.random, 1)[0]}`;
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}
