import { parseArgs } from 'node:util';
import type { Scene } from './scene';
import { DEFAULT_BASE_URL, DEFAULT_EMBEDDING_MODEL } from './setup';

/** What the command line asked for. */
export interface CliOptions {
  readonly help: boolean;
  readonly list: boolean;
  /** Scene selectors as typed (names, ids, groups); empty means every scene. */
  readonly scenes: readonly string[];
}

const usageMarker = Symbol.for('alaya.example-node.usage');

/** A command-line mistake: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  readonly [usageMarker] = true;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }

  static isInstance(error: unknown): error is UsageError {
    return typeof error === 'object' && error !== null && usageMarker in error;
  }
}

/**
 * Parses `argv` (without the node and script paths). A bare `--` is ignored, because
 * `pnpm start -- --scene stream` hands it through to the script.
 */
export function parseCli(argv: readonly string[]): CliOptions {
  try {
    const { values, positionals } = parseArgs({
      args: argv.filter(arg => arg !== '--'),
      options: {
        scene: { type: 'string', short: 's', multiple: true },
        list: { type: 'boolean', short: 'l' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument "${positionals[0]}" (did you mean --scene ${positionals[0]}?)`,
      );
    }
    const scenes = (values.scene ?? [])
      .flatMap(value => value.split(','))
      .map(value => value.trim())
      .filter(value => value !== '');
    if (values.scene !== undefined && scenes.length === 0) {
      throw new UsageError('--scene needs a scene name, e.g. --scene stream');
    }
    return { help: values.help === true, list: values.list === true, scenes };
  } catch (error) {
    if (UsageError.isInstance(error)) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Named groups of scenes accepted by `--scene`. */
export const SCENE_GROUPS: Readonly<Record<string, (scene: Scene) => boolean>> = {
  all: () => true,
  resilience: scene => scene.id.startsWith('7'),
  '7': scene => scene.id.startsWith('7'),
};

/**
 * Resolves selectors (scene name, scene id like `3` or `7b`, or a group) to scenes, in demo order,
 * each once. Throws a {@link UsageError} naming the valid choices for anything unknown.
 */
export function selectScenes(all: readonly Scene[], selectors: readonly string[]): Scene[] {
  if (selectors.length === 0) return [...all];
  const chosen = new Set<Scene>();
  for (const selector of selectors) {
    const key = selector.toLowerCase();
    const group = SCENE_GROUPS[key];
    const matches = group
      ? all.filter(group)
      : all.filter(scene => scene.name === key || scene.id === key);
    if (matches.length === 0) {
      const names = all.map(scene => scene.name).join(', ');
      throw new UsageError(
        `unknown scene "${selector}"; choose from: ${names}, ${Object.keys(SCENE_GROUPS).join(', ')}`,
      );
    }
    for (const scene of matches) chosen.add(scene);
  }
  return all.filter(scene => chosen.has(scene));
}

/** The `--help` text. */
export function helpText(all: readonly Scene[]): string {
  return `Alaya AI SDK demo: every feature of the Alaya provider and middleware in under a minute.

Usage:
  npm run demo                                              from the repository root: install, build, run
  pnpm --filter @alaya-code/example-node start -- [options]  (no pnpm? use npx pnpm@10.34.8)

Options:
  -s, --scene <name>  run only these scenes (repeat, or separate with commas);
                      a name, a number (3, 7b) or a group (resilience, all)
  -l, --list          list the scenes and exit
  -h, --help          show this help and exit

Scenes:
${listText(all)}

Environment:
  ALAYA_API_KEY         unset: start the Alaya emulator in-process on a free port (offline);
                        set: talk to the real service (the fault scenes need the emulator: skipped)
  ALAYA_BASE_URL        the service URL (default ${DEFAULT_BASE_URL})
  ALAYA_MODEL           chat model (default glm-5.2)
  ALAYA_FALLBACK_MODEL  the fallback scene's second model (default glm-5.1)
  ALAYA_EMBEDDING_MODEL embedding model (default ${DEFAULT_EMBEDDING_MODEL}, which the emulator serves)
  NO_COLOR, FORCE_COLOR colour is on only when stdout is a terminal, unless these say otherwise

Exit code: 0 when every scene behaved as expected, 1 when one did not, 2 on a usage error.`;
}

/** One line per scene: id, `--scene` name, summary. */
export function listText(all: readonly Scene[]): string {
  const width = Math.max(...all.map(scene => scene.name.length));
  return all
    .map(scene => `  ${scene.id.padEnd(3)} ${scene.name.padEnd(width)}  ${scene.summary}`)
    .join('\n');
}
