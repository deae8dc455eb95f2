import { type Random, randomHex, randomInt, randomWords } from './deterministic';
import { type FieldSource, fieldKind, fieldRange, fieldString, phraseFits } from './field-values';
import { MAX_SCHEMA_STRING, type SchemaBudget } from './schema-budget';

/** What scalar generation draws on: randomness, prompt hints (consumed in order), the budget. */
export interface ScalarSource extends FieldSource {
  random: Random;
  numbers: number[];
  phrases: string[];
  budget: SchemaBudget;
}

/**
 * A number satisfying `minimum`/`maximum` (inclusive or exclusive) and `multipleOf`: prompt numbers
 * first, then one in the range its name suggests (`count` 1 to 5) where that fits the bounds.
 */
export function numberValue(
  schema: Record<string, unknown>,
  source: ScalarSource,
  integer: boolean,
  name?: string,
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
  const named = fieldRange(name, integer);
  if (named && multipleOf === undefined) {
    const low = Math.max(min ?? named.min, named.min);
    const high = Math.min(max ?? named.max, named.max);
    if (low <= high && high < 1 && !integer) {
      return Math.round((low + source.random() * (high - low)) * 100) / 100;
    }
    if (Math.ceil(low) <= Math.floor(high)) {
      return randomInt(source.random, Math.ceil(low), Math.floor(high));
    }
  }
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
 * A string satisfying `minLength`/`maxLength` and common `format`s: what the property's name says it
 * holds (see `fieldString`), a prompt phrase for names and places, else words from the prompt's topic.
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
  const kind = fieldKind(name);
  const phraseIndex = format
    ? -1
    : source.phrases.findIndex(
        p => p.length >= minLength && p.length <= maxLength && phraseFits(kind, p),
      );
  let value: string;
  if (format) value = format(source.random);
  else if (phraseIndex >= 0) value = source.phrases.splice(phraseIndex, 1)[0] as string;
  else if (kind) value = fieldString(kind, source);
  else value = plainWords(source);
  source.budget.spend(Math.max(value.length, minLength));
  while (value.length < minLength) value += ` ${randomWords(source.random, 1)[0]}`;
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}

/** Two words for a string its name says nothing about: the topic's, else seeded ones. */
function plainWords(source: ScalarSource): string {
  const { keywords } = source;
  if (keywords.length === 0) return randomWords(source.random, 2).join(' ');
  const at = randomInt(source.random, 0, keywords.length - 1);
  return keywords.slice(at, at + 2).join(' ');
}
