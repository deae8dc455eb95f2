import { type AlayaErrorEnvelope, type EnvelopeOverrides, statusDefaults } from './envelope';
import type { EmulatorFault } from './faults';
import type { ErrorStyle } from './one-api-envelope';

/** What renders a fault's error body: the request's style and its envelope (see `RequestContext`). */
export interface ErrorBodies {
  readonly errorStyle: ErrorStyle;
  errorBody(status: number, overrides?: EnvelopeOverrides): AlayaErrorEnvelope;
}

/** A fully rendered error response: status, headers and body bytes. */
export interface RenderedFault {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const HTML_TEMPLATE = (status: number, reason: string) =>
  `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** Headers a fault adds to any response: `Retry-After`, `retry-after-ms`, and its extra headers. */
export function faultHeaders(fault: EmulatorFault): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  for (const [name, value] of Object.entries(fault.headers ?? {}))
    headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * Renders an error fault (`status` >= 300): the JSON envelope in the request's style by default
 * (Alaya's error guide, or One API's), or an nginx-style HTML page, plain text, an empty body,
 * truncated JSON, or a raw string.
 */
export function renderErrorFault(
  fault: EmulatorFault & { status: number },
  bodies: ErrorBodies,
): RenderedFault {
  const { status } = fault;
  const defaults = statusDefaults(status);
  const envelope = JSON.stringify(
    bodies.errorBody(status, {
      ...(fault.message !== undefined ? { message: fault.message } : {}),
      ...(fault.type !== undefined ? { type: fault.type } : {}),
      ...(fault.code !== undefined ? { code: fault.code } : {}),
    }),
  );
  let body: string;
  let contentType: string | undefined;
  const kind = fault.body ?? 'json';
  if (typeof kind === 'object') {
    body = kind.raw;
    contentType = 'application/octet-stream';
  } else if (kind === 'html') {
    body = HTML_TEMPLATE(status, defaults.reason);
    contentType = 'text/html; charset=utf-8';
  } else if (kind === 'text') {
    body = fault.message ?? `${status} ${defaults.reason}`;
    contentType = 'text/plain; charset=utf-8';
  } else if (kind === 'empty') {
    body = '';
  } else if (kind === 'truncated-json') {
    body = envelope.slice(0, Math.max(1, Math.floor(envelope.length / 2)));
    contentType = 'application/json; charset=utf-8';
  } else {
    body = envelope;
    contentType = 'application/json; charset=utf-8';
  }
  const headers: Record<string, string> = {};
  const type = fault.contentType ?? contentType;
  if (type !== undefined) headers['content-type'] = type;
  return { status, headers: { ...headers, ...faultHeaders(fault) }, body };
}

/** The body of a `nonJson200` fault. */
export function nonJsonBody(fault: EmulatorFault): string {
  return typeof fault.nonJson200 === 'string'
    ? fault.nonJson200
    : '<html><body>Upstream returned an unexpected page</body></html>';
}

/** Message and type of a stream error event when the fault gives none, per error style. */
const STREAM_ERROR_DEFAULTS: Readonly<Record<ErrorStyle, { message: string; type: string }>> = {
  alaya: {
    message: 'The upstream model stream failed: upstream connection lost',
    type: 'server_error',
  },
  'one-api': { message: '上游流式响应中断', type: 'upstream_error' },
};

/** The SSE error event payload of a `streamError` fault, in the request's style. */
export function streamErrorPayload(fault: EmulatorFault, bodies: ErrorBodies): string {
  const overrides = typeof fault.streamError === 'object' ? fault.streamError : {};
  const status = fault.status !== undefined && fault.status >= 400 ? fault.status : 500;
  const defaults = STREAM_ERROR_DEFAULTS[bodies.errorStyle];
  return JSON.stringify(
    bodies.errorBody(status, {
      message: overrides.message ?? fault.message ?? defaults.message,
      type: overrides.type ?? fault.type ?? defaults.type,
      code: overrides.code ?? fault.code ?? 'stream_error',
    }),
  );
}
