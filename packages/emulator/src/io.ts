import type { IncomingMessage, ServerResponse } from 'node:http';

/** The longest delay a Node timer supports. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Waits `ms` milliseconds unless `signal` aborts first. Resolves `true` when the time passed and
 * `false` when aborted; the timer is always cleared, so an aborted request leaves nothing behind.
 */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  // setTimeout overflows (and fires after 1 ms) beyond 2^31 - 1 ms; clamp to about 24.8 days.
  const wait = Math.min(ms, MAX_TIMER_MS);
  return new Promise(resolve => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, wait);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for `drain` on `res`; resolves `false` if the request is aborted first. */
export function waitForDrain(res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise(resolve => {
    const done = (value: boolean) => {
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    res.on('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The outcome of {@link readBody}. */
export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Reads a request body up to `maxBytes`. Beyond that the rest is drained and discarded (so the
 * client can still read the 413 answer) up to a hard ceiling, after which the read stops.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const hardCeiling = maxBytes * 16;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > hardCeiling) {
        req.pause();
        finish({ ok: false, reason: 'too-large' });
      }
    });
    req.on('end', () => {
      finish(
        size > maxBytes
          ? { ok: false, reason: 'too-large' }
          : { ok: true, body: Buffer.concat(chunks) },
      );
    });
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
    req.on('close', () => finish({ ok: false, reason: 'aborted' }));
  });
}

/** The result of parsing a body as JSON. */
export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses a UTF-8 JSON body; an empty or malformed body gives a message fit for a 400 envelope. */
export function parseJsonBody(body: Buffer): JsonResult {
  if (body.length === 0)
    return { ok: false, message: 'Invalid JSON body: the request body is empty' };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'parse error';
    return { ok: false, message: `Invalid JSON body: ${detail.slice(0, 200)}` };
  }
}

/** Resolves once `signal` aborts (the client went away or the emulator closed): how a stall ends. */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise(resolve => signal.addEventListener('abort', () => resolve(), { once: true }));
}
