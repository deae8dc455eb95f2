import { createRandom, type Random } from './deterministic';
import type { EmulatorFault, FaultMatch } from './fault-types';
import { parseFaults } from './faults';

/** The request facts a queued fault is matched against. */
export interface FaultTarget {
  path: string;
  model?: string;
}

interface QueuedFault {
  fault: EmulatorFault;
  /** Applications left; `Infinity` for a `fraction` fault without `times`. */
  remaining: number;
  /** The draws of a `fraction` fault. */
  draw?: Random;
}

/** The generator behind a `fraction` fault's choices. */
function drawsOf(fault: EmulatorFault): Random | undefined {
  return fault.fraction === undefined ? undefined : createRandom(fault.seed ?? 0);
}

/** Strips the queue-only fields (`match`, `times`) from a fault about to be applied. */
function applied(fault: EmulatorFault): EmulatorFault {
  const { match: _match, times: _times, ...rest } = fault;
  return rest;
}

/**
 * FIFO queue of faults; each request takes the first fault that matches it (and, for a `fraction`
 * fault, whose draw selects it). Header faults with a `fraction` draw from a generator per distinct
 * fault, so the n-th request carrying the same header fault gets the n-th draw.
 */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];
  private readonly headerDraws = new Map<string, Random>();

  /** Number of queued faults (each counted once, whatever its `times`). */
  get size(): number {
    return this.queue.length;
  }

  /** Appends faults (validated) to the queue. */
  enqueue(faults: readonly EmulatorFault[]): void {
    for (const fault of parseFaults(faults)) {
      const draw = drawsOf(fault);
      const remaining = fault.times ?? (draw ? Number.POSITIVE_INFINITY : 1);
      this.queue.push({ fault, remaining, ...(draw ? { draw } : {}) });
    }
  }

  /** Drops every queued fault and forgets the header faults' draws. */
  clear(): void {
    this.queue.length = 0;
    this.headerDraws.clear();
  }

  /** The faults still queued, with their remaining counts (`Infinity` for unlimited; `null` in JSON). */
  pending(): Array<EmulatorFault & { remaining: number }> {
    return this.queue.map(entry => ({
      ...structuredClone(entry.fault),
      remaining: entry.remaining,
    }));
  }

  /** Takes the first fault matching `target` (and selected by its draw), consuming one of its `times`. */
  take(target: FaultTarget): EmulatorFault | undefined {
    for (let index = 0; index < this.queue.length; index++) {
      const entry = this.queue[index] as QueuedFault;
      if (!matches(entry.fault.match, target)) continue;
      if (entry.draw && !(entry.draw() < (entry.fault.fraction as number))) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.queue.splice(index, 1);
      return applied(entry.fault);
    }
    return undefined;
  }

  /** Decides whether a header fault applies to this request (always, unless it has a `fraction`). */
  selectHeaderFault(fault: EmulatorFault): EmulatorFault | undefined {
    if (fault.fraction === undefined) return applied(fault);
    const key = JSON.stringify(fault);
    let draw = this.headerDraws.get(key);
    if (!draw) {
      draw = drawsOf(fault) as Random;
      this.headerDraws.set(key, draw);
    }
    return draw() < fault.fraction ? applied(fault) : undefined;
  }
}

function matches(match: FaultMatch | undefined, target: FaultTarget): boolean {
  if (!match) return true;
  if (
    match.path !== undefined &&
    match.path !== target.path &&
    `/v1${match.path}` !== target.path
  ) {
    return false;
  }
  if (match.model !== undefined && match.model !== target.model) return false;
  return true;
}
