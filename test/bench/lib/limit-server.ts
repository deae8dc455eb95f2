import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchEmulator } from './emulator';
import { createLimiter, type LimitShape } from './limit-shapes';
import { CALL_HEADER } from './traffic';

/** A shape server's options: its limit, and optionally a change of it mid-run. */
export type LimitServerOptions = LimitShape & {
  /** When the limit changes (epoch ms) and to what. */
  change?: { at: number; limit: number };
};

/**
 * One request the server answered: status, arrival (epoch ms), the Retry-After of a 429, and the
 * logical call it belongs to (the bench's `x-bench-call` header, to pair it with the client's attempt).
 */
export type LimitServed = { status: number; time: number; retryAfterMs?: number; call?: string };

/** A shape server: the emulator's interface, plus its log with each 429's Retry-After. */
export type LimitServer = BenchEmulator & { served(): LimitServed[] };

const COMPLETION = (model: unknown) =>
  JSON.stringify({
    id: 'chatcmpl-shape',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof model === 'string' ? model : 'unknown',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
  });

const REFUSAL = JSON.stringify({
  error: {
    message: 'Rate limit exceeded.',
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    param: null,
  },
});

/**
 * A small chat-completions server on 127.0.0.1 that limits like `options` says: 200 with a short
 * answer, or 429 with the Alaya error envelope and `Retry-After` in whole seconds (no
 * `x-ratelimit-*` headers). The decision is taken when the request arrives; every request is logged
 * with its status and arrival time (epoch ms), as the emulator's log is.
 */
export async function startLimitServer(options: LimitServerOptions): Promise<LimitServer> {
  const limiter = createLimiter(options);
  let changed = false;
  const log: LimitServed[] = [];
  const server = createServer((req, res) => {
    const now = Date.now();
    if (options.change && !changed && now >= options.change.at) {
      changed = true;
      limiter.setLimit(options.change.limit, now);
    }
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const admission = limiter.admit(now);
      const header = req.headers[CALL_HEADER];
      const call = typeof header === 'string' ? { call: header } : {};
      log.push(
        admission.ok
          ? { status: 200, time: now, ...call }
          : { status: 429, time: now, retryAfterMs: admission.retryAfterS * 1000, ...call },
      );
      if (!admission.ok) {
        res
          .writeHead(429, {
            'content-type': 'application/json',
            'retry-after': String(admission.retryAfterS),
          })
          .end(REFUSAL);
        return;
      }
      let model: unknown;
      try {
        model = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: unknown }).model;
      } catch {}
      res.writeHead(200, { 'content-type': 'application/json' }).end(COMPLETION(model));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    loggedStatuses: async () => log.map(r => r.status),
    loggedRequests: async () => [...log],
    served: () => [...log],
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
