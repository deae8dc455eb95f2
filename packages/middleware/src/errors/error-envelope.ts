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

/** Parses `body` as JSON and reads the envelope; `undefined` for non-JSON or non-envelope bodies. */
export function readErrorEnvelopeFromBody(body: string | undefined): ErrorEnvelope | undefined {
  if (body == null) return undefined;
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return readErrorEnvelope(JSON.parse(trimmed));
  } catch {
    return undefined;
  }
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
