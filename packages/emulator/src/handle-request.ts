import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import { applyFault } from './apply-fault';
import { keyFingerprint } from './auth';
import { type EmulatorFault, parseFault } from './faults';
import { type JsonResult, parseJsonBody, readBody } from './io';
import { oneApiRequestId } from './one-api-envelope';
import { RequestContext } from './request-context';
import { appendRecord, type EmulatorRequestRecord } from './request-log';
import { route } from './router';
import type { EmulatorState } from './state';
import { parseStreamOptions, STREAM_HEADER } from './stream-shaping';

/** The request header that injects a fault into that one request (a JSON {@link EmulatorFault}). */
export const FAULT_HEADER = 'x-alaya-emulator-fault';

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query >= 0 ? raw.slice(0, query) : raw;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Opens the log record of an API request and finishes it (outcome, duration, log line) on close. */
function track(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: EmulatorState,
  inFlight: Set<RequestContext>,
): RequestContext {
  const time = Date.now();
  state.requestSequence += 1;
  const record: EmulatorRequestRecord = {
    id:
      state.errorStyle === 'one-api'
        ? oneApiRequestId(time, state.requestSequence)
        : `req_${randomBytes(12).toString('hex')}`,
    time,
    method: req.method ?? 'GET',
    path,
    outcome: 'pending',
  };
  appendRecord(state.requests, record, state.maxRequestLog);
  const presented = /^bearer (.+)$/is.exec(headerValue(req, 'authorization') ?? '')?.[1];
  if (presented !== undefined) record.keyFingerprint = keyFingerprint(presented);
  const ctx = new RequestContext(req, res, record, state.errorStyle);
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
  return ctx;
}

/** Parses one JSON request header with `parse`; an invalid one answers 400 `code` (undefined then). */
function parseHeader<T>(
  ctx: RequestContext,
  name: string,
  code: string,
  parse: (value: unknown) => T,
): { ok: true; value: T | undefined } | { ok: false } {
  const raw = headerValue(ctx.req, name);
  if (raw === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: parse(JSON.parse(raw)) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'not JSON';
    ctx.sendError(400, { message: `Invalid ${name} header: ${detail}`, code });
    return { ok: false };
  }
}

/**
 * Handles one request: admin paths go to the admin API; API requests are logged, their body read,
 * the stream shaping and fault (header first, else the queue) resolved and applied, then routed.
 */
export async function handleRequest(
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
  const ctx = track(req, res, path, state, inFlight);
  const { record } = ctx;
  const body = await readBody(req, state.maxBodyBytes);
  if (!body.ok) {
    if (body.reason === 'too-large') {
      const message = `Request body too large: the limit is ${state.maxBodyBytes} bytes`;
      ctx.sendError(413, { message }, { connection: 'close' });
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

  const shaping = parseHeader(ctx, STREAM_HEADER, 'invalid_emulator_stream', parseStreamOptions);
  if (!shaping.ok) return;
  const headerFault = parseHeader(ctx, FAULT_HEADER, 'invalid_emulator_fault', parseFault);
  if (!headerFault.ok) return;
  const fault: EmulatorFault | undefined = headerFault.value
    ? state.faults.selectHeaderFault(headerFault.value)
    : state.faults.take({ path, ...(record.model !== undefined ? { model: record.model } : {}) });
  if (fault && (await applyFault(ctx, fault))) return;
  await route(ctx, path, { state, json, shaping: shaping.value ?? {} });
}
