import { createRandom, pick, type Random } from './deterministic';
import { fieldBoolean, keywordsOf } from './field-values';
import { isRecord } from './is-record';
import { MAX_SCHEMA_ITEMS, MAX_SCHEMA_PROPERTIES, SchemaBudget } from './schema-budget';
import { numberValue, type ScalarSource, stringValue } from './schema-scalars';

export { type PromptHints, promptHints } from './prompt-hints';

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
  /** Phrases found in the prompt (quoted strings, proper nouns), used in order for names and places. */
  phrases?: string[];
  /** The prompt's topic without its instructions: titles, summaries, tags and package names draw on it. */
  topic?: string;
}

interface State extends ScalarSource {
  root: JsonSchema;
}

const MAX_DEPTH = 8;

/**
 * Generates a deterministic value that satisfies `schema`: types, `enum`/`const`, `required` and
 * optional properties, nested objects and arrays, `anyOf`/`oneOf`/`allOf`, local `$ref`s, string
 * formats, numeric bounds and length bounds. Numbers and phrases from the prompt are used first;
 * then values that fit each property's name (`affectedPackages`, `summary`, `count`, `enabled`).
 * Sizes are bounded: a schema asking for more (e.g. `minItems: 1e8`) throws a `SchemaTooLargeError`.
 */
export function schemaValue(schema: JsonSchema, context: SchemaValueContext): unknown {
  const state: State = {
    random: context.random ?? createRandom(context.seed ?? 0),
    numbers: [...(context.numbers ?? [])],
    phrases: [...(context.phrases ?? [])],
    topic: context.topic,
    keywords: keywordsOf(context.topic),
    made: new Map(),
    budget: new SchemaBudget(),
    root: schema,
  };
  return valueFor(schema, state, 0, undefined);
}

/** A copy of a literal from the schema (`const`, `enum`, `examples`), charged by its size. */
function literal(value: unknown, state: State): unknown {
  state.budget.spend(JSON.stringify(value)?.length ?? 0);
  return structuredClone(value);
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
  if (schema === false || !isRecord(schema)) return nothing(state);
  if (typeof schema.$ref === 'string') {
    const target = depth >= MAX_DEPTH ? undefined : resolveRef(schema.$ref, state.root);
    if (target === undefined) return nothing(state);
    return valueFor(target, state, depth + 1, name);
  }
  if ('const' in schema) return literal(schema.const, state);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return literal(pick(state.random, schema.enum), state);
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) {
    return literal(schema.examples[0], state);
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
      if (depth < MAX_DEPTH) return objectValue(schema, state, depth);
      state.budget.spend();
      return {};
    case 'array':
      if (depth < MAX_DEPTH) return arrayValue(schema, state, depth, name);
      state.budget.spend();
      return [];
    case 'integer':
      state.budget.spend();
      return numberValue(schema, state, true, name);
    case 'number':
      state.budget.spend();
      return numberValue(schema, state, false, name);
    case 'boolean':
      state.budget.spend();
      return fieldBoolean(name, state.random);
    case 'null':
      state.budget.spend();
      return null;
    default:
      return stringValue(schema, state, name);
  }
}

/** The `null` of a schema that admits nothing (or a `$ref` too deep), counted like any value. */
function nothing(state: State): null {
  state.budget.spend();
  return null;
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
  const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  state.budget.checkSize('minProperties', minProperties, MAX_SCHEMA_PROPERTIES);
  state.budget.spend();
  const out: Record<string, unknown> = {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const names = [...new Set([...Object.keys(properties), ...required])];
  for (const propName of names) {
    const propSchema = (properties[propName] ?? {}) as JsonSchema;
    state.budget.spend(propName.length);
    out[propName] = valueFor(propSchema, state, depth + 1, propName);
  }
  const extra = isRecord(schema.additionalProperties) ? schema.additionalProperties : {};
  for (let i = names.length; i < minProperties; i++) {
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
  state.budget.checkSize('minItems', minItems, MAX_SCHEMA_ITEMS);
  state.budget.spend();
  const count = Math.min(
    Math.max(minItems, Math.min(prefix.length, MAX_SCHEMA_ITEMS), 2),
    maxItems,
  );
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
