import type { EmulatorRequestRecord } from '@alaya-code/emulator';

/** What the goodput reads of a logged request: when it arrived and its status. */
type LoggedRequest = Pick<EmulatorRequestRecord, 'time' | 'status'>;

/**
 * Steady goodput of one fleet run: the 200s that arrived from the end of the first window through
 * the run's last request, ÷ what the limit admits in that span (one request per `windowMs / limit`,
 * both ends included). The first window's burst is left out (an empty window admits it at once).
 * The span ends with the last request, not with the workers' exit: once the callers' queued calls
 * have drained there is no demand left, and the last answer's latency and the processes' exit are
 * no capacity a client could have used.
 */
export function steadyGoodput(
  requests: readonly LoggedRequest[],
  firstSendAt: number,
  limit: number,
  windowMs: number,
): number {
  const from = firstSendAt + windowMs;
  const lastAt = Math.max(from, ...requests.map(r => r.time));
  const ok = requests.filter(r => r.status === 200 && r.time >= from).length;
  const admits = ((lastAt - from) * limit) / windowMs + 1;
  return ok / admits;
}
