import { readdir } from 'node:fs/promises';
import type { Scene } from './scene';

/** The order of the report; scenes not listed here run after these, alphabetically. */
const ORDER = [
  'list-models',
  'generate-text',
  'stream-text',
  'tool-loop',
  'structured-output',
  'embeddings',
  'retry-after',
  'fallback',
  'quota',
  'abort',
  'stalled-stream',
  'span-tree',
  'ingestion',
];

const scenesDir = new URL('../scenes/', import.meta.url);

function rank(name: string): number {
  const index = ORDER.indexOf(name);
  return index === -1 ? ORDER.length : index;
}

/** Every scene in `src/scenes/`, by name (the file name): each file's default export. */
export async function loadScenes(): Promise<Map<string, Scene>> {
  const names = (await readdir(scenesDir))
    .filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts'))
    .map(file => file.slice(0, -'.ts'.length))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const scenes = new Map<string, Scene>();
  for (const name of names) {
    const module = (await import(new URL(`${name}.ts`, scenesDir).href)) as { default?: Scene };
    if (typeof module.default?.run !== 'function') {
      throw new TypeError(`src/scenes/${name}.ts has no default export from defineScene()`);
    }
    scenes.set(name, module.default);
  }
  return scenes;
}
