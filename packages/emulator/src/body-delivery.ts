import { delay, waitForAbort, waitForDrain } from './io';
import type { RequestContext } from './request-context';
import { splitBySize } from './split-text';
import { dropAfterFlush } from './sse';

/** Default characters per slice of a dripped body. */
const DRIP_CHUNK_SIZE = 16;

/**
 * Sends a complete body (with `content-length`) under the request's fault: `stall: 'after-headers'`
 * sends the head and holds; `stall: 'mid-stream'` sends half the body and holds; `dripMs` sends it in
 * slices `dripMs` apart; with `resettable`, `reset: 'mid-stream'` sends half and drops the connection.
 * A held or dripping answer ends when the client goes away (its timers cleared).
 */
export async function deliverBody(
  ctx: RequestContext,
  status: number,
  text: string,
  headers: Record<string, string>,
  resettable: boolean,
): Promise<void> {
  const { res, fault, signal } = ctx;
  if (res.headersSent || res.destroyed) return;
  ctx.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  const half = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  if (fault?.stall === 'after-headers') {
    res.flushHeaders();
    await waitForAbort(signal);
  } else if (fault?.stall === 'mid-stream') {
    res.write(half);
    await waitForAbort(signal);
  } else if (resettable && fault?.reset === 'mid-stream') {
    ctx.record.outcome = 'reset';
    res.write(half, () => dropAfterFlush(res));
  } else if (fault?.dripMs !== undefined) {
    res.flushHeaders();
    const pieces = splitBySize(text, fault.chunkSize ?? DRIP_CHUNK_SIZE);
    for (const [index, piece] of pieces.entries()) {
      if (index > 0 && !(await delay(fault.dripMs, signal))) return;
      if (!res.write(piece) && !(await waitForDrain(res, signal))) return;
    }
    res.end();
  } else {
    res.end(text);
  }
}
