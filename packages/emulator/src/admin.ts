import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from './envelope';
import { InvalidFaultError, parseFaults } from './faults';
import { parseJsonBody, readBody } from './io';
import type { RateLimits } from './rate-limiter';
import { type EmulatorState, resetState } from './state';

/** Path prefix of the admin endpoints (no API key needed). */
export const ADMIN_PREFIX = '/__emulator';

async function readJson(req: IncomingMessage, res: ServerResponse, state: EmulatorState) {
  const body = await readBody(req, state.maxBodyBytes);
  if (!body.ok) {
    if (body.reason === 'too-large') sendError(res, 413);
    return undefined;
  }
  const json = parseJsonBody(body.body);
  if (!json.ok) {
    sendError(res, 400, { message: json.message, code: 'invalid_json' });
    return undefined;
  }
  return json;
}

/**
 * The admin API for out-of-process users:
 * `GET /__emulator/health`, `GET|POST|DELETE /__emulator/faults`, `GET|DELETE /__emulator/requests`,
 * `POST /__emulator/reset`, `GET|POST /__emulator/limits`.
 */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: EmulatorState,
): Promise<void> {
  const method = req.method ?? 'GET';
  res.setHeader('x-request-id', `req_${randomBytes(12).toString('hex')}`);
  const route = `${method} ${path.slice(ADMIN_PREFIX.length)}`;
  switch (route) {
    case 'GET /health':
      sendJson(res, 200, { ok: true });
      return;
    case 'GET /faults':
      sendJson(res, 200, { object: 'list', data: state.faults.pending() });
      return;
    case 'DELETE /faults':
      state.faults.clear();
      sendJson(res, 200, { ok: true, pending: 0 });
      return;
    case 'POST /faults': {
      const json = await readJson(req, res, state);
      if (!json) return;
      try {
        const faults = parseFaults(json.value);
        state.faults.enqueue(faults);
        sendJson(res, 200, { ok: true, queued: faults.length, pending: state.faults.size });
      } catch (error) {
        if (!InvalidFaultError.isInstance(error)) throw error;
        sendError(res, 400, { message: error.message, code: 'invalid_emulator_fault' });
      }
      return;
    }
    case 'GET /requests':
      sendJson(res, 200, { object: 'list', data: state.requests });
      return;
    case 'DELETE /requests':
      state.requests.length = 0;
      sendJson(res, 200, { ok: true });
      return;
    case 'POST /reset':
      resetState(state);
      sendJson(res, 200, { ok: true });
      return;
    case 'GET /limits':
      sendJson(res, 200, state.limiter.current);
      return;
    case 'POST /limits': {
      const json = await readJson(req, res, state);
      if (!json) return;
      try {
        const value = (json.value ?? {}) as RateLimits;
        if (typeof value !== 'object' || Array.isArray(value))
          throw new TypeError('limits must be an object');
        state.limiter.setLimits(value);
        sendJson(res, 200, state.limiter.current);
      } catch (error) {
        sendError(res, 400, {
          message: error instanceof Error ? error.message : 'invalid limits',
          code: 'invalid_emulator_limits',
        });
      }
      return;
    }
    default:
      sendError(res, 404, { message: `Unknown emulator admin endpoint: ${method} ${path}` });
  }
}
