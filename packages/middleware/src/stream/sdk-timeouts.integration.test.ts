import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';

/**
 * The AI SDK's `timeout` fields through the middleware, over real HTTP: a loopback server whose
 * streams stall (after the headers and a role chunk, or after some content) or answer 503.
 */
type Behaviour = 'stall-after-role' | 'stall-after-content' | 'drip' | 'always-503';

const sockets = new Set<Socket>();
let baseURL = '';
let close: () => Promise<void>;
const requests: Behaviour[] = [];

function chunk(res: ServerResponse, delta: Record<string, unknown>, finish?: string): void {
  const choice = { index: 0, delta, finish_reason: finish ?? null };
  res.write(
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [choice] })}\n\n`,
  );
}

beforeAll(async () => {
  const server = createServer((req, res) => {
    const behaviour = (req.url ?? '').split('/')[1] as Behaviour;
    req.resume();
    req.on('end', () => {
      requests.push(behaviour);
      if (behaviour === 'always-503') {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"overloaded","type":"server_error"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      chunk(res, { role: 'assistant', content: '' });
      if (behaviour === 'stall-after-role') return; // holds the connection, sends nothing more
      chunk(res, { content: 'Hel' });
      if (behaviour === 'stall-after-content') return;
      // drip: one chunk every 150 ms, then the end
      let left = 4;
      const timer = setInterval(() => {
        if (--left > 0) return chunk(res, { content: 'lo' });
        clearInterval(timer);
        chunk(res, {}, 'stop');
        res.end('data: [DONE]\n\n');
      }, 150);
      res.on('close', () => clearInterval(timer));
    });
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise(resolve => server.close(() => resolve()));
  };
});
afterAll(() => close());

function model(behaviour: Behaviour): LanguageModelV4 {
  return createOpenAICompatible({
    name: 'loopback',
    baseURL: `${baseURL}/${behaviour}/v1`,
  }).chatModel('m');
}

function wrapped(behaviour: Behaviour, options: AlayaMiddlewareOptions = {}): LanguageModelV4 {
  return wrapLanguageModel({
    model: model(behaviour),
    middleware: alayaMiddleware({ initialDelayMs: 10, jitter: 'none', ...options }),
  });
}

type Timeout = Parameters<typeof streamText>[0]['timeout'];

/** Runs `streamText` to its end: the text, the error it ended with, and how long it took. */
async function run(target: LanguageModelV4, timeout: Timeout) {
  const started = Date.now();
  const result = streamText({
    model: target,
    prompt: 'hi',
    timeout,
    maxRetries: 0,
    onError: () => {},
  });
  let error: unknown;
  let text = '';
  let aborted = false;
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') error ??= part.error;
      if (part.type === 'abort') aborted = true;
    }
  } catch (thrown) {
    error = thrown;
  }
  return { text, aborted, error: (error as Error | undefined)?.name, ms: Date.now() - started };
}

describe('the AI SDK timeout fields behave with the middleware as without it', () => {
  const cases: Array<[string, Behaviour, Timeout]> = [
    [
      'firstChunkMs: a stream that stalls after its role chunk',
      'stall-after-role',
      { firstChunkMs: 400 },
    ],
    // After content: a wider bound, so that on a loaded machine the content is in before it fires.
    ['chunkMs: a stream that stalls after content', 'stall-after-content', { chunkMs: 1000 }],
    ['stepMs: a stream that stalls after its role chunk', 'stall-after-role', { stepMs: 400 }],
    ['totalMs: a stream that stalls after content', 'stall-after-content', { totalMs: 1000 }],
  ];
  for (const [name, behaviour, timeout] of cases) {
    it(name, async () => {
      const [bare, ours] = await Promise.all([
        run(model(behaviour), timeout),
        run(wrapped(behaviour), timeout),
      ]);
      expect(bare.aborted).toBe(true);
      expect(ours).toMatchObject({ aborted: true, error: bare.error, text: bare.text });
      // Generous bounds against a hang (the stall lasts until the client goes away).
      expect(ours.ms).toBeLessThan(10_000);
    });
  }

  it('no timeout fires on a stream that drips below every bound', async () => {
    const timeout = { firstChunkMs: 2000, chunkMs: 2000, stepMs: 20_000, totalMs: 20_000 };
    const [bare, ours] = await Promise.all([
      run(model('drip'), timeout),
      run(wrapped('drip'), timeout),
    ]);
    expect(bare).toMatchObject({ text: 'Hellololo', aborted: false, error: undefined });
    expect(ours).toMatchObject({ text: 'Hellololo', aborted: false, error: undefined });
  });

  it('firstChunkMs bounds the middleware retries before content, backoff sleeps included', async () => {
    requests.length = 0;
    const ours = await run(wrapped('always-503', { initialDelayMs: 60_000 }), {
      firstChunkMs: 400,
    });
    expect(ours).toMatchObject({ aborted: true, text: '' });
    expect(ours.ms).toBeLessThan(10_000);
    expect(requests.filter(r => r === 'always-503')).toHaveLength(1);
  });

  it('deadlineMs still ends a stream that stalls before content, with a typed TimeoutError', async () => {
    const ours = await run(wrapped('stall-after-role', { deadlineMs: 400 }), undefined);
    expect(ours.error).toBe('AI_TimeoutError');
    expect(ours.ms).toBeLessThan(10_000);
  });
});
