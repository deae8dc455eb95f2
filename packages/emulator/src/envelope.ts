import type { ServerResponse } from 'node:http';

/** The error body every Alaya error carries: `{"error":{"message","type","code"}}` (the format of Alaya's error guide). */
export interface AlayaErrorEnvelope {
  error: {
    message: string;
    type: string;
    code: string;
    param?: string | null;
  };
}

/** Default `message`, `type` and `code` for one HTTP status. */
export interface StatusDefaults {
  /** Short reason phrase, e.g. `Too Many Requests`. */
  readonly reason: string;
  readonly message: string;
  readonly type: string;
  readonly code: string;
}

/**
 * Envelope defaults for the nine statuses of Alaya's error page, plus the few extra statuses the
 * emulator itself answers (405, 408, 409, 413, 422, 504). The `type`/`code` strings follow the
 * OpenAI-compatible conventions; Alaya's error guide does not list them, so clients must not depend on them.
 */
export const STATUS_DEFAULTS: Readonly<Record<number, StatusDefaults>> = {
  400: {
    reason: 'Bad Request',
    message:
      'Bad request format: invalid JSON body or missing required fields (e.g. model, messages)',
    type: 'invalid_request_error',
    code: 'invalid_request',
  },
  401: {
    reason: 'Unauthorized',
    message: 'Authentication failed: invalid, expired, or missing API key',
    type: 'authentication_error',
    code: 'invalid_api_key',
  },
  402: {
    reason: 'Payment Required',
    message: 'Insufficient quota: account balance exhausted or monthly spend cap reached',
    type: 'insufficient_quota',
    code: 'insufficient_quota',
  },
  403: {
    reason: 'Forbidden',
    message: "Permission denied: the current plan doesn't support the requested model or feature",
    type: 'permission_denied',
    code: 'model_not_in_plan',
  },
  404: {
    reason: 'Not Found',
    message: 'Resource not found: invalid API path or model name',
    type: 'invalid_request_error',
    code: 'not_found',
  },
  405: {
    reason: 'Method Not Allowed',
    message: 'Method not allowed for this path',
    type: 'invalid_request_error',
    code: 'method_not_allowed',
  },
  408: {
    reason: 'Request Timeout',
    message: 'Request timed out',
    type: 'timeout_error',
    code: 'request_timeout',
  },
  409: {
    reason: 'Conflict',
    message: 'Conflict: the request could not be completed',
    type: 'conflict_error',
    code: 'conflict',
  },
  413: {
    reason: 'Payload Too Large',
    message: 'Request body too large',
    type: 'invalid_request_error',
    code: 'request_too_large',
  },
  422: {
    reason: 'Unprocessable Entity',
    message: 'Unprocessable entity',
    type: 'invalid_request_error',
    code: 'unprocessable_entity',
  },
  429: {
    reason: 'Too Many Requests',
    message:
      "Rate limit exceeded: the plan's RPM or TPM limit was reached. Check the Retry-After header",
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
  },
  500: {
    reason: 'Internal Server Error',
    message: 'Internal server error',
    type: 'server_error',
    code: 'internal_error',
  },
  502: {
    reason: 'Bad Gateway',
    message: 'Upstream service error: the LLM provider API is temporarily unavailable',
    type: 'upstream_error',
    code: 'bad_gateway',
  },
  503: {
    reason: 'Service Unavailable',
    message: 'Service unavailable: system maintenance or overload',
    type: 'service_unavailable',
    code: 'service_unavailable',
  },
  504: {
    reason: 'Gateway Timeout',
    message: 'Upstream service timed out',
    type: 'upstream_error',
    code: 'gateway_timeout',
  },
};

/** Defaults for `status`, with a generic fallback for statuses not in {@link STATUS_DEFAULTS}. */
export function statusDefaults(status: number): StatusDefaults {
  return (
    STATUS_DEFAULTS[status] ?? {
      reason: `Status ${status}`,
      message: `Request failed with status ${status}`,
      type: status >= 500 ? 'server_error' : 'api_error',
      code: `http_${status}`,
    }
  );
}

/** Overrides for one envelope's fields. */
export interface EnvelopeOverrides {
  message?: string;
  type?: string;
  code?: string;
  param?: string | null;
}

/**
 * The default message of the status whose default code is `code` (in `table`, Alaya's by default), so
 * a message fits the code it comes with: a 429 with code `insufficient_quota` says the quota is used,
 * not "Rate limit exceeded".
 */
export function messageForCode(
  code: string | undefined,
  table: Readonly<Record<number, StatusDefaults>> = STATUS_DEFAULTS,
): string | undefined {
  if (code === undefined) return undefined;
  return Object.values(table).find(defaults => defaults.code === code)?.message;
}

/** Builds the error-guide envelope for `status`, applying any overrides. */
export function errorEnvelope(
  status: number,
  overrides: EnvelopeOverrides = {},
): AlayaErrorEnvelope {
  const defaults = statusDefaults(status);
  const error: AlayaErrorEnvelope['error'] = {
    message: overrides.message ?? messageForCode(overrides.code) ?? defaults.message,
    type: overrides.type ?? defaults.type,
    code: overrides.code ?? defaults.code,
  };
  if (overrides.param !== undefined) error.param = overrides.param;
  return { error };
}

/** Writes `body` as a JSON response (no-op when the response already started or the socket is gone). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Writes an error envelope response. */
export function sendError(
  res: ServerResponse,
  status: number,
  overrides: EnvelopeOverrides = {},
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorEnvelope(status, overrides), headers);
}
