import { createServer } from 'node:http';
import type { ApiKeyOption } from './auth';
import { normalizeApiKeys } from './auth';
import { answerClientError } from './client-error';
import { sendError } from './envelope';
import { type EmulatorFault, parseFaults } from './faults';
import { FAULT_HEADER, handleRequest } from './handle-request';
import { type EmulatorModelOption, normalizeModels } from './models';
import { type ErrorStyle, isErrorStyle } from './one-api-envelope';
import { type AlayaPlan, checkQuotaExhausted, planLimits, type QuotaExhaustedMode } from './plans';
import type { RateLimits } from './rate-limiter';
import type { RequestContext } from './request-context';
import type { EmulatorRequestRecord } from './request-log';
import { createState, resetState } from './state';
import { parseStreamOptions, type StreamOptions } from './stream-shaping';

export { FAULT_HEADER };

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; `0` (default) picks a free one. The host is always 127.0.0.1. */
  port?: number;
  /** Accepted keys: strings, or configs with a model plan and a token quota. Default `['test-key']`. */
  apiKeys?: readonly ApiKeyOption[];
  /**
   * Served models. Default: the chat models of `DEFAULT_MODELS` (all reasoning models), then the
   * embedding model `DEFAULT_EMBEDDING_MODEL` (`bge-m3`). Embeddings answer with any served model.
   */
  models?: readonly EmulatorModelOption[];
  /**
   * Per-key RPM/TPM sliding windows. Default: unlimited, or the `plan`'s limits (fields given here
   * override the plan's).
   */
  limits?: RateLimits;
  /**
   * Alaya plan tier whose limits apply per key: `free` 60 RPM / 30K TPM, `pro` 300 / 150K, `team`
   * 600 / 500K (see `PLAN_LIMITS`). Over a limit: 429 `rate_limit_exceeded` with `Retry-After` (s).
   */
  plan?: AlayaPlan;
  /**
   * What happens once a key's `quotaTokens` are used: `'error'` (default) answers 402 as Alaya's
   * error guide says; `'throttle'` keeps serving in Alaya's "throttled mode" (60 RPM / 30K TPM, see
   * `THROTTLED_LIMITS`), as its billing docs say. A key with `quotaTokens: 0` starts throttled.
   */
  quotaExhausted?: QuotaExhaustedMode;
  /**
   * Send `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (and `retry-after-ms` on 429s).
   * Default true; `false` leaves only `Retry-After`, to test clients that learn from 429s alone.
   */
  rateLimitHeaders?: boolean;
  /**
   * Shape of the error bodies: `'alaya'` (default) follows Alaya's error guide; `'one-api'` answers
   * as a One API gateway (which Alaya may run on): a Chinese message with ` (request id: …)` appended,
   * One API's `type` values (a 429 is `当前分组上游负载已饱和，请稍后再试` with `type:
   * insufficient_quota`), and request ids in One API's format in `x-oneapi-request-id` instead of
   * `x-request-id`. A fault's own `message`, `type` and `code` still win; its `errorStyle` overrides
   * this for its body. See `ONE_API_DEFAULTS`.
   */
  errorStyle?: ErrorStyle;
  /** Default shaping of chat answers (chunk size/count, delays). */
  stream?: StreamOptions;
  /** Embedding length when a request gives no `dimensions` and its model none. Default 256. */
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

function checkBoolean(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return value;
}

function checkErrorStyle(value: ErrorStyle | undefined): ErrorStyle {
  if (value === undefined) return 'alaya';
  if (!isErrorStyle(value)) throw new TypeError('errorStyle must be "alaya" or "one-api"');
  return value;
}

function checkPositiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer`);
  return value;
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
    limits: { ...planLimits(options.plan), ...options.limits },
    quotaExhausted: checkQuotaExhausted(options.quotaExhausted),
    rateLimitHeaders: checkBoolean('rateLimitHeaders', options.rateLimitHeaders, true),
    errorStyle: checkErrorStyle(options.errorStyle),
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
  server.on('clientError', answerClientError);
  // Idle keep-alive sockets stay open 30 s (Node's default is 5 s): a client on a loaded machine whose
  // event loop lags must not send its next request on a socket the server is closing (ECONNRESET).
  // close() still ends every connection at once.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

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

/** How long the server keeps an idle keep-alive connection open, in ms. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Waits (bounded, 2 s) until destroyed sockets have emitted `close`, so every record is final. */
async function settleInFlight(inFlight: ReadonlySet<RequestContext>): Promise<void> {
  for (let i = 0; i < 200 && inFlight.size > 0; i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}
