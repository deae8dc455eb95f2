import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import {
  type HandlerInput,
  handleChatCompletions,
  handleEmbeddings,
  handleListModels,
  handleRetrieveModel,
} from './api-handlers';
import { type ApiKeyOption, keyFingerprint, normalizeApiKeys } from './auth';
import { errorEnvelope, sendError } from './envelope';
import { nonJsonBody, renderErrorFault } from './fault-response';
import { type EmulatorFault, isErrorFault, parseFault, parseFaults } from './faults';
import { delay, type JsonResult, parseJsonBody, readBody } from './io';
import { type EmulatorModelOption, normalizeModels } from './models';
import type { RateLimits } from './rate-limiter';
import { RequestContext } from './request-context';
import { appendRecord, type EmulatorRequestRecord } from './request-log';
import { createState, type EmulatorState, resetState } from './state';
import { parseStreamOptions, STREAM_HEADER, type StreamOptions } from './stream-shaping';

/** The request header that injects a fault into that one request (a JSON {@link EmulatorFault}). */
export const FAULT_HEADER = 'x-alaya-emulator-fault';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; `0` (default) picks a free one. The host is always 127.0.0.1. */
  port?: number;
  /** Accepted keys: strings, or configs with a model plan and a token quota. Default `['test-key']`. */
  apiKeys?: readonly ApiKeyOption[];
  /** Served models. Default `glm-5.2`, `glm-5.1`, `deepseek-v4-flash`, all reasoning models. */
  models?: readonly EmulatorModelOption[];
  /** Per-key RPM/TPM sliding windows. Default: unlimited. */
  limits?: RateLimits;
  /** Default shaping of chat answers (chunk size/count, delays). */
  stream?: StreamOptions;
  /** Embedding length when a request gives no `dimensions`. Default 256. */
  embeddingDimensions?: number;
  /** Largest accepted request body in bytes; larger bodies get 413. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Most request records kept in `requests` (oldest dropped first). Default 100000. */
  maxRequestLog?: number;
  /** Receives one line per finished request (never the key). Default: silent. */
  logger?: (line: string) => void;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`: pass it as `baseURL`. */
  readonly url: string;
  /** Origin without a path, e.g. `http://127.0.0.1:41234` (admin endpoints live under it). */
  readonly origin: string;
  /** The TCP port bound on 127.0.0.1. */
  readonly port: number;
  /** The first configured key (`test-key` by default). */
  readonly apiKey: string;
  /** Every API request seen, oldest first (a live array; admin requests are not logged). */
  readonly requests: readonly EmulatorRequestRecord[];
  /** Queues faults: each applies to the next request it matches, `times` times. */
  enqueueFaults(faults: EmulatorFault | readonly EmulatorFault[]): void;
  /** Queued faults not yet used, with their remaining counts. */
  pendingFaults(): Array<EmulatorFault & { remaining: number }>;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Replaces the RPM/TPM limits (`{}` removes them). */
  setLimits(limits: RateLimits): void;
  /** Clears faults, the request log, rate windows and quota use. */
  reset(): void;
  /** Stops the server: in-flight requests are aborted and their timers cleared. Idempotent. */
  close(): Promise<void>;
}

interface Route {
  pattern: RegExp;
  methods: readonly string[];
  handler: (input: HandlerInput) => void | Promise<void>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/v1\/chat\/completions$/, methods: ['POST'], handler: handleChatCompletions },
  { pattern: /^\/v1\/embeddings$/, methods: ['POST'], handler: handleEmbeddings },
  { pattern: /^\/v1\/models$/, methods: ['GET'], handler: handleListModels },
  { pattern: /^\/v1\/models\/([^/]+)$/, methods: ['GET'], handler: handleRetrieveModel },
];

function checkPositiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer`);
  return value;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query >= 0 ? raw.slice(0, query) : raw;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Starts a loopback Alaya API server on 127.0.0.1 that speaks the OpenAI-compatible wire format and
 * can produce every documented error and fault.
 *
 * @example
 * const emulator = await startEmulator({ apiKeys: ['test-key'] });
 * emulator.enqueueFaults([{ status: 429, retryAfter: '1' }]);
 * // ... point a client at emulator.url with key 'test-key' ...
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const keys = normalizeApiKeys(options.apiKeys);
  if (keys.length === 0) throw new TypeError('apiKeys must contain at least one key');
  const state = createState({
    keys,
    models: normalizeModels(options.models),
    limits: options.limits ?? {},
    stream: parseStreamOptions(options.stream ?? {}),
    embeddingDimensions: checkPositiveInteger(
      'embeddingDimensions',
      options.embeddingDimensions,
      256,
    ),
    maxBodyBytes: checkPositiveInteger('maxBodyBytes', options.maxBodyBytes, 4 * 1024 * 1024),
    maxRequestLog: checkPositiveInteger('maxRequestLog', options.maxRequestLog, 100_000),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('port must be an integer from 0 to 65535');
  }
  const inFlight = new Set<RequestContext>();

  const server = createServer((req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    handleRequest(req, res, state, inFlight).catch(() => {
      if (!res.headersSent && !res.destroyed) sendError(res, 500);
      else res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify(
      errorEnvelope(status, { message: 'Malformed HTTP request', code: 'bad_http_request' }),
    );
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: req_${randomBytes(12).toString('hex')}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const origin = `http://127.0.0.1:${actualPort}`;
  let closing: Promise<void> | undefined;

  return {
    url: `${origin}/v1`,
    origin,
    port: actualPort,
    apiKey: keys[0]!.key,
    requests: state.requests,
    enqueueFaults(faults) {
      state.faults.enqueue(parseFaults(faults));
    },
    pendingFaults: () => state.faults.pending(),
    clearFaults: () => state.faults.clear(),
    setLimits: limits => state.limiter.setLimits(limits),
    reset: () => resetState(state),
    close() {
      closing ??= new Promise<void>(resolve => {
        for (const ctx of inFlight) ctx.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => settleInFlight(inFlight));
      return closing;
    },
  };
}

/** Waits (bounded, 2 s) until destroyed sockets have emitted `close`, so every record is final. */
async function settleInFlight(inFlight: ReadonlySet<RequestContext>): Promise<void> {
  for (let i = 0; i < 200 && inFlight.size > 0; i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: EmulatorState,
  inFlight: Set<RequestContext>,
): Promise<void> {
  const path = pathOf(req.url);
  if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
    await handleAdmin(req, res, path, state);
    return;
  }
  const record: EmulatorRequestRecord = {
    id: `req_${randomBytes(12).toString('hex')}`,
    time: Date.now(),
    method: req.method ?? 'GET',
    path,
    outcome: 'pending',
  };
  appendRecord(state.requests, record, state.maxRequestLog);
  const auth = headerValue(req, 'authorization');
  const presented = auth === undefined ? undefined : /^bearer (.+)$/is.exec(auth)?.[1];
  if (presented !== undefined) record.keyFingerprint = keyFingerprint(presented);

  const ctx = new RequestContext(req, res, record);
  inFlight.add(ctx);
  res.on('close', () => {
    ctx.abort();
    inFlight.delete(ctx);
    if (record.outcome === 'pending')
      record.outcome = res.writableFinished ? 'completed' : 'aborted';
    record.durationMs = Date.now() - record.time;
    state.logger?.(
      `${record.method} ${record.path} ${record.status ?? '-'} ${record.outcome} ${record.durationMs}ms` +
        `${record.model ? ` model=${record.model}` : ''}${record.fault ? ` fault=${JSON.stringify(record.fault)}` : ''}`,
    );
  });

  const body = await readBody(req, state.maxBodyBytes);
  if (!body.ok) {
    if (body.reason === 'too-large') {
      ctx.sendError(
        413,
        {
          message: `Request body too large: the limit is ${state.maxBodyBytes} bytes`,
        },
        { connection: 'close' },
      );
    }
    return;
  }
  const json: JsonResult | undefined = body.body.length > 0 ? parseJsonBody(body.body) : undefined;
  const parsed =
    json?.ok && typeof json.value === 'object' && json.value !== null
      ? (json.value as Record<string, unknown>)
      : undefined;
  if (typeof parsed?.model === 'string') record.model = parsed.model;
  if (path === '/v1/chat/completions' && parsed) record.stream = parsed.stream === true;

  const headerFault = headerValue(req, FAULT_HEADER);
  const shapingHeader = headerValue(req, STREAM_HEADER);
  let shaping: StreamOptions = {};
  let fault: EmulatorFault | undefined;
  try {
    if (shapingHeader !== undefined) shaping = parseStreamOptions(JSON.parse(shapingHeader));
  } catch (error) {
    ctx.sendError(400, {
      message: `Invalid ${STREAM_HEADER} header: ${error instanceof Error ? error.message : 'not JSON'}`,
      code: 'invalid_emulator_stream',
    });
    return;
  }
  try {
    fault =
      headerFault !== undefined
        ? parseFault(JSON.parse(headerFault))
        : state.faults.take({
            path,
            ...(record.model !== undefined ? { model: record.model } : {}),
          });
  } catch (error) {
    ctx.sendError(400, {
      message: `Invalid ${FAULT_HEADER} header: ${error instanceof Error ? error.message : 'not JSON'}`,
      code: 'invalid_emulator_fault',
    });
    return;
  }
  if (fault) {
    ctx.applyFault(fault);
    if (!(await delay(fault.firstByteDelayMs ?? 0, ctx.signal))) return;
    if (fault.reset === 'before-headers') {
      ctx.resetConnection();
      return;
    }
    if (isErrorFault(fault)) {
      const rendered = renderErrorFault(fault as EmulatorFault & { status: number });
      ctx.send(rendered.status, rendered.body, rendered.headers);
      return;
    }
    if (fault.nonJson200 !== undefined && fault.nonJson200 !== false) {
      ctx.send(200, nonJsonBody(fault), {
        'content-type': fault.contentType ?? 'text/html; charset=utf-8',
      });
      return;
    }
  }

  const route = ROUTES.find(candidate => candidate.pattern.test(path));
  if (!route) {
    const hint = path.startsWith('/v1/')
      ? 'Check the URL path'
      : 'Check the base URL: it must end with /v1 (e.g. http://127.0.0.1:PORT/v1)';
    ctx.sendError(404, {
      message: `Unknown API path: ${req.method} ${path}. ${hint}`,
      code: 'unknown_path',
    });
    return;
  }
  if (!route.methods.includes(req.method ?? '')) {
    ctx.sendError(
      405,
      {
        message: `Method ${req.method} is not allowed for ${path}; use ${route.methods.join(', ')}`,
      },
      { allow: route.methods.join(', ') },
    );
    return;
  }
  const param = route.pattern.exec(path)?.[1];
  await route.handler({
    state,
    ctx,
    json,
    shaping,
    ...(param !== undefined ? { param: safeDecode(param) } : {}),
  });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
