import {
  type AlayaErrorEnvelope,
  type EnvelopeOverrides,
  messageForCode,
  type StatusDefaults,
} from './envelope';

/**
 * The shape of the emulator's error bodies: `alaya` (default) follows Alaya's error guide;
 * `one-api` answers as a One API gateway does (Alaya may run on one): a Chinese message with
 * ` (request id: …)` appended, One API's `type` values, and the id in `x-oneapi-request-id`.
 */
export type ErrorStyle = 'alaya' | 'one-api';

/** Every {@link ErrorStyle}. */
export const ERROR_STYLES: readonly ErrorStyle[] = ['alaya', 'one-api'];

/** The saturation message One API answers a 429 with ("upstream load of this group is saturated, try later"). */
export const ONE_API_SATURATION_MESSAGE = '当前分组上游负载已饱和，请稍后再试';

/**
 * One API's `message`, `type` and `code` per status. Its `type` does not say what happened: the
 * 429 is the upstream-saturation message with `type: insufficient_quota`, as seen from One API
 * gateways; a fault's `type` picks any other (`upstream_error`, `new_api_error`,
 * `rate_limit_exceeded`). The `code`s are the Alaya style's, so a `code` override picks the same row.
 */
export const ONE_API_DEFAULTS: Readonly<Record<number, StatusDefaults>> = {
  400: row(
    'Bad Request',
    '请求格式错误：JSON 无效或缺少必填字段（如 model、messages）',
    'invalid_request',
  ),
  401: row('Unauthorized', '无效的令牌', 'invalid_api_key'),
  402: {
    reason: 'Payment Required',
    message: '用户额度不足：余额已用尽或已达月度消费上限，请升级套餐或购买加油包',
    type: 'insufficient_quota',
    code: 'insufficient_quota',
  },
  403: row('Forbidden', '当前套餐不支持该模型或功能', 'model_not_in_plan'),
  404: row('Not Found', '路径或模型名称无效', 'not_found'),
  405: row('Method Not Allowed', '不支持该请求方法', 'method_not_allowed'),
  408: row('Request Timeout', '请求超时', 'request_timeout'),
  409: row('Conflict', '请求冲突', 'conflict'),
  413: row('Payload Too Large', '请求体过大', 'request_too_large'),
  422: row('Unprocessable Entity', '无法处理的请求', 'unprocessable_entity'),
  429: {
    reason: 'Too Many Requests',
    message: ONE_API_SATURATION_MESSAGE,
    type: 'insufficient_quota',
    code: 'rate_limit_exceeded',
  },
  500: row('Internal Server Error', '服务器内部错误', 'internal_error'),
  502: row('Bad Gateway', '上游服务暂时不可用', 'bad_gateway', 'upstream_error'),
  503: row('Service Unavailable', '当前分组下无可用渠道，请稍后再试', 'service_unavailable'),
  504: row('Gateway Timeout', '上游服务响应超时', 'gateway_timeout', 'upstream_error'),
};

function row(
  reason: string,
  message: string,
  code: string,
  type = 'new_api_error',
): StatusDefaults {
  return { reason, message, type, code };
}

/** One API defaults for `status`, with a generic fallback for statuses not in the table. */
function oneApiDefaults(status: number): StatusDefaults {
  return (
    ONE_API_DEFAULTS[status] ??
    row(
      `Status ${status}`,
      `请求失败（状态码 ${status}）`,
      `http_${status}`,
      status >= 500 ? 'upstream_error' : 'new_api_error',
    )
  );
}

/**
 * The One API body for `status`: the overrides' message (else the row of their `code`, else the
 * status's), with ` (request id: <requestId>)` appended as One API does.
 */
export function oneApiEnvelope(
  status: number,
  overrides: EnvelopeOverrides,
  requestId: string,
): AlayaErrorEnvelope {
  const defaults = oneApiDefaults(status);
  const message =
    overrides.message ?? messageForCode(overrides.code, ONE_API_DEFAULTS) ?? defaults.message;
  const error: AlayaErrorEnvelope['error'] = {
    message: `${message} (request id: ${requestId})`,
    type: overrides.type ?? defaults.type,
    code: overrides.code ?? defaults.code,
  };
  if (overrides.param !== undefined) error.param = overrides.param;
  return { error };
}

/**
 * A request id in One API's format: the UTC time as `YYYYMMDDHHmmss`, then `sequence` as 8 digits
 * (modulo 10^8), e.g. `2026120710541500000042`.
 */
export function oneApiRequestId(time: number, sequence: number): string {
  const stamp = new Date(time).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${String(sequence % 100_000_000).padStart(8, '0')}`;
}

/** Checks an `errorStyle` option or fault field. */
export function isErrorStyle(value: unknown): value is ErrorStyle {
  return (ERROR_STYLES as readonly unknown[]).includes(value);
}
