import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getHeader } from './headers';
import { parseRetryAfter, parseRetryHeaders, parseShouldRetry } from './parse-retry-after';

const NOW = Date.UTC(2026, 10, 25, 0, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '12.5' }, 12.5],
    [{ 'retry-after-ms': '0' }, 0],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': '1' }, 1000],
    [{ 'retry-after-ms': '1e9' }, 1e9],
    [{ 'retry-after': '1000000000' }, 1e12],
    [{ 'Retry-After': '30' }, 30_000],
    [{ 'retry-after': ' 2 ' }, 2000],
    [{ 'retry-after': '1.5' }, 1500],
    [{ 'retry-after': '86400' }, 86_400_000],
    [{ 'retry-after-ms': '100', 'retry-after': '9' }, 100],
    [{ 'retry-after-ms': 'soon', 'retry-after': '3' }, 3000],
    [{ 'retry-after-ms': '-5', 'retry-after': '4' }, 4000],
  ])('%o -> %s ms', (headers, expected) => {
    expect(parseRetryAfter(headers, NOW)).toBe(expected);
  });

  it('HTTP date in the future and in the past', () => {
    const future = new Date(NOW + 7000).toUTCString();
    expect(parseRetryAfter({ 'retry-after': future }, NOW)).toBe(7000);
    const past = new Date(NOW - 60_000).toUTCString();
    expect(parseRetryAfter({ 'retry-after': past }, NOW)).toBe(0);
  });

  it.each([
    '',
    'soon',
    '-1',
    '1e9',
    '-0.5',
    '1e400',
    'NaN',
    'Infinity',
    '0x10',
    '1,5',
    'Wed, 99 Foo 2026',
    'Mon',
  ])('garbage %j is ignored', value => {
    expect(parseRetryAfter({ 'retry-after': value }, NOW)).toBeUndefined();
  });

  it('missing headers', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
  });

  it('reads a fetch Headers object', () => {
    expect(parseRetryAfter(new Headers({ 'Retry-After': '5' }), NOW)).toBe(5000);
    expect(getHeader(new Headers({ 'X-Request-Id': 'r' }), 'x-request-id')).toBe('r');
  });
});

describe('parseShouldRetry', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' false ', false],
    ['False', false],
    ['1', undefined],
    ['yes', undefined],
  ])('%j -> %s', (value, expected) => {
    expect(parseShouldRetry({ 'x-should-retry': value })).toBe(expected);
  });

  it('combined', () => {
    expect(parseRetryHeaders({ 'retry-after': '2', 'x-should-retry': 'true' }, NOW)).toEqual({
      retryAfterMs: 2000,
      shouldRetry: true,
    });
    expect(parseRetryHeaders({}, NOW)).toEqual({});
  });
});

describe('header parsing properties', () => {
  const headerValue = fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.double().map(String),
    fc.date({ noInvalidDate: true }).map(d => d.toUTCString()),
  );

  it('never throws; result is undefined or a finite number >= 0', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('retry-after', 'Retry-After', 'retry-after-ms', 'x-should-retry', 'x'),
          headerValue,
        ),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (headers, now) => {
          const ms = parseRetryAfter(headers, now);
          expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
          const should = parseShouldRetry(headers);
          expect(should === undefined || typeof should === 'boolean').toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('delta seconds round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), seconds => {
        expect(parseRetryAfter({ 'retry-after': String(seconds) }, NOW)).toBe(seconds * 1000);
      }),
    );
  });

  it('HTTP dates give the distance to now, never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), offsetSeconds => {
        const date = new Date(NOW + offsetSeconds * 1000).toUTCString();
        expect(parseRetryAfter({ 'retry-after': date }, NOW)).toBe(
          Math.max(0, offsetSeconds * 1000),
        );
      }),
    );
  });
});
