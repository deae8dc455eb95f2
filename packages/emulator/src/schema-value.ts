import {
  createRandom,
  pick,
  type Random,
  randomHex,
  randomInt,
  randomWords,
} from './deterministic';

/** A JSON Schema (draft 7 / 2020-12 subset) as sent in `tools[].function.parameters` or `response_format`. */
export type JsonSchema = Record<string, unknown> | boolean;

/** Hints that make generated values plausible for a prompt. */
export interface SchemaValueContext {
  /** Seeded randomness (wins over `seed`): the same sequence gives the same value. */
  random?: Random;
  /** Seed for the randomness when `random` is not given. Default 0. */
  seed?: number;
  /** Numbers found in the prompt, used in order for numeric properties. */
  numbers?: number[];
  /** Phrases found in the prompt (quoted strings, proper nouns), used in order for string properties. */
  phrases?: string[];
}

interface State {
  random: Random;
  numbers: number[];
  phrases: string[];
  root: JsonSchema;
}

const MAX_DEPTH = 8;

/**
 * Generates a deterministic value that satisfies `schema`: types, `enum`/`const`, `required` and
 * optional properties, nested objects and arrays, `anyOf`/`oneOf`/`allOf`, local `$ref`s, string
 * formats, numeric bounds and length bounds. Numbers and phrases from the prompt are used first.
 */
export function schemaValue(schema: JsonSchema, context: SchemaValueContext): unknown {
  const state: State = {
    random: context.random ?? createRandom(context.seed ?? 0),
    numbers: [...(context.numbers ?? [])],
    phrases: [...(context.phrases ?? [])],
    root: schema,
  };
  return valueFor(schema, state, 0, undefined);
}

/** Extracts numbers (`42`, `-3.5`) and phrases (quoted strings, then capitalised words) from text. */
export function promptHints(text: string): { numbers: number[]; phrases: string[] } {
  const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map(m => Number(m[0]));
  const quotePattern = /["“]([^"”]{1,80})["”]/g;
  const quoted = [...text.matchAll(quotePattern)].map(m => m[1] as string);
  const unquoted = text.replace(quotePattern, ' , ');
  const capitalised = [
    ...unquoted.matchAll(/(?<=[^\s,]\s+)([A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+)*)/gu),
  ].map(m => m[1] as string);
  return { numbers, phrases: [...quoted, ...capitalised] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const parts = ref
    .slice(1)
    .split('/')
    .filter(part => part.length > 0)
    .map(part => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const part of parts) {
    if (!isRecord(node)) return undefined;
    node = node[part];
  }
  return isRecord(node) || typeof node === 'boolean' ? node : undefined;
}

function schemaType(schema: Record<string, unknown>): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const nonNull = type.find(t => t !== 'null');
    return typeof nonNull === 'string' ? nonNull : 'null';
  }
  if (isRecord(schema.properties) || schema.required !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  if (schema.minimum !== undefined || schema.maximum !== undefined) return 'number';
  if (
    schema.minLength !== undefined ||
    schema.pattern !== undefined ||
    schema.format !== undefined
  ) {
    return 'string';
  }
  return undefined;
}

function valueFor(
  schema: JsonSchema,
  state: State,
  depth: number,
  name: string | undefined,
): unknown {
  if (schema === true) return stringValue({}, state, name);
  if (schema === false || !isRecord(schema)) return null;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, state.root);
    if (target === undefined || depth >= MAX_DEPTH) return null;
    return valueFor(target, state, depth + 1, name);
  }
  if ('const' in schema) return structuredClone(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return structuredClone(pick(state.random, schema.enum));
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) {
    return structuredClone(schema.examples[0]);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged = mergeAllOf(schema, state.root);
    return valueFor(merged, state, depth + 1, name);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const preferred =
        options.find(option => !(isRecord(option) && option.type === 'null')) ?? options[0];
      return valueFor(preferred as JsonSchema, state, depth + 1, name);
    }
  }
  switch (schemaType(schema)) {
    case 'object':
      return depth >= MAX_DEPTH ? {} : objectValue(schema, state, depth);
    case 'array':
      return depth >= MAX_DEPTH ? [] : arrayValue(schema, state, depth, name);
    case 'integer':
      return numberValue(schema, state, true);
    case 'number':
      return numberValue(schema, state, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringValue(schema, state, name);
  }
}

function mergeAllOf(schema: Record<string, unknown>, root: JsonSchema): Record<string, unknown> {
  const { allOf, ...rest } = schema;
  const merged: Record<string, unknown> = { ...rest };
  const properties: Record<string, unknown> = isRecord(rest.properties)
    ? { ...rest.properties }
    : {};
  const required = new Set<string>(Array.isArray(rest.required) ? (rest.required as string[]) : []);
  for (let part of allOf as unknown[]) {
    if (isRecord(part) && typeof part.$ref === 'string') part = resolveRef(part.$ref, root);
    if (!isRecord(part)) continue;
    Object.assign(merged, part);
    if (isRecord(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) for (const r of part.required) required.add(String(r));
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function objectValue(schema: Record<string, unknown>, state: State, depth: number): object {
  const out: Record<string, unknown> = {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const names = [...new Set([...Object.keys(properties), ...required])];
  for (const propName of names) {
    const propSchema = (properties[propName] ?? {}) as JsonSchema;
    out[propName] = valueFor(propSchema, state, depth + 1, propName);
  }
  const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  for (let i = Object.keys(out).length; i < minProperties; i++) {
    const extra = isRecord(schema.additionalProperties) ? schema.additionalProperties : {};
    out[`key${i}`] = valueFor(extra, state, depth + 1, `key${i}`);
  }
  return out;
}

function arrayValue(
  schema: Record<string, unknown>,
  state: State,
  depth: number,
  name: string | undefined,
): unknown[] {
  const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as JsonSchema[]) : [];
  const items = (
    isRecord(schema.items) || typeof schema.items === 'boolean' ? schema.items : {}
  ) as JsonSchema;
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const count = Math.min(Math.max(minItems, prefix.length, 2), maxItems);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const itemSchema = prefix[i] ?? items;
    out.push(valueFor(itemSchema, state, depth + 1, name));
  }
  if (schema.uniqueItems === true) {
    const seen = new Set<string>();
    return out.filter(value => {
      const key = JSON.stringify(value);
      if (seen.has(key) && out.length > minItems) return false;
      seen.add(key);
      return true;
    });
  }
  return out;
}

function numberValue(schema: Record<string, unknown>, state: State, integer: boolean): number {
  const lowerInclusive = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const upperInclusive = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const lowerExclusive =
    typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const upperExclusive =
    typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  const step = integer ? 1 : 0.5;
  let min = lowerInclusive ?? (lowerExclusive !== undefined ? lowerExclusive + step : undefined);
  let max = upperInclusive ?? (upperExclusive !== undefined ? upperExclusive - step : undefined);
  if (integer) {
    if (min !== undefined) min = Math.ceil(min);
    if (max !== undefined) max = Math.floor(max);
  }
  const fits = (n: number) =>
    (!integer || Number.isInteger(n)) &&
    (min === undefined || n >= min) &&
    (max === undefined || n <= max) &&
    (typeof schema.multipleOf !== 'number' || isMultiple(n, schema.multipleOf));
  const index = state.numbers.findIndex(fits);
  if (index >= 0) return state.numbers.splice(index, 1)[0] as number;
  const low = min ?? (max !== undefined ? max - 99 : 1);
  const high = max ?? low + 99;
  const m = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : 0;
  if (m > 0) {
    const first = Math.ceil(low / m) * m;
    return first <= high ? first : Math.floor(high / m) * m;
  }
  const lo = Math.ceil(low);
  const hi = Math.floor(high);
  if (lo <= hi) return randomInt(state.random, lo, hi);
  return integer ? lo : (low + high) / 2;
}

function isMultiple(n: number, m: number): boolean {
  if (m <= 0) return true;
  const q = n / m;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

const FORMATS: Record<string, (state: State) => string> = {
  'date-time': () => '2026-01-15T09:30:00Z',
  date: () => '2026-01-15',
  time: () => '09:30:00Z',
  email: () => 'user@example.com',
  uri: () => 'https://example.com/resource',
  url: () => 'https://example.com/resource',
  uuid: state =>
    `${randomHex(state.random, 8)}-${randomHex(state.random, 4)}-4${randomHex(state.random, 3)}-a${randomHex(state.random, 3)}-${randomHex(state.random, 12)}`,
  hostname: () => 'example.com',
  ipv4: () => '192.0.2.1',
  ipv6: () => '2001:db8::1',
};

function stringValue(
  schema: Record<string, unknown>,
  state: State,
  name: string | undefined,
): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength =
    typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let value: string;
  if (format) {
    value = format(state);
  } else {
    const phraseIndex = state.phrases.findIndex(
      p => p.length >= minLength && p.length <= maxLength,
    );
    value =
      phraseIndex >= 0
        ? (state.phrases.splice(phraseIndex, 1)[0] as string)
        : randomWords(state.random, 2).join(' ');
    if (phraseIndex < 0 && name && /name|title|label/i.test(name)) {
      value = `${name} ${randomWords(state.random, 1)[0]}`;
    }
  }
  while (value.length < minLength) value += ` ${randomWords(state.random, 1)[0]}`;
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}
