import { randomBytes } from 'node:crypto';
import { type ApiKeyConfig, authenticate, authFailureMessage, keyFingerprint } from './auth';
import type { JsonResult } from './io';
import { throttledLimits } from './plans';
import { formatResetDuration, type RateLimits } from './rate-limiter';
import type { RequestContext } from './request-context';
import type { EmulatorState } from './state';
import type { StreamOptions } from './stream-shaping';

/** What a route handler receives. */
export interface HandlerInput {
  state: EmulatorState;
  ctx: RequestContext;
  json: JsonResult | undefined;
  /** Per-request stream shaping from the `x-alaya-emulator-stream` header. */
  shaping: StreamOptions;
  /** Path parameter (model id for `/v1/models/:id`). */
  param?: string;
}

/** Authenticates the request; answers 401 and returns undefined on failure. */
export function requireKey(input: HandlerInput): ApiKeyConfig | undefined {
  const auth = authenticate(input.ctx.req.headers.authorization, input.state.keys);
  if (auth.ok) return auth.config;
  input.ctx.sendError(401, { message: authFailureMessage(auth.reason) });
  return undefined;
}

/**
 * The checks every model call passes after validation, in the service's order: unknown model
 * (404), model outside the key's plan (403), quota used up (402), RPM/TPM window (429). Answers and
 * returns undefined when one fails; otherwise returns the `x-ratelimit-*` headers.
 */
export function admitModelCall(
  input: HandlerInput,
  key: ApiKeyConfig,
  modelId: string,
  promptTokens: number,
): Record<string, string> | undefined {
  const { state, ctx } = input;
  if (!state.models.has(modelId)) {
    ctx.sendError(404, {
      message: `The model '${modelId}' does not exist. Use GET /v1/models to list the available models`,
      code: 'model_not_found',
      param: 'model',
    });
    return undefined;
  }
  if (key.models && !key.models.includes(modelId)) {
    ctx.sendError(403, {
      message: `Permission denied: the current plan doesn't support the model '${modelId}'. Upgrade to a plan that supports the model`,
    });
    return undefined;
  }
  const fingerprint = keyFingerprint(key.key);
  const limits = limitsFor(state, key);
  if (limits === 'exhausted') {
    ctx.sendError(402, {
      message:
        'Insufficient quota: the current window quota is used up. Upgrade the plan or purchase a booster pack',
    });
    return undefined;
  }
  const decision = state.limiter.check(fingerprint, promptTokens, limits);
  const headers = rateHeaders(state, decision.headers);
  if (!decision.allowed) {
    const retryAfterMs = decision.retryAfterMs ?? 1000;
    const what =
      decision.limitedBy === 'tokens' ? 'tokens per minute (TPM)' : 'requests per minute (RPM)';
    ctx.sendError(
      429,
      {
        message: `Rate limit exceeded: the plan's ${what} limit was reached. Retry after ${formatResetDuration(retryAfterMs)}`,
      },
      {
        ...headers,
        'retry-after': String(Math.ceil(retryAfterMs / 1000)),
        ...(state.rateLimitHeaders ? { 'retry-after-ms': String(Math.ceil(retryAfterMs)) } : {}),
      },
    );
    return undefined;
  }
  return headers;
}

/**
 * The limits a key is held to: its own over the shared ones; once its `quotaTokens` are used,
 * `'exhausted'` (402) or, with `quotaExhausted: 'throttle'`, the throttled-mode limits.
 */
function limitsFor(state: EmulatorState, key: ApiKeyConfig): RateLimits | undefined | 'exhausted' {
  const used = state.quotaUsed.get(keyFingerprint(key.key)) ?? 0;
  if (key.quotaTokens === undefined || used < key.quotaTokens) return key.limits;
  if (state.quotaExhausted === 'error') return 'exhausted';
  return throttledLimits(state.limiter.current, key.limits);
}

/** The `x-ratelimit-*` headers, or none when the emulator was told to omit them. */
function rateHeaders(
  state: EmulatorState,
  headers: Record<string, string>,
): Record<string, string> {
  return state.rateLimitHeaders ? headers : {};
}

/** Charges `tokens` to the key's quota and TPM window; returns the `x-ratelimit-*` headers after it. */
export function charge(
  state: EmulatorState,
  key: ApiKeyConfig,
  tokens: number,
): Record<string, string> {
  const fingerprint = keyFingerprint(key.key);
  const limits = limitsFor(state, key);
  const effective = limits === 'exhausted' ? key.limits : limits;
  state.quotaUsed.set(fingerprint, (state.quotaUsed.get(fingerprint) ?? 0) + tokens);
  state.limiter.recordTokens(fingerprint, tokens, effective);
  return rateHeaders(state, state.limiter.headersFor(fingerprint, effective));
}

/** A fresh response id, e.g. `chatcmpl-<24 hex>`. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

/** Answers 400 when the body is not JSON; true when it did. */
export function badJson(input: HandlerInput): boolean {
  if (input.json?.ok) return false;
  input.ctx.sendError(400, {
    message: input.json?.message ?? 'Invalid JSON body: the request body is empty',
    code: 'invalid_json',
  });
  return true;
}
