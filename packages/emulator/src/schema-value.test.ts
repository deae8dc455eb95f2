import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from './deterministic';
import { MAX_SCHEMA_NODES, SchemaTooLargeError } from './schema-budget';
import { promptHints, schemaValue } from './schema-value';

const random = () => createRandom(42);

describe('schemaValue', () => {
  it('fills required and optional properties of nested objects and arrays', () => {
    const value = schemaValue(
      {
        type: 'object',
        properties: {
          name: { type: 'string' },
          age: { type: 'integer', minimum: 18, maximum: 30 },
          score: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
          active: { type: 'boolean' },
          tags: {
            type: 'array',
            items: { type: 'string', minLength: 3, maxLength: 5 },
            minItems: 3,
          },
          address: {
            type: 'object',
            properties: { street: { type: 'string' }, zip: { type: ['string', 'null'] } },
            required: ['street'],
          },
          nothing: { type: 'null' },
        },
        required: ['name', 'age'],
      },
      { random: random() },
    ) as Record<string, any>;
    expect(Object.keys(value).sort()).toEqual([
      'active',
      'address',
      'age',
      'name',
      'nothing',
      'score',
      'tags',
    ]);
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    expect(value.age).toBeGreaterThanOrEqual(18);
    expect(value.age).toBeLessThanOrEqual(30);
    expect(value.score).toBeGreaterThan(0);
    expect(value.score).toBeLessThan(1);
    expect(value.active).toBe(true);
    expect(value.tags).toHaveLength(3);
    for (const tag of value.tags) {
      expect(tag.length).toBeGreaterThanOrEqual(3);
      expect(tag.length).toBeLessThanOrEqual(5);
    }
    expect(typeof value.address.street).toBe('string');
    expect(typeof value.address.zip).toBe('string');
    expect(value.nothing).toBeNull();
  });

  it('respects enum, const, formats, anyOf, allOf and local refs', () => {
    const value = schemaValue(
      {
        type: 'object',
        properties: {
          unit: { enum: ['c', 'f'] },
          kind: { const: 'fixed' },
          when: { type: 'string', format: 'date-time' },
          email: { type: 'string', format: 'email' },
          id: { type: 'string', format: 'uuid' },
          either: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 5, maximum: 5 }] },
          merged: {
            allOf: [
              { $ref: '#/$defs/a' },
              { properties: { b: { type: 'number' } }, required: ['b'] },
            ],
          },
          node: { $ref: '#/$defs/node' },
        },
        $defs: {
          a: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } },
        },
      },
      { random: random() },
    ) as Record<string, any>;
    expect(['c', 'f']).toContain(value.unit);
    expect(value.kind).toBe('fixed');
    expect(Number.isNaN(Date.parse(value.when))).toBe(false);
    expect(value.email).toMatch(/^[^@]+@[^@]+$/);
    expect(value.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(value.either).toBe(5);
    expect(typeof value.merged.a).toBe('string');
    expect(typeof value.merged.b).toBe('number');
    let depth = 0;
    for (let node = value.node; node && typeof node === 'object'; node = node.child) depth++;
    expect(depth).toBeGreaterThan(1);
    expect(depth).toBeLessThan(20);
  });

  it('uses numbers and phrases from the prompt, in order, when they fit', () => {
    const hints = promptHints('Book a table at "Chez Marie" in Lyon for 4 people at 19.5 and -3');
    expect(hints.numbers).toEqual([4, 19.5, -3]);
    expect(hints.phrases).toEqual(['Chez Marie', 'Lyon']);
    const value = schemaValue(
      {
        type: 'object',
        properties: {
          restaurant: { type: 'string' },
          city: { type: 'string' },
          people: { type: 'integer', minimum: 1 },
          time: { type: 'number' },
        },
      },
      { random: random(), ...hints },
    );
    expect(value).toEqual({ restaurant: 'Chez Marie', city: 'Lyon', people: 4, time: 19.5 });
  });

  it("fills each property with what its name says it holds, on the prompt's topic", () => {
    const hints = promptHints(
      'Write a release note: the retry middleware now honours Retry-After.',
    );
    expect(hints.topic).toBe('the retry middleware now honours Retry-After');
    const list = { type: 'array', items: { type: 'string' }, minItems: 3, uniqueItems: true };
    const value = schemaValue(
      {
        type: 'object',
        properties: {
          title: { type: 'string' },
          summary: { type: 'string' },
          affectedPackages: list,
          changedFiles: list,
          tags: list,
          author: { type: 'string' },
          createdAt: { type: 'string' },
          version: { type: 'string' },
          issueCount: { type: 'integer' },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          enabled: { type: 'boolean' },
          breaking: { type: 'boolean' },
        },
      },
      { random: random(), ...hints },
    ) as Record<string, any>;
    expect(value.title).toBe('The retry middleware now honours Retry-After');
    expect(value.summary).toBe('The retry middleware now honours Retry-After.');
    expect(value.affectedPackages).toHaveLength(3);
    for (const name of value.affectedPackages) expect(name).toMatch(/^retry-[a-z]+$/);
    expect(value.changedFiles).toHaveLength(3);
    for (const file of value.changedFiles) expect(file).toMatch(/^src\/retry(?:-[a-z]+)?\.ts$/);
    expect(value.tags).toEqual(['retry', 'middleware', 'honours']);
    expect(value.author).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(Number.isNaN(Date.parse(value.createdAt))).toBe(false);
    expect(value.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(value.issueCount).toBeGreaterThanOrEqual(1);
    expect(value.issueCount).toBeLessThanOrEqual(5);
    expect(value.confidence).toBeGreaterThan(0);
    expect(value.confidence).toBeLessThan(1);
    expect(value.enabled).toBe(true);
    expect(value.breaking).toBe(false);
  });

  it("keeps the schema's bounds over what a name suggests", () => {
    const value = schemaValue(
      {
        type: 'object',
        properties: {
          count: { type: 'integer', minimum: 10, maximum: 12 },
          title: { type: 'string', maxLength: 8 },
          packages: { type: 'array', items: { type: 'string', minLength: 30 }, maxItems: 1 },
        },
      },
      { random: random(), topic: 'the retry middleware now honours Retry-After' },
    ) as Record<string, any>;
    expect(value.count).toBeGreaterThanOrEqual(10);
    expect(value.count).toBeLessThanOrEqual(12);
    expect(value.title).toBe('The retr');
    expect(value.packages).toHaveLength(1);
    expect(value.packages[0].length).toBeGreaterThanOrEqual(30);
  });

  it('is deterministic for a seed', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'integer' } },
    };
    expect(schemaValue(schema, { seed: 7 })).toEqual(schemaValue(schema, { seed: 7 }));
  });

  it('satisfies numeric bounds for any integer range (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.nat(500),
        fc.integer(),
        (min, span, seed) => {
          const value = schemaValue(
            { type: 'integer', minimum: min, maximum: min + span },
            { seed },
          ) as number;
          return Number.isInteger(value) && value >= min && value <= min + span;
        },
      ),
    );
  });

  it('satisfies fractional, exclusive and one-sided number bounds (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0.001, max: 1e3, noNaN: true }),
        fc.constantFrom('both', 'exclusive', 'min-only', 'max-only'),
        fc.integer(),
        (low, span, mode, seed) => {
          const schema: Record<string, unknown> = { type: 'number' };
          if (mode === 'both' || mode === 'min-only') schema.minimum = low;
          if (mode === 'both' || mode === 'max-only') schema.maximum = low + span;
          if (mode === 'exclusive') {
            schema.exclusiveMinimum = low;
            schema.exclusiveMaximum = low + span + 2;
          }
          const value = schemaValue(schema, { seed }) as number;
          if (!Number.isFinite(value)) return false;
          if (schema.minimum !== undefined && value < low) return false;
          if (schema.maximum !== undefined && value > low + span) return false;
          if (mode === 'exclusive' && (value <= low || value >= low + span + 2)) return false;
          return true;
        },
      ),
    );
  });

  it('honours multipleOf', () => {
    expect(
      schemaValue({ type: 'integer', minimum: 7, maximum: 20, multipleOf: 5 }, { seed: 1 }),
    ).toBe(10);
    expect(
      schemaValue({ type: 'number', minimum: 0.1, maximum: 0.3, multipleOf: 0.25 }, { seed: 1 }),
    ).toBe(0.25);
  });

  it('counts every value against the budget, the nulls of false schemas and of refs too deep included', () => {
    // 2,000 arrays of 2,000 nulls each: 4 million values, 40 times the budget. Uncounted, a fuzzed
    // schema nesting this through `$ref: '#'` filled a 4 GB heap.
    const falseItems = {
      type: 'array',
      minItems: 2_000,
      items: { type: 'array', minItems: 2_000, items: false },
    };
    const tooDeep = { type: 'array', minItems: 2_000, items: { $ref: '#' } };
    for (const schema of [falseItems, tooDeep]) {
      const thrown = (() => {
        try {
          schemaValue(schema, { seed: 1 });
        } catch (error) {
          return error;
        }
      })();
      expect(SchemaTooLargeError.isInstance(thrown)).toBe(true);
      expect((thrown as Error).message).toContain(`more than ${MAX_SCHEMA_NODES} values`);
    }
  });

  it('satisfies string length bounds and array sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(20),
        fc.nat(20),
        fc.nat(5),
        fc.integer(),
        (minLength, extra, minItems, seed) => {
          const value = schemaValue(
            {
              type: 'array',
              minItems,
              maxItems: minItems + 2,
              items: { type: 'string', minLength, maxLength: minLength + extra },
            },
            { seed },
          ) as string[];
          return (
            value.length >= minItems &&
            value.length <= minItems + 2 &&
            value.every(s => s.length >= minLength && s.length <= minLength + extra)
          );
        },
      ),
    );
  });
});
