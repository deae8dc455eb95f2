/**
 * Header parsing under arbitrary input: `parseRetryHeaders` (and the `Retry-After`/`retry-after-ms`/
 * `x-should-retry` readers under it) never throws, never returns a negative or non-finite wait, and
 * agrees with RFC 9110 on the forms a server may send. Pure properties: thousands of runs each.
 */
import {
  parseRetryAfter,
  parseRetryHeaders,
  parseShouldRetry,
} from '@alaya-code/ai-sdk-middleware/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz.js';

const RUNS = 3000;

const headerName = fc.oneof(
  fc.constantFrom('retry-after', 'Retry-After', 'RETRY-AFTER', 'retry-after-ms', 'Retry-After-Ms'),
  fc.constantFrom('x-should-retry', 'X-Should-Retry', 'x-request-id', 'content-type'),
  fc.string({ minLength: 1, maxLength: 20 }),
);
/** Numbers, dates, junk and unicode: what a broken proxy might put in a header. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('0', '-1', 'abc', '1e9', '1E3', 'Infinity', 'NaN', '', ' ', '1.5', '+3', '0x10'),
  fc.date({ noInvalidDate: true }).map(date => date.toUTCString()),
  fc.constantFrom('true', 'false', 'TRUE', ' False ', 'yes', '1'),
);
const headerRecord = fc.dictionary(headerName, headerValue, { maxKeys: 6 });
const now = fc.integer({ min: 0, max: 4_102_444_800_000 });

/** Changes the case of every letter at random. */
const randomCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map(flags => [...name].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

/** Header values the fetch `Headers` class accepts (it rejects CR, LF, NUL and non-Latin-1). */
const fetchSafeValue = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)),
    maxLength: 30,
  })
  .map(value => value.trim());

describe('retry header parsing, arbitrary input', { retry: 0 }, () => {
  it('never throws; a wait is finite and non-negative; shouldRetry is a boolean or absent', async () => {
    await checkProperty(
      'parseRetryHeaders total',
      fc.property(headerRecord, now, (headers, at) => {
        const parsed = parseRetryHeaders(headers, at);
        if (parsed.retryAfterMs !== undefined) {
          expect(Number.isFinite(parsed.retryAfterMs)).toBe(true);
          expect(parsed.retryAfterMs).toBeGreaterThanOrEqual(0);
        }
        expect([undefined, true, false]).toContain(parsed.shouldRetry);
        expect(
          Object.keys(parsed).every(key => key === 'retryAfterMs' || key === 'shouldRetry'),
        ).toBe(true);
      }),
      RUNS,
    );
  });

  it('a fetch Headers object and the same record parse alike, whatever the name casing', async () => {
    const entries = fc.dictionary(
      fc.constantFrom('retry-after', 'retry-after-ms', 'x-should-retry', 'x-other'),
      fetchSafeValue,
      { maxKeys: 4 },
    );
    await checkProperty(
      'Headers vs record vs random case',
      fc.property(
        entries.chain(record =>
          fc.tuple(
            fc.constant(record),
            fc
              .tuple(...Object.keys(record).map(randomCase))
              .map(names =>
                Object.fromEntries(names.map((name, i) => [name, Object.values(record)[i]])),
              ),
          ),
        ),
        now,
        ([record, recased], at) => {
          const expected = parseRetryHeaders(record, at);
          expect(parseRetryHeaders(new Headers(record), at)).toEqual(expected);
          expect(parseRetryHeaders(recased, at)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it('Retry-After delay-seconds (digits, optional whitespace) is that many seconds', async () => {
    await checkProperty(
      'Retry-After delay-seconds',
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.constantFrom('', ' ', '\t'),
        fc.constantFrom('', ' ', '\t'),
        (seconds, before, after) => {
          expect(parseRetryAfter({ 'retry-after': `${before}${seconds}${after}` })).toBe(
            seconds * 1000,
          );
        },
      ),
      RUNS,
    );
  });

  it('Retry-After HTTP-date is the time left until that date, never negative', async () => {
    await checkProperty(
      'Retry-After HTTP-date',
      fc.property(
        fc.date({ min: new Date('1995-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        now,
        (date, at) => {
          const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000;
          expect(parseRetryAfter({ 'Retry-After': date.toUTCString() }, at)).toBe(
            Math.max(0, wholeSeconds - at),
          );
        },
      ),
      RUNS,
    );
  });

  it('a valid retry-after-ms wins over Retry-After; junk in it falls back to Retry-After', async () => {
    await checkProperty(
      'retry-after-ms precedence',
      fc.property(
        fc.oneof(fc.nat({ max: 1e9 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
        fc.nat({ max: 100_000 }),
        fc.constantFrom('-5', 'abc', '', 'NaN', '1..2', '-0.5'),
        (ms, seconds, junk) => {
          const valid = { 'retry-after-ms': String(ms), 'retry-after': String(seconds) };
          expect(parseRetryAfter(valid)).toBe(Number(String(ms)));
          const broken = { 'retry-after-ms': junk, 'retry-after': String(seconds) };
          expect(parseRetryAfter(broken)).toBe(seconds * 1000);
        },
      ),
      RUNS,
    );
  });

  it('negative, signed, non-numeric and non-date Retry-After values are ignored', async () => {
    const junk = fc.oneof(
      fc.integer({ min: -1e9, max: -1 }).map(String),
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }).map(String),
      fc.stringMatching(/^[a-zA-Z ]{0,12}$/),
      fc.constantFrom('abc', '-1', 'NaN', 'Infinity', '-0.1', '0x10', 'soon'),
    );
    await checkProperty(
      'Retry-After junk ignored',
      fc.property(junk, now, (value, at) => {
        expect(parseRetryAfter({ 'retry-after': value }, at)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('x-should-retry is true/false in any case and padding, and absent for anything else', async () => {
    const truthy = fc
      .constantFrom('true', 'false')
      .chain(word => fc.tuple(fc.constant(word), randomCase(word), fc.constantFrom('', ' ', '  ')));
    await checkProperty(
      'x-should-retry',
      fc.property(truthy, fc.string({ maxLength: 12 }), ([word, cased, pad], other) => {
        expect(parseShouldRetry({ 'X-Should-Retry': `${pad}${cased}${pad}` })).toBe(
          word === 'true',
        );
        const expected =
          other.trim().toLowerCase() === 'true'
            ? true
            : other.trim().toLowerCase() === 'false'
              ? false
              : undefined;
        expect(parseShouldRetry({ 'x-should-retry': other })).toBe(expected);
      }),
      RUNS,
    );
  });
});
