import { type Scene, type SceneContext, SceneSkipped } from './scene';
import type { DemoTarget } from './setup';
import { formatMs, type Ui } from './ui';

/** How a scene ended. */
export type SceneStatus = 'pass' | 'fail' | 'skip';

/** One scene's outcome, for the summary and the exit code. */
export interface SceneResult {
  readonly scene: Scene;
  readonly status: SceneStatus;
  readonly durationMs: number;
  /** Why it was skipped, or what went wrong. */
  readonly note?: string;
}

/** Options for {@link runScenes}. */
export interface RunOptions {
  /** Time budget per scene; the scene's signal aborts and the scene fails when it runs over. */
  readonly sceneTimeoutMs: number;
  /** Aborts every scene (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** The error's name, message, and hint if it has one; never its request body or headers. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const hint = (error as { hint?: unknown }).hint;
  return `${error.name}: ${error.message}${typeof hint === 'string' ? ` (hint: ${hint})` : ''}`;
}

class SceneTimedOut extends Error {
  constructor(ms: number) {
    super(`scene did not finish within ${formatMs(ms)}`);
    this.name = 'SceneTimedOut';
  }
}

/** Runs one scene: prints its label, steps and checks, and returns its outcome. Never throws. */
export async function runScene(
  scene: Scene,
  target: DemoTarget,
  ui: Ui,
  options: RunOptions,
): Promise<SceneResult> {
  const { style } = ui;
  const pad = '   ';
  /** Lines without a timestamp line up with the text of timestamped steps. */
  const indent = `${pad}${' '.repeat(11)}`;
  ui.line();
  ui.line(
    `${style.bold(style.cyan(`${scene.id}. ${scene.title}`))}  ${style.dim(`--scene ${scene.name}`)}`,
  );

  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const end = (status: SceneStatus, note?: string): SceneResult => {
    const durationMs = elapsed();
    if (status === 'skip') {
      ui.line(`${pad}${style.yellow(`skipped: ${note}`)}`);
    } else {
      const label = status === 'pass' ? style.green('PASS') : style.red('FAIL');
      const took = style.dim(`in ${formatMs(durationMs)}`);
      ui.line(`${pad}${label} ${took}${note ? `: ${note}` : ''}`);
    }
    return { scene, status, durationMs, ...(note ? { note } : {}) };
  };

  if (scene.needsEmulator && target.kind !== 'emulator') {
    return end('skip', 'needs the emulator (unset ALAYA_API_KEY to run it offline)');
  }

  let checks = 0;
  let failedChecks = 0;
  let midLine = false;
  const breakLine = () => {
    if (midLine) ui.line();
    midLine = false;
  };
  const controller = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([controller.signal, options.signal])
    : controller.signal;
  const context: SceneContext = {
    target,
    ui,
    signal,
    elapsed,
    code: text => {
      breakLine();
      ui.line(`${indent}${style.magenta(`› ${text}`)}`);
    },
    step: text => {
      breakLine();
      ui.line(`${pad}${style.dim(`+${formatMs(elapsed()).padStart(8)}`)}  ${text}`);
    },
    write: text => {
      if (text === '') return;
      if (!midLine) ui.write(indent);
      ui.write(text.replace(/\n/g, `\n${indent}`));
      midLine = true;
    },
    check: (ok, description) => {
      breakLine();
      checks++;
      if (!ok) failedChecks++;
      ui.line(`${indent}${ok ? style.green('✓') : style.red('✗')} ${description}`);
      return ok;
    },
    skip: reason => {
      throw new SceneSkipped(reason);
    },
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new SceneTimedOut(options.sceneTimeoutMs);
      controller.abort(error);
      reject(error);
    }, options.sceneTimeoutMs);
  });
  try {
    await Promise.race([scene.run(context), timeout]);
    breakLine();
    // A scene that checked nothing proved nothing.
    if (checks === 0) return end('fail', 'the scene made no checks');
    return failedChecks === 0
      ? end('pass')
      : end('fail', `${failedChecks} of ${checks} checks failed`);
  } catch (error) {
    breakLine();
    if (SceneSkipped.isInstance(error)) return end('skip', error.reason);
    if (options.signal?.aborted) return end('fail', 'interrupted');
    ui.line(`${indent}${style.red('✗')} threw ${describeError(error)}`);
    return end('fail', error instanceof SceneTimedOut ? error.message : 'threw an error');
  } finally {
    clearTimeout(timer);
  }
}

/** Runs scenes one after another and prints a summary table. */
export async function runScenes(
  scenes: readonly Scene[],
  target: DemoTarget,
  ui: Ui,
  options: RunOptions,
): Promise<SceneResult[]> {
  const results: SceneResult[] = [];
  for (const scene of scenes) {
    if (options.signal?.aborted) break;
    // Each scene starts with an empty fault queue, whatever the previous one left behind.
    target.emulator?.clearFaults();
    results.push(await runScene(scene, target, ui, options));
  }
  printSummary(results, ui);
  return results;
}

/** Prints one line per scene and the totals. */
export function printSummary(results: readonly SceneResult[], ui: Ui): void {
  const { style } = ui;
  const total = results.reduce((sum, result) => sum + result.durationMs, 0);
  const count = (status: SceneStatus) => results.filter(result => result.status === status).length;
  const width = Math.max(
    ...results.map(result => result.scene.title.length + result.scene.id.length),
  );
  ui.line();
  ui.line(style.bold('Summary'));
  for (const { scene, status, durationMs } of results) {
    const label =
      status === 'pass'
        ? style.green('PASS')
        : status === 'fail'
          ? style.red('FAIL')
          : style.yellow('SKIP');
    const name = `${scene.id}. ${scene.title}`.padEnd(width + 2);
    ui.line(`  ${label}  ${name}  ${style.dim(formatMs(durationMs).padStart(9))}`);
  }
  const failed = count('fail');
  const totals = `${count('pass')} passed, ${failed} failed, ${count('skip')} skipped in ${formatMs(total)}`;
  ui.line(failed > 0 ? style.red(style.bold(totals)) : style.green(style.bold(totals)));
}

/** 0 when at least one scene ran and none failed (a skip is expected behaviour), 1 otherwise. */
export function exitCodeFor(results: readonly SceneResult[]): number {
  return results.length > 0 && results.every(result => result.status !== 'fail') ? 0 : 1;
}
