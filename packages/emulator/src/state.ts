import type { ApiKeyConfig } from './auth';
import { FaultQueue } from './fault-queue';
import type { ServedModel } from './models';
import type { ErrorStyle } from './one-api-envelope';
import type { QuotaExhaustedMode } from './plans';
import { RateLimiter, type RateLimits } from './rate-limiter';
import type { EmulatorRequestRecord } from './request-log';
import type { StreamOptions } from './stream-shaping';

/** The mutable state of one emulator instance, shared by its handlers. */
export interface EmulatorState {
  readonly keys: readonly ApiKeyConfig[];
  readonly models: ReadonlyMap<string, ServedModel>;
  readonly limiter: RateLimiter;
  readonly faults: FaultQueue;
  readonly requests: EmulatorRequestRecord[];
  /** Tokens charged per key (keyed by fingerprint), for `quotaTokens`. */
  readonly quotaUsed: Map<string, number>;
  readonly stream: StreamOptions;
  /** Once a key's `quotaTokens` are used: 402, or throttled mode. */
  readonly quotaExhausted: QuotaExhaustedMode;
  /** Whether answers carry `x-ratelimit-*` (and 429s `retry-after-ms`). */
  readonly rateLimitHeaders: boolean;
  /** The shape of error bodies and request ids (a fault's `errorStyle` overrides it). */
  readonly errorStyle: ErrorStyle;
  /** API requests seen since start (never reset): the sequence part of One API request ids. */
  requestSequence: number;
  readonly embeddingDimensions: number;
  readonly maxBodyBytes: number;
  readonly maxRequestLog: number;
  readonly logger?: (line: string) => void;
}

/** Creates the initial state. */
export function createState(init: {
  keys: readonly ApiKeyConfig[];
  models: readonly ServedModel[];
  limits: RateLimits;
  stream: StreamOptions;
  quotaExhausted: QuotaExhaustedMode;
  rateLimitHeaders: boolean;
  errorStyle: ErrorStyle;
  embeddingDimensions: number;
  maxBodyBytes: number;
  maxRequestLog: number;
  logger?: (line: string) => void;
}): EmulatorState {
  return {
    keys: init.keys,
    models: new Map(init.models.map(model => [model.id, model])),
    limiter: new RateLimiter(init.limits),
    faults: new FaultQueue(),
    requests: [],
    quotaUsed: new Map(),
    stream: init.stream,
    quotaExhausted: init.quotaExhausted,
    rateLimitHeaders: init.rateLimitHeaders,
    errorStyle: init.errorStyle,
    requestSequence: 0,
    embeddingDimensions: init.embeddingDimensions,
    maxBodyBytes: init.maxBodyBytes,
    maxRequestLog: init.maxRequestLog,
    ...(init.logger ? { logger: init.logger } : {}),
  };
}

/** Forgets faults, logged requests, rate windows and quota use (keys, models and limits stay). */
export function resetState(state: EmulatorState): void {
  state.faults.clear();
  state.requests.length = 0;
  state.limiter.clear();
  state.quotaUsed.clear();
}
