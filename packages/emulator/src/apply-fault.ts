import { deliverBody } from './body-delivery';
import { nonJsonBody, renderErrorFault } from './fault-response';
import { type EmulatorFault, isErrorFault } from './faults';
import { delay } from './io';
import type { RequestContext } from './request-context';

/**
 * Applies the part of a fault that comes before routing: records it, waits `firstByteDelayMs`, then
 * resets before headers, or answers with the error status or the non-JSON 200 (stall and drip
 * apply to those bodies too). Returns true when the request is done; otherwise the fault's stream
 * and body effects are left to the handler, through the context.
 */
export async function applyFault(ctx: RequestContext, fault: EmulatorFault): Promise<boolean> {
  ctx.applyFault(fault);
  if (!(await delay(fault.firstByteDelayMs ?? 0, ctx.signal))) return true;
  if (fault.reset === 'before-headers') {
    ctx.resetConnection();
    return true;
  }
  if (isErrorFault(fault)) {
    const rendered = renderErrorFault(fault as EmulatorFault & { status: number }, ctx);
    await deliverBody(ctx, rendered.status, rendered.body, rendered.headers, false);
    return true;
  }
  if (fault.nonJson200 !== undefined && fault.nonJson200 !== false) {
    const contentType = fault.contentType ?? 'text/html; charset=utf-8';
    await deliverBody(ctx, 200, nonJsonBody(fault), { 'content-type': contentType }, false);
    return true;
  }
  return false;
}
