import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliverBody } from './body-delivery';
import { type EnvelopeOverrides, errorEnvelope } from './envelope';
import { faultHeaders } from './fault-response';
import type { EmulatorFault } from './faults';
import type { EmulatorRequestRecord } from './request-log';

/**
 * One API request in flight: its log record, an abort signal (client gone or server closing), and
 * response helpers that record the status sent and add `x-request-id` and the fault's headers.
 */
export class RequestContext {
  /** Aborted when the client disconnects early or the emulator closes. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private faultApplied: EmulatorFault | undefined;
  /** Headers added to every response of this request (`x-request-id`, then the fault's headers). */
  baseHeaders: Record<string, string>;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly record: EmulatorRequestRecord,
  ) {
    this.signal = this.controller.signal;
    this.baseHeaders = { 'x-request-id': record.id };
  }

  /** The fault applied to this request, if any. */
  get fault(): EmulatorFault | undefined {
    return this.faultApplied;
  }

  /** Applies a fault: logs it and adds its headers (`Retry-After`, extra headers) to every answer. */
  applyFault(fault: EmulatorFault): void {
    this.faultApplied = fault;
    this.record.fault = fault;
    this.baseHeaders = { ...this.baseHeaders, ...faultHeaders(fault) };
  }

  /** Aborts the request's work (timers, streams). */
  abort(): void {
    this.controller.abort();
  }

  /** Writes the response head and records the status. */
  writeHead(status: number, headers: Record<string, string>): void {
    this.record.status = status;
    this.res.writeHead(status, { ...this.baseHeaders, ...headers });
  }

  /** Sends a complete body (string) with `content-length`. */
  send(status: number, body: string, headers: Record<string, string> = {}): void {
    if (this.res.headersSent || this.res.destroyed) return;
    this.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    this.res.end(body);
  }

  /** Sends a JSON body as it is (validation errors and the like: faults do not touch it). */
  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send(status, JSON.stringify(body), {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
    });
  }

  /** Sends a successful JSON answer under the request's fault (stall, drip, mid-body reset). */
  answer(status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    return deliverBody(
      this,
      status,
      JSON.stringify(body),
      { ...headers, 'content-type': 'application/json; charset=utf-8' },
      true,
    );
  }

  /** Sends the error envelope of Alaya's error guide. */
  sendError(
    status: number,
    overrides: EnvelopeOverrides = {},
    headers: Record<string, string> = {},
  ): void {
    this.sendJson(status, errorEnvelope(status, overrides), headers);
  }

  /** Resets the connection without sending anything (the client sees ECONNRESET). */
  resetConnection(): void {
    this.record.outcome = 'reset';
    const socket = this.req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }
}
