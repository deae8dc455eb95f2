import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/** A recognisable API key to plant in a test and search for afterwards. */
export function plantedKey(): string {
  return `sk-alaya-planted-${randomBytes(12).toString('hex')}`;
}

/** Every rendering of a value a user or a log pipeline could see. */
function renderings(value: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['String()', safe(() => String(value))],
    ['inspect()', inspect(value, { depth: 8, showHidden: true, getters: false })],
    ['JSON.stringify()', safe(() => JSON.stringify(value) ?? '')],
  ];
  if (value instanceof Error) {
    out.push(['message', value.message], ['stack', value.stack ?? '']);
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function')
      out.push(['toJSON()', safe(() => JSON.stringify(toJSON.call(value)))]);
  }
  return out;
}

function safe(render: () => string): string {
  try {
    return render();
  } catch (error) {
    return `<render failed: ${error instanceof Error ? error.message : 'unknown'}>`;
  }
}

/** Shortest run of the key's secret part that counts as a leak (a cut-off excerpt leaks too). */
const LEAK_WINDOW = 10;

/**
 * Where `key`, or any 10-character run of its secret part (after the last `-`), shows up in `values`:
 * error messages, stacks, causes, `JSON.stringify`, `toJSON()` and `util.inspect` with hidden
 * properties. Empty when clean.
 */
export function findKeyLeaks(key: string, values: readonly unknown[]): string[] {
  const secret = key.slice(key.lastIndexOf('-') + 1);
  const needles = [key];
  for (let start = 0; start + LEAK_WINDOW <= secret.length; start++) {
    needles.push(secret.slice(start, start + LEAK_WINDOW));
  }
  const leaks: string[] = [];
  values.forEach((value, index) => {
    for (const [how, text] of renderings(value)) {
      if (needles.some(needle => text.includes(needle))) leaks.push(`value ${index} via ${how}`);
    }
  });
  return leaks;
}
