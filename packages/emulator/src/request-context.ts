import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliverBody } from './body-delivery';
import { type AlayaErrorEnvelope, type EnvelopeOverrides, errorEnvelope } from './envelope';
import { faultHeaders } from './fault-response';
import type { EmulatorFault } from './faults';
import { type ErrorStyle, oneApiEnvelope } from './one-api-envelope';
import type { EmulatorRequestRecord } from './request-log';

/**
 * One API request in flight: its log record, an abort signal (client gone or server closing), and
 * response helpers that record the status sent and add `x-request-id` (`x-oneapi-request-id` in the
 * `one-api` error style) and the fault's headers.
 */
export class RequestContext {
  /** Aborted when the client disconnects early or the emulator closes. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private faultApplied: EmulatorFault | undefined;
  /** Headers added to every response of this request (the request id, then the fault's headers). */
  baseHeaders: Record<string, string>;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly record: EmulatorRequestRecord,
    private readonly defaultErrorStyle: ErrorStyle = 'alaya',
  ) {
    this.signal = this.controller.signal;
    const idHeader = defaultErrorStyle === 'one-api' ? 'x-oneapi-request-id' : 'x-request-id';
    this.baseHeaders = { [idHeader]: record.id };
  }

  /** The fault applied to this request, if any. */
  get fault(): EmulatorFault | undefined {
    return this.faultApplied;
  }

  /** The shape of this request's error bodies: the fault's `errorStyle`, else the emulator's. */
  get errorStyle(): ErrorStyle {
    return this.faultApplied?.errorStyle ?? this.defaultErrorStyle;
  }

  /** The error envelope for `status` in this request's style (One API's carries the request id). */
  errorBody(status: number, overrides: EnvelopeOverrides = {}): AlayaErrorEnvelope {
    return this.errorStyle === 'one-api'
      ? oneApiEnvelope(status, overrides, this.record.id)
      : errorEnvelope(status, overrides);
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

  /**
   * Sends the emulator's own error envelope (validation, auth, admission): Alaya's error guide, or in
   * the `one-api` style One API's body, whose Chinese message replaces the English one given here.
   */
  sendError(
    status: number,
    overrides: EnvelopeOverrides = {},
    headers: Record<string, string> = {},
  ): void {
    const { message, ...rest } = overrides;
    this.sendJson(
      status,
      this.errorBody(status, this.errorStyle === 'one-api' ? rest : overrides),
      headers,
    );
  }

  /** Resets the connection without sending anything (the client sees ECONNRESET). */
  resetConnection(): void {
    this.record.outcome = 'reset';
    const socket = this.req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }
}
