import type { SceneResult } from './run-scene';
import type { Scene } from './scene';

const LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** `840 ms`, `1.25 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Printed before a scene runs: its name, what it shows, and the faults the emulator will apply. */
export function printSceneStart(name: string, scene: Scene, emulated: boolean): void {
  line();
  line(`── ${name}: ${scene.title}  (src/scenes/${name}.ts)`);
  if (emulated) {
    for (const fault of scene.faults ?? [])
      line(`   emulator fault queued: ${JSON.stringify(fault)}`);
    if (scene.limits) line(`   emulator limits set: ${JSON.stringify(scene.limits)}`);
  }
}

/** Printed after a scene ran: each check, then the outcome. */
export function printSceneEnd(result: SceneResult): void {
  for (const [description, ok] of result.checks) line(`   ${ok ? '✓' : '✗'} ${description}`);
  const note = result.note === undefined ? '' : `: ${result.note}`;
  line(`   ${LABEL[result.status]} in ${formatMs(result.ms)}${note}`);
}

/** One line per scene, then the totals. */
export function printSummary(results: readonly SceneResult[]): void {
  const width = Math.max(...results.map(result => result.name.length));
  const count = (status: SceneResult['status']) =>
    results.filter(result => result.status === status).length;
  const total = results.reduce((sum, result) => sum + result.ms, 0);
  line();
  line('Summary');
  for (const { name, status, ms } of results) {
    line(`  ${LABEL[status]}  ${name.padEnd(width)}  ${formatMs(ms).padStart(9)}`);
  }
  line(
    `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped in ${formatMs(total)}`,
  );
}
