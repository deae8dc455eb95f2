/**
 * The demo: runs every scene in `src/scenes/` (or the ones named on the command line) against the
 * in-process emulator, or against Alaya when `ALAYA_API_KEY` is set, and reports what each one checked.
 * Exit code 0 when no scene failed, 1 when one did, 2 for an unknown scene name.
 */
import { loadScenes } from './harness/load-scenes';
import { printSceneEnd, printSceneStart, printSummary } from './harness/report';
import { runScene, type SceneResult } from './harness/run-scene';
import { startTarget } from './harness/target';

const USAGE = `Usage: npm run demo [-- <scene>...]   (from the repository root)
       pnpm --filter @alaya-code/example-node start [<scene>...]
       --help, -h: this text and the scene names

Runs every scene, or the ones named. ALAYA_API_KEY unset: the Alaya emulator, in-process and offline;
set: the Alaya service (ALAYA_BASE_URL, default https://codingplan.alayanew.com/v1), and the scenes that
script faults are skipped. ALAYA_EMBEDDING_MODEL picks the embedding model (default bge-m3, which the
emulator serves; Alaya documents no embedding model, so against it set one your plan lists).`;

async function main(argv: readonly string[]): Promise<number> {
  const scenes = await loadScenes();
  const args = argv.filter(arg => arg !== '--'); // pnpm hands a `--` through
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n\nScenes: ${[...scenes.keys()].join(', ')}\n`);
    return 0;
  }
  const unknown = args.filter(name => !scenes.has(name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown scene "${unknown[0]}"; choose from: ${[...scenes.keys()].join(', ')}\n`,
    );
    return 2;
  }
  const selected = args.length > 0 ? [...new Set(args)] : [...scenes.keys()];

  const target = await startTarget();
  const results: SceneResult[] = [];
  try {
    process.stdout.write(`${target.banner}\n`);
    for (const name of selected) {
      const scene = scenes.get(name)!;
      printSceneStart(name, scene, target.emulator !== undefined);
      const result = await runScene(name, scene, target);
      printSceneEnd(result);
      results.push(result);
    }
    printSummary(results);
  } finally {
    await target.close();
  }
  return results.some(result => result.status === 'fail') ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
