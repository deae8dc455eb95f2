import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, post } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const toolBody = (parameters: unknown) =>
  chatBody(
    {
      tools: [{ type: 'function', function: { name: 'fill', parameters } }],
      tool_choice: 'required',
    },
    'call the tool',
  );

const schemaBody = (schema: unknown) =>
  chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } });

const nested = (levels: number, minItems: number): Record<string, unknown> =>
  levels === 0
    ? { type: 'string' }
    : { type: 'array', minItems, items: nested(levels - 1, minItems) };

const HOSTILE: Array<[string, unknown]> = [
  ['minItems 1e8', { type: 'object', properties: { a: { type: 'array', minItems: 1e8 } } }],
  ['minLength 1e9', { type: 'object', properties: { s: { type: 'string', minLength: 1e9 } } }],
  ['nested minItems 1000^3', { type: 'object', properties: { a: nested(3, 1000) } }],
  ['minProperties 1e8', { type: 'object', minProperties: 1e8 }],
  [
    'wide recursive $ref',
    {
      type: 'object',
      properties: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`p${i}`, { $ref: '#' }]),
      ),
      required: Array.from({ length: 40 }, (_, i) => `p${i}`),
    },
  ],
];

/** One request with a generous bound against hangs: a blocked event loop or a runaway allocation fails it. */
async function timed(body: unknown): Promise<{ status: number; json: any; ms: number }> {
  const start = Date.now();
  const response = await post(emulator, '/chat/completions', body, {
    signal: AbortSignal.timeout(10_000),
  });
  const json = await response.json();
  return { status: response.status, json, ms: Date.now() - start };
}

describe('hostile schemas', () => {
  it.each(HOSTILE)('answers a tool schema with %s quickly with a clear 400', async (_, schema) => {
    const answer = await timed(toolBody(schema));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: 'schema_too_large',
      param: 'tools[0].function.parameters',
    });
    expect(answer.json.error.message).toMatch(/too large/);
    expect(answer.ms).toBeLessThan(5_000);
  });

  it.each(HOSTILE)(
    'answers a response_format schema with %s with a clear 400',
    async (_, schema) => {
      const answer = await timed(schemaBody(schema));
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({
        code: 'schema_too_large',
        param: 'response_format.json_schema.schema',
      });
    },
  );

  it('still fills schemas of ordinary size, and keeps serving', async () => {
    const answer = await timed(
      toolBody({
        type: 'object',
        properties: { list: { type: 'array', minItems: 500, items: { type: 'integer' } } },
        required: ['list'],
      }),
    );
    expect(answer.status).toBe(200);
    const args = JSON.parse(answer.json.choices[0].message.tool_calls[0].function.arguments);
    expect(args.list).toHaveLength(500);
    expect((await fetch(`${emulator.origin}/__emulator/health`)).status).toBe(200);
  });
});

/** JSON with every non-ASCII character escaped, so it fits in a request header. */
const asciiJson = (value: unknown) =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

describe('header-bound fault fields', () => {
  const BAD: Array<[string, unknown]> = [
    ['contentType with CRLF', { status: 500, contentType: 'text/plain\r\nx-evil: 1' }],
    ['contentType with LF', { status: 500, contentType: 'text/plain\nx' }],
    ['contentType with NUL', { status: 500, contentType: 'text/plain\u0000' }],
    ['retryAfter with NUL', { status: 429, retryAfter: '1\u0000' }],
    ['retryAfterMs with non-Latin-1', { status: 429, retryAfterMs: '1\u2028' }],
    ['header value with NUL', { status: 500, headers: { 'x-a': 'b\u0000' } }],
    ['header value with non-Latin-1', { status: 500, headers: { 'x-a': '✓' } }],
    ['a framing header', { status: 500, headers: { 'Transfer-Encoding': 'chunked' } }],
    ['content-length', { headers: { 'content-length': 'abc' } }],
    ['nonJson200 contentType with CR', { nonJson200: true, contentType: 'text/html\r' }],
  ];

  it.each(BAD)('rejects %s over HTTP with a clear 400', async (name, fault) => {
    const response = await fetch(`${emulator.origin}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify(fault),
    });
    expect(response.status, name).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe('invalid_emulator_fault');
    expect(body.error.message).toMatch(/single-line header value|cannot be set/);
    expect(emulator.pendingFaults()).toEqual([]);
    expect(() => emulator.enqueueFaults(fault as never)).toThrow(/Invalid emulator fault/);
    const header = await post(emulator, '/chat/completions', chatBody(), {
      headers: { 'x-alaya-emulator-fault': asciiJson(fault) },
    });
    expect(header.status).toBe(400);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
  });
});
