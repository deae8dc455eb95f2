/**
 * The demo program: arguments, emulator or service, the scenes, the exit code.
 */
import { helpText, listText, parseCli, selectScenes, UsageError } from './cli';
import { exitCodeFor, runScenes } from './runner';
import { scenes } from './scenes/index';
import { setupTarget } from './setup';
import { createUi, formatMs } from './ui';

/** Time budget per scene: far above what any scene needs, so only a hang trips it. */
const SCENE_TIMEOUT_MS = 20_000;

/** Runs the demo for `argv` (without node and script paths) and returns the exit code. */
export async function runDemo(argv: readonly string[]): Promise<number> {
  const ui = createUi();
  let selected: typeof scenes;
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(argv);
    selected = selectScenes(scenes, options.scenes);
  } catch (error) {
    if (!UsageError.isInstance(error)) throw error;
    process.stderr.write(`error: ${error.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (options.help) {
    ui.line(helpText(scenes));
    return 0;
  }
  if (options.list) {
    ui.line(listText(scenes));
    return 0;
  }

  const started = performance.now();
  const target = await setupTarget();
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    ui.line(ui.style.bold(target.banner));
    ui.line(
      ui.style.dim(
        `${selected.length} scene${selected.length === 1 ? '' : 's'} (ready in ${formatMs(performance.now() - started)}); run one with --scene <name>, list them with --list`,
      ),
    );
    const results = await runScenes(selected, target, ui, {
      sceneTimeoutMs: SCENE_TIMEOUT_MS,
      signal: controller.signal,
    });
    if (controller.signal.aborted) return 130;
    return exitCodeFor(results);
  } finally {
    process.off('SIGINT', onSigint);
    await target.close();
  }
}
