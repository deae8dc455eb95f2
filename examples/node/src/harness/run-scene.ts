import type { Scene } from './scene';
import type { Target } from './target';

/** How one scene ended, for the report and the exit code. */
export interface SceneResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly ms: number;
  /** Each check's description and outcome, in order. */
  readonly checks: ReadonlyArray<readonly [description: string, ok: boolean]>;
  /** Why it was skipped, or what went wrong. */
  readonly note?: string;
}

/** Far above what any scene needs, so only a hang trips it. */
const SCENE_TIMEOUT_MS = 30_000;

/** The error's name and message, and its hint when it has one; never its request or headers. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { hint } = error as { hint?: unknown };
  return `${error.name}: ${error.message}${typeof hint === 'string' ? ` (hint: ${hint})` : ''}`;
}

function timeout(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms / 1000} s`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Runs one scene against the target: queues its faults and sets its limits on the emulator, runs
 * the example, then evaluates its checks plus two of the harness's own (every queued fault was used;
 * a scene without faults or limits got only 200s), and lifts the limits. Never throws.
 */
export async function runScene<T>(
  name: string,
  scene: Scene<T>,
  target: Target,
): Promise<SceneResult> {
  const { emulator } = target;
  const started = performance.now();
  const end = (status: SceneResult['status'], checks: SceneResult['checks'], note?: string) => ({
    name,
    status,
    ms: performance.now() - started,
    checks,
    ...(note !== undefined && { note }),
  });
  if ((scene.faults || scene.limits) && !emulator) {
    return end('skip', [], 'needs the emulator to script its faults (unset ALAYA_API_KEY)');
  }
  emulator?.clearFaults();
  if (scene.faults) emulator?.enqueueFaults(scene.faults);
  if (scene.limits) emulator?.setLimits(scene.limits);
  const seen = emulator?.requests.length ?? 0;
  const limit = timeout(SCENE_TIMEOUT_MS);
  try {
    const value = await Promise.race([scene.run(), limit.promise]);
    const ms = performance.now() - started;
    const requests = emulator?.requests.slice(seen) ?? [];
    const checks = Object.entries(scene.checks({ value, requests, ms, emulated: !!emulator }));
    if (emulator && scene.faults) {
      checks.push(['every scripted fault was used', emulator.pendingFaults().length === 0]);
    } else if (emulator && !scene.limits) {
      checks.push([
        'the emulator answered every request with 200',
        requests.length > 0 && requests.every(request => request.status === 200),
      ]);
    }
    const failed = checks.filter(([, ok]) => !ok).length;
    return failed === 0
      ? end('pass', checks)
      : end('fail', checks, `${failed} of ${checks.length} checks failed`);
  } catch (error) {
    const skip = scene.skipOn?.(error, !!emulator);
    if (skip !== undefined) return end('skip', [], `${skip} (${describeError(error)})`);
    return end('fail', [], `threw ${describeError(error)}`);
  } finally {
    limit.cancel();
    emulator?.clearFaults();
    if (scene.limits) emulator?.setLimits({});
  }
}
