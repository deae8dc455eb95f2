/**
 * `toAlayaError` on what a hostile or broken server can send: 10 MB bodies built to make regular
 * expressions backtrack (unclosed `<` and `<!--`, repeated prefixes of every credential shape, deep
 * nesting, huge JSON), hostile URLs and header names. Each case has a generous time bound: it
 * guards against quadratic work (a hang), not speed; speed is the bench's job. And whatever the
 * input, a planted key never comes back.
 */
import { APICallError } from '@ai-sdk/provider';
import {
  AlayaError,
  BadGatewayError,
  redactString,
  toAlayaError,
} from '@alaya-code/ai-sdk-middleware/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz.js';
import { findKeyLeaks, plantedKey } from '../support/leaks.js';

const MB = 1024 * 1024;
/** Against hangs only: the quadratic versions of these took minutes to hours at this size. */
const BOUND_MS = 1000;

const repeat = (unit: string, size = 10 * MB) => unit.repeat(Math.ceil(size / unit.length));

/** Bodies that made the old excerpt and redaction regexes quadratic, and their relatives. */
const HOSTILE_BODIES: ReadonlyArray<readonly [string, () => string]> = [
  ['"<" x N', () => repeat('<')],
  ['unclosed "<!--" then text', () => `<!--${repeat('a')}`],
  ['"<!--" x N', () => repeat('<!--')],
  ['"a‹" x N', () => repeat('a‹')],
  ['"<a" x N (unclosed tags)', () => repeat('<a')],
  ['"<script" x N', () => repeat('<script')],
  ['unclosed <script> block', () => `<html><script>${repeat('x')}`],
  ['"&" x N and "&amp" x N', () => repeat('&') + repeat('&amp', MB)],
  ['whitespace x N then text', () => `${repeat(' \n\t')}text`],
  ['deep JSON nesting', () => repeat('[')],
  ['deep object nesting', () => repeat('{"a":')],
  ['huge valid JSON array', () => `[${repeat('1,', 5 * MB)}1]`],
  ['huge envelope message', () => JSON.stringify({ error: { message: repeat('m', 5 * MB) } })],
  ['"key " x N', () => repeat('key ')],
  ['"key=" x N', () => repeat('key=')],
  ['"token: " then a long run', () => `token: ${repeat('a')}`],
  ['"sk-" x N', () => repeat('sk-')],
  ['"eyJ" x N', () => repeat('eyJ')],
  ['"eyJa.eyJ" x N', () => repeat('eyJaaaaaaaaa.eyJ')],
  ['"Bearer " x N', () => repeat('Bearer ')],
  ['"http://" x N', () => repeat('http://')],
  ['"a://" then user-info without "@"', () => `a://${repeat('u')}`],
  ['"?a=" x N', () => repeat('?a=')],
  ['"&key=" x N', () => repeat('&key=')],
  ['one long word', () => repeat('a')],
];

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

describe('hostile bodies map in bounded time', () => {
  const key = plantedKey();

  it.each(HOSTILE_BODIES)('%s (10 MB)', (_name, build) => {
    const body = build();
    const error = new APICallError({
      message: '',
      url: 'http://127.0.0.1:4010/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 502,
      responseBody: body,
    });
    const { value, ms } = timed(() => toAlayaError(error, { apiKey: key }));
    expect(value).toBeInstanceOf(BadGatewayError);
    expect(value.message.length).toBeLessThan(body.length + 100);
    expect(ms).toBeLessThan(BOUND_MS);
    // The same text as a stream error part and as a thrown string.
    const part = timed(() =>
      toAlayaError({ message: body }, { fromStreamPart: true, apiKey: key }),
    );
    expect(AlayaError.isInstance(part.value)).toBe(true);
    expect(part.ms).toBeLessThan(BOUND_MS);
    expect(timed(() => toAlayaError(body)).ms).toBeLessThan(BOUND_MS);
    expect(timed(() => redactString(body, key)).ms).toBeLessThan(BOUND_MS);
  });
});

describe('hostile URLs and header names', () => {
  const key = plantedKey();

  it.each([
    ['URL of "http://" x N', repeat('http://', MB)],
    ['URL with 1 MB of user-info and no "@"', `http://${repeat('u', MB)}`],
    ['URL with 100k query parameters', `http://h/v1?${repeat('key=1&', MB)}`],
  ])('%s', (_name, url) => {
    const error = new APICallError({ message: url, url, requestBodyValues: {}, statusCode: 503 });
    const { value, ms } = timed(() => toAlayaError(error, { apiKey: key }));
    expect(value.statusCode).toBe(503);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('2,000 hostile header names (Node.js accepts up to 2,000), one of them carrying the key', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 2_000; i++) headers[`x-${'sk-'.repeat(20)}${i}`] = 'eyJ'.repeat(30);
    headers[`x-rejected-key-${key.toLowerCase()}`] = key;
    const error = new APICallError({
      message: 'rejected',
      url: 'http://h/v1',
      requestBodyValues: {},
      statusCode: 401,
      responseHeaders: headers,
    });
    const { value, ms } = timed(() => toAlayaError(error, { apiKey: key }));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(findKeyLeaks(key, [value])).toEqual([]);
  });

  it('a planted key never survives in a URL, a header name or a property name', async () => {
    const key = plantedKey();
    const where = fc.constantFrom(
      'url-user-info',
      'url-query',
      'header-name',
      'header-value',
      'property-name',
      'message-suffix',
    );
    await checkProperty(
      'planted key in URLs, header names and property names',
      fc.property(where, fc.string({ maxLength: 20 }), fc.boolean(), (place, noise, withKey) => {
        const url =
          place === 'url-user-info'
            ? `http://user:${key}@127.0.0.1/v1`
            : place === 'url-query'
              ? `http://127.0.0.1/v1?${noise.replace(/[&=#]/g, '')}=1&api_key=${key}`
              : 'http://127.0.0.1/v1';
        const headers: Record<string, string> =
          place === 'header-name'
            ? { [`x-${noise.replace(/[^a-z]/g, '')}-key-${key.toLowerCase()}`]: '1' }
            : place === 'header-value'
              ? { 'x-echo': `${noise} ${key}` }
              : {};
        const data =
          place === 'property-name' ? { error: { message: 'x', [key]: noise } } : undefined;
        const error = toAlayaError(
          new APICallError({
            message: `${noise} failed for ${url}`,
            url,
            requestBodyValues: {},
            statusCode: 400,
            responseHeaders: headers,
            data,
          }),
          {
            apiKey: withKey ? key : undefined,
            messageSuffixes:
              place === 'message-suffix' ? { bad_request: `Base URL ${url}?key=${key}` } : {},
          },
        );
        expect(findKeyLeaks(key, [error])).toEqual([]);
      }),
      300,
    );
  });
});
