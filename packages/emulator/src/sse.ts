import type { ServerResponse } from 'node:http';
import { delay, waitForAbort, waitForDrain } from './io';

/**
 * Interrupts a stream after some events: drop the connection, send an SSE error event and end, or
 * stall (send nothing more until the client goes away).
 */
export interface StreamInterrupt {
  /** Data events written before the interruption. */
  afterChunks: number;
  action: 'reset' | 'error' | 'stall';
  /** JSON payload of the error event (`action: 'error'`). */
  errorPayload?: string;
}

/** Options of {@link writeSse}. */
export interface SseWriteOptions {
  /** Pause between events (the first event is not delayed). */
  chunkDelayMs: number;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  interrupt?: StreamInterrupt;
  /** Called after each data event with the running count. */
  onEvent?: (sent: number) => void;
}

/** How a stream ended. */
export type SseOutcome = 'completed' | 'reset' | 'error-event' | 'aborted';

/** Headers of an SSE response. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

const YIELD_EVERY = 512;

/** Ends the response by closing the socket once everything written so far is flushed. */
export function dropAfterFlush(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  socket.destroySoon();
}

/**
 * Writes `events` as SSE `data:` lines (objects are JSON-encoded) and ends with `data: [DONE]`.
 * Honours backpressure, the per-event delay, client aborts (stops at once, timers cleared) and an
 * optional interruption. The response head must already be written.
 */
export async function writeSse(
  res: ServerResponse,
  events: Iterable<unknown>,
  options: SseWriteOptions,
): Promise<SseOutcome> {
  const { signal, interrupt, chunkDelayMs } = options;
  let sent = 0;
  const interruptNow = async (): Promise<SseOutcome> => {
    if (interrupt?.action === 'error') {
      res.end(`data: ${interrupt.errorPayload ?? '{}'}\n\n`);
      return 'error-event';
    }
    if (interrupt?.action === 'stall') {
      await waitForAbort(signal);
      return 'aborted';
    }
    dropAfterFlush(res);
    return 'reset';
  };
  for (const event of events) {
    if (signal.aborted || res.destroyed) return 'aborted';
    if (interrupt && sent >= interrupt.afterChunks) return interruptNow();
    if (sent > 0) {
      if (chunkDelayMs > 0) {
        if (!(await delay(chunkDelayMs, signal))) return 'aborted';
      } else if (sent % YIELD_EVERY === 0) {
        await new Promise(resolve => setImmediate(resolve));
        if (signal.aborted || res.destroyed) return 'aborted';
      }
    }
    const line = `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`;
    const flushed = res.write(line);
    sent += 1;
    options.onEvent?.(sent);
    if (!flushed && !(await waitForDrain(res, signal))) return 'aborted';
  }
  if (signal.aborted || res.destroyed) return 'aborted';
  if (interrupt) return interruptNow();
  res.end('data: [DONE]\n\n');
  return 'completed';
}
