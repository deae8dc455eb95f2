/**
 * The emulator's request parsing under hostile input, over real HTTP (and raw TCP): random bytes,
 * random JSON, near-valid chat requests with random field types, random methods, paths, keys and
 * fault headers. It never crashes, never answers 5xx, answers every bad request with a 4xx error
 * envelope, and never echoes a presented key into a response or a log line.
 */
import { connect } from 'node:net';
import { type Emulator, FAULT_HEADER, startEmulator } from '@alaya-code/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz.js';
import { findKeyLeaks, plantedKey } from '../support/leaks.js';

const RUNS = 400;
const KEY = 'fuzz-key';
let emulator: Emulator;
const logLines: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [KEY],
    // Short answers keep thousands of round trips quick; parsing is what is under test.
    stream: { chunkSize: 64 },
    logger: line => {
      logLines.push(line);
    },
  });
});

afterAll(async () => {
  await emulator?.close();
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function post(
  path: string,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${emulator.origin}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** A 4xx answer with the seed's envelope `{"error":{"message","type","code"}}`. */
function expectEnvelope(answer: Answer): void {
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(answer.contentType).toMatch(/^application\/json/);
  const parsed = JSON.parse(answer.text) as { error: Record<string, unknown> };
  expect(typeof parsed.error.message).toBe('string');
  expect(typeof parsed.error.type).toBe('string');
  expect(typeof parsed.error.code).toBe('string');
}

/** A successful chat answer: a JSON completion, or an SSE stream that ends with `[DONE]`. */
function expectCompletion(answer: Answer): void {
  if (answer.contentType.startsWith('text/event-stream')) {
    const events = answer.text
      .split('\n\n')
      .map(event => event.trim())
      .filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    for (const event of events.slice(0, -1)) {
      expect(event.startsWith('data: ')).toBe(true);
      JSON.parse(event.slice('data: '.length));
    }
  } else {
    const completion = JSON.parse(answer.text) as { object: string; choices: unknown[] };
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices.length).toBeGreaterThan(0);
  }
}

async function expectHealthy(): Promise<void> {
  const health = await fetch(`${emulator.origin}/__emulator/health`);
  expect(health.status).toBe(200);
  expect(emulator.pendingFaults()).toEqual([]);
}

const anyJson = fc.anything({ maxDepth: 3, withNullPrototype: true }).map(value => {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
});

/** Usually a valid value, sometimes anything at all. */
function mostly<T>(
  valid: fc.Arbitrary<T>,
  invalid: fc.Arbitrary<unknown> = fc.anything({ maxDepth: 2 }),
) {
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

/** Chat requests shaped like the real thing, every field mostly valid and sometimes anything. */
const nearValidRequest = fc.record(
  {
    model: mostly(
      fc.constantFrom('glm-5.2', 'glm-5.1', 'deepseek-v4-flash'),
      fc.string({ maxLength: 12 }),
    ),
    messages: mostly(
      fc.array(
        fc.record(
          {
            role: mostly(
              fc.constantFrom('system', 'user', 'assistant', 'developer'),
              fc.string({ maxLength: 8 }),
            ),
            content: mostly(
              fc.oneof(
                fc.string({ maxLength: 60 }),
                fc.array(
                  fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 20 }) }),
                  {
                    maxLength: 2,
                  },
                ),
              ),
            ),
            name: fc.string({ maxLength: 8 }),
          },
          { requiredKeys: ['role', 'content'] },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    ),
    stream: mostly(fc.boolean()),
    stream_options: mostly(fc.record({ include_usage: fc.boolean() })),
    max_tokens: mostly(fc.integer({ min: 1, max: 200 }), fc.integer({ min: -5, max: 0 })),
    stop: mostly(fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 3 })),
    tools: mostly(
      fc.array(
        fc.record({
          type: fc.constant('function'),
          function: fc.record({
            name: fc.stringMatching(/^[a-z_]{1,10}$/),
            parameters: mostly(
              fc.constant({ type: 'object', properties: { city: { type: 'string' } } }),
            ),
          }),
        }),
        { maxLength: 2 },
      ),
    ),
    tool_choice: mostly(fc.constantFrom('auto', 'none', 'required')),
    response_format: mostly(
      fc.oneof(
        fc.constantFrom({ type: 'text' }, { type: 'json_object' }),
        fc.record({
          type: fc.constant('json_schema'),
          json_schema: fc.record({
            name: fc.constant('x'),
            schema: mostly(fc.constant({ type: 'object' })),
          }),
        }),
      ),
    ),
  },
  { requiredKeys: ['model', 'messages'] },
);

const chatRequest = { model: 'glm-5.2', messages: [{ role: 'user', content: 'Hi' }] };

describe('emulator request parsing under arbitrary input', { retry: 0 }, () => {
  it('random bytes as a chat body get a 400 envelope', async () => {
    await checkProperty(
      'emulator random bytes body',
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async bytes => {
        const answer = await post('/v1/chat/completions', bytes);
        // Bytes that happen to be valid JSON (e.g. a digit) are still not a request object.
        expectEnvelope(answer);
        expect(answer.status).toBe(400);
      }),
      RUNS,
    );
    await expectHealthy();
  });

  it('random JSON as a chat or embeddings body gets a 4xx envelope', async () => {
    await checkProperty(
      'emulator random JSON body',
      fc.asyncProperty(
        fc.constantFrom('/v1/chat/completions', '/v1/embeddings'),
        anyJson,
        async (path, json) => {
          expectEnvelope(await post(path, json));
        },
      ),
      RUNS,
    );
    await expectHealthy();
  });

  it('near-valid chat requests get a well-formed completion or a 4xx envelope, never a 5xx', async () => {
    let completions = 0;
    await checkProperty(
      'emulator near-valid chat requests',
      fc.asyncProperty(nearValidRequest, async request => {
        const answer = await post('/v1/chat/completions', JSON.stringify(request));
        if (answer.status === 200) {
          completions++;
          expectCompletion(answer);
        } else {
          expectEnvelope(answer);
        }
      }),
      RUNS,
    );
    // The generator must reach the success path often, or the property says little.
    console.log(`[fuzz] near-valid chat requests: ${completions} answered 200`);
    expect(completions).toBeGreaterThan(RUNS / 20);
    await expectHealthy();
  });

  it('random methods, paths, keys and fault headers get an envelope; a presented key is never echoed', async () => {
    const key = plantedKey();
    const printable = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map(code => String.fromCharCode(code)),
      maxLength: 40,
    });
    await checkProperty(
      'emulator random method/path/auth/fault header',
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.oneof(
          fc.constantFrom(
            '/v1/chat/completions',
            '/v1/models',
            '/v1/embeddings',
            '/v1/models/glm-5.2',
            '/chat/completions',
          ),
          printable.map(path => `/v1/${encodeURIComponent(path)}`),
          printable.map(path => `/${encodeURIComponent(path)}`),
        ),
        fc.oneof(
          fc.constant(`Bearer ${key}`),
          fc.constant(`bearer  ${key}`),
          fc.constant(key),
          printable.map(value => `Bearer ${value}`),
          printable,
        ),
        fc.option(
          fc.oneof(
            printable,
            anyJson.filter(json => json !== '{}'),
          ),
          { nil: undefined },
        ),
        async (method, path, authorization, faultHeader) => {
          const headers: Record<string, string> = { authorization };
          if (faultHeader !== undefined) headers[FAULT_HEADER] = faultHeader;
          const response = await fetch(`${emulator.origin}${path}`, {
            method,
            headers,
            ...(method === 'GET' || method === 'OPTIONS' ? {} : { body: '{}' }),
          });
          const answer = {
            status: response.status,
            contentType: response.headers.get('content-type') ?? '',
            text: await response.text(),
          };
          expect(findKeyLeaks(key, [answer.text, [...response.headers].join('\n')])).toEqual([]);
          expectEnvelope(answer);
        },
      ),
      RUNS,
    );
    expect(findKeyLeaks(key, logLines)).toEqual([]);
    expect(findKeyLeaks(key, [JSON.stringify(emulator.requests)])).toEqual([]);
    await expectHealthy();
  });

  it('hostile tool and response schemas get an answer within a time bound, never a hang or a crash', async () => {
    const big = fc.oneof(
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: 10_000, max: 2_000_000_000 }),
      fc.constantFrom(1e8, 1e9, 2 ** 31, Number.MAX_SAFE_INTEGER),
    );
    const leaf = fc.oneof(
      big.map(minLength => ({ type: 'string', minLength })),
      big.map(minProperties => ({ type: 'object', minProperties })),
      fc.constant({ const: 'x'.repeat(4_000) }),
      fc.constant({ $ref: '#' }),
      fc.constant({ type: 'integer', minimum: 1e300, multipleOf: 1e-300 }),
    );
    const schema: fc.Arbitrary<unknown> = fc.letrec(tie => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ type: fc.constant('array'), minItems: big, items: tie('node') }),
        fc.array(tie('node'), { minLength: 1, maxLength: 6 }).map(children => ({
          type: 'object',
          properties: Object.fromEntries(children.map((child, i) => [`p${i}`, child])),
          required: children.map((_, i) => `p${i}`),
        })),
      ),
    })).node;
    await checkProperty(
      'emulator hostile schemas',
      fc.asyncProperty(schema, fc.boolean(), fc.boolean(), async (parameters, asTool, stream) => {
        const body = {
          model: 'glm-5.2',
          stream,
          messages: [{ role: 'user', content: 'call the tool' }],
          ...(asTool
            ? {
                tools: [{ type: 'function', function: { name: 'fill', parameters } }],
                tool_choice: 'required',
              }
            : {
                response_format: {
                  type: 'json_schema',
                  json_schema: { name: 'x', schema: parameters },
                },
              }),
        };
        const started = Date.now();
        const answer = await post('/v1/chat/completions', JSON.stringify(body));
        // Generous, against hangs and runaway allocation (a blocked loop took > 20 s before the bound).
        expect(Date.now() - started).toBeLessThan(10_000);
        if (answer.status === 200) expectCompletion(answer);
        else {
          expectEnvelope(answer);
          expect(JSON.parse(answer.text).error.code).toBe('schema_too_large');
        }
      }),
      RUNS / 4,
    );
    await expectHealthy();
  });

  it('header-bound fault fields are validated: a queued fault never makes the server fail', async () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 12 });
    const fault = fc.record(
      {
        contentType: anyText,
        retryAfter: fc.oneof(anyText, fc.integer()),
        retryAfterMs: fc.oneof(anyText, fc.integer()),
        headers: fc.dictionary(
          fc.oneof(
            fc.stringMatching(/^x-[a-z]{1,6}$/),
            fc.constantFrom('content-length', 'Transfer-Encoding', 'connection', 'x a', 'é'),
          ),
          anyText,
          { maxKeys: 2 },
        ),
      },
      { requiredKeys: [] },
    );
    await checkProperty(
      'emulator fault header fields',
      fc.asyncProperty(fault, async candidate => {
        const queued = await fetch(`${emulator.origin}/__emulator/faults`, {
          method: 'POST',
          body: JSON.stringify(candidate),
        });
        const text = await queued.text();
        if (queued.status === 400) {
          expect(JSON.parse(text).error.code).toBe('invalid_emulator_fault');
          expect(emulator.pendingFaults()).toEqual([]);
          return;
        }
        expect(queued.status, text).toBe(200);
        // A fault without a status changes only headers: the answer is still a completion.
        const answer = await post('/v1/chat/completions', JSON.stringify(chatRequest));
        expect(answer.status, answer.text).toBe(200);
        expectCompletion(answer);
      }),
      RUNS / 2,
    );
    await expectHealthy();
  });

  it('random bytes over raw TCP get a 400 or a closed socket, and the server keeps serving', async () => {
    await checkProperty(
      'emulator raw TCP garbage',
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 256 }),
          fc
            .string({ maxLength: 100 })
            .map(s =>
              new TextEncoder().encode(`POST /v1/chat/completions HTTP/1.1\r\n${s}\r\n\r\n`),
            ),
        ),
        async bytes => {
          const reply = await new Promise<string>((resolve, reject) => {
            const socket = connect(emulator.port, '127.0.0.1');
            let data = '';
            const timer = setTimeout(() => {
              socket.destroy();
              reject(new Error(`no answer and no close within 5 s; got ${JSON.stringify(data)}`));
            }, 5_000);
            socket.on('data', chunk => {
              data += chunk.toString('latin1');
            });
            socket.on('error', () => {});
            socket.on('close', () => {
              clearTimeout(timer);
              resolve(data);
            });
            socket.end(bytes);
          });
          if (reply !== '') expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
        },
      ),
      RUNS / 2,
    );
    await expectHealthy();
  });
});
