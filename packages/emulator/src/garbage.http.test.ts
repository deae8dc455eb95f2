import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { get, post } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

function isEnvelope(value: unknown): boolean {
  const error = (value as { error?: Record<string, unknown> })?.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    typeof error.code === 'string'
  );
}

describe('garbage input', () => {
  it('answers random bytes with a 4xx envelope and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async bytes => {
        const response = await fetch(`${emulator.url}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${emulator.apiKey}` },
          body: bytes,
        });
        const text = await response.text();
        if (response.status === 200) return false;
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(isEnvelope(JSON.parse(text))).toBe(true);
        return true;
      }),
      { numRuns: 60 },
    );
    expect((await get(emulator, '/models')).status).toBe(200);
  });

  it('answers random JSON with a 4xx envelope', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async value => {
        const response = await post(emulator, '/chat/completions', JSON.stringify(value));
        const body = await response.json();
        expect(response.status).toBe(400);
        expect(isEnvelope(body)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('answers random chat-shaped objects with 200 or a 4xx envelope', async () => {
    const message = fc.record(
      {
        role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool'), fc.string()),
        content: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            model: fc.oneof(fc.constant('glm-5.2'), fc.string()),
            messages: fc.array(message, { maxLength: 3 }),
            stream: fc.oneof(fc.boolean(), fc.integer()),
            max_tokens: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.string()),
            tools: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        ),
        async body => {
          const response = await post(emulator, '/chat/completions', body);
          const text = await response.text();
          if (response.status === 200) return;
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(isEnvelope(JSON.parse(text))).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('answers a malformed HTTP request with a 400 envelope', async () => {
    const { createConnection } = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = createConnection(emulator.port, '127.0.0.1', () => {
        socket.write('NOT HTTP AT ALL\r\n\r\n');
      });
      let data = '';
      socket.on('data', chunk => {
        data += chunk.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toMatch(/\r\nx-request-id: req_[0-9a-f]{24}\r\n/);
    expect(isEnvelope(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)))).toBe(true);
    expect((await get(emulator, '/models')).status).toBe(200);
  });

  it('survives a client that disconnects mid-upload', async () => {
    await new Promise<void>(resolve => {
      const req = request(`${emulator.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-length': '100000', authorization: `Bearer ${emulator.apiKey}` },
      });
      req.on('error', () => resolve());
      req.write('{"model":"glm-5.2","messages":[');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    expect((await get(emulator, '/models')).status).toBe(200);
  });
});
