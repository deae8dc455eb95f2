import { saysUpstreamSaturated } from './saturation-message';

/** The fields of an error envelope (`{error:{message,type,code}}` and its common variants). */
export interface ErrorEnvelope {
  message?: string;
  type?: string;
  code?: string;
  /** A status written inside the body (`status`, `statusCode`, or a numeric `code` 400–599). */
  status?: number;
  /** An explicit `isRetryable` / `is_retryable` flag (e.g. the AI SDK's provider stream errors). */
  isRetryable?: boolean;
}

/**
 * Reads an error envelope from parsed JSON. Accepts `{error:{message,type,code}}` (OpenAI, Alaya,
 * DeepSeek), `{type:'error', error:{type,message}}` (Anthropic), `{error:'text'}`, and a bare
 * `{message,type,code}` (what openai-compatible puts in a stream `error` part). Returns `undefined`
 * when nothing looks like an error.
 */
export function readErrorEnvelope(value: unknown): ErrorEnvelope | undefined {
  try {
    return readEnvelope(value);
  } catch {
    // A revoked proxy or a hostile object: no envelope.
    return undefined;
  }
}

function readEnvelope(value: unknown): ErrorEnvelope | undefined {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const outer = value as Record<string, unknown>;
  const inner = outer.error;
  if (typeof inner === 'string') return compact({ message: inner, status: readStatus(outer) });
  if (inner != null && typeof inner === 'object' && !Array.isArray(inner)) {
    const fields = readFields(inner as Record<string, unknown>);
    const flag = outer.isRetryable ?? outer.is_retryable;
    return compact({
      ...fields,
      status: fields.status ?? readStatus(outer),
      isRetryable: fields.isRetryable ?? (typeof flag === 'boolean' ? flag : undefined),
    });
  }
  const fields = readFields(outer);
  if (fields.message === undefined && fields.code === undefined && fields.status === undefined) {
    // `{type:'error'}` alone or unrelated JSON is not an envelope.
    return undefined;
  }
  return compact(fields);
}

/** Bodies longer than this are not parsed for an envelope (an error envelope is a few hundred bytes). */
export const MAX_PARSED_BODY_LENGTH = 1_000_000;

/**
 * Parses `body` as JSON: `{ json }` when it parses, `{ invalid: true }` when it looks like JSON (starts
 * with `{` or `[`) but does not parse, `{}` otherwise or when it is longer than
 * {@link MAX_PARSED_BODY_LENGTH}. Never throws.
 */
export function parseJsonBody(body: string | undefined): { json?: unknown; invalid?: true } {
  if (body == null || body.length > MAX_PARSED_BODY_LENGTH) return {};
  const trimmed = body.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return {};
  try {
    return { json: JSON.parse(trimmed) };
  } catch {
    return { invalid: true };
  }
}

/**
 * Envelope `code`s and `type`s that imply a status when no HTTP status is known (stream `error`
 * parts). The `code` is looked up first: it is the more specific of the two (OpenAI and Alaya send
 * `type: invalid_request_error` with `code: invalid_api_key` or `not_found`).
 */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  insufficient_quota: 402,
  billing_error: 402,
  permission_error: 403,
  permission_denied: 403,
  not_found_error: 404,
  not_found: 404,
  model_not_found: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  server_error: 500,
  api_error: 500,
  internal_error: 500,
  bad_gateway: 502,
  upstream_error: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
  overloaded_error: 529,
};

/**
 * True when the envelope says the account is out of quota: its `code` or `type` is
 * `insufficient_quota` (OpenAI, DeepSeek) and its message does not contradict it. One API sends that
 * `type` on an upstream-saturation 429 too (`当前分组上游负载已饱和，请稍后再试`): when the message
 * says saturation, overload or "try again later" without naming a quota, the message decides and
 * this is false.
 */
export function isInsufficientQuota(envelope: ErrorEnvelope | undefined): boolean {
  return namesInsufficientQuota(envelope) && !saysUpstreamSaturated(envelope?.message);
}

/**
 * The status an envelope implies without an HTTP status: its own, else its `code`, else its `type`;
 * 429 when a quota `code`/`type` is contradicted by a saturation message (see {@link isInsufficientQuota}).
 */
export function impliedStatus(envelope: ErrorEnvelope): number | undefined {
  if (envelope.status !== undefined) return envelope.status;
  if (namesInsufficientQuota(envelope) && !isInsufficientQuota(envelope)) return 429;
  return statusForName(envelope.code) ?? statusForName(envelope.type);
}

function namesInsufficientQuota(envelope: ErrorEnvelope | undefined): boolean {
  return envelope?.code === 'insufficient_quota' || envelope?.type === 'insufficient_quota';
}

function statusForName(name: string | undefined): number | undefined {
  return name != null && Object.hasOwn(STATUS_BY_TYPE, name) ? STATUS_BY_TYPE[name] : undefined;
}

function readFields(record: Record<string, unknown>): ErrorEnvelope {
  const message = toText(record.message) ?? toText(record.detail);
  const type = typeof record.type === 'string' ? record.type : undefined;
  const code =
    typeof record.code === 'string' || typeof record.code === 'number'
      ? String(record.code)
      : undefined;
  const flag = record.isRetryable ?? record.is_retryable;
  return {
    message,
    type,
    code,
    status: readStatus(record),
    isRetryable: typeof flag === 'boolean' ? flag : undefined,
  };
}

function readStatus(record: Record<string, unknown>): number | undefined {
  for (const candidate of [record.status, record.statusCode, record.status_code, record.code]) {
    const status =
      typeof candidate === 'string' && /^\d{3}$/.test(candidate) ? Number(candidate) : candidate;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) {
      return status;
    }
  }
  return undefined;
}

function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value == null) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function compact(envelope: ErrorEnvelope): ErrorEnvelope {
  const result: ErrorEnvelope = {};
  if (envelope.message !== undefined) result.message = envelope.message;
  if (envelope.type !== undefined) result.type = envelope.type;
  if (envelope.code !== undefined) result.code = envelope.code;
  if (envelope.status !== undefined) result.status = envelope.status;
  if (envelope.isRetryable !== undefined) result.isRetryable = envelope.isRetryable;
  return result;
}
