import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('./', import.meta.url);
const sources = readdirSync(dir).filter(file => file.endsWith('.ts') && !file.endsWith('.test.ts'));
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

/** Local runtime imports (`import type` is erased and cannot form a cycle at load time). */
function localImports(file: string): string[] {
  return [...read(file).matchAll(/^import (?!type )[^;]*? from '\.\/([^']+)';/gms)].map(
    match => `${match[1]}.ts`,
  );
}

describe('source layout', () => {
  it('has no import cycle between source files', () => {
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (path.includes(file)) {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      for (const next of localImports(file)) visit(next, [...path, file]);
    };
    for (const file of sources) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps every source file at 250 lines or fewer', () => {
    const long = sources.filter(file => read(file).split('\n').length > 250);
    expect(long).toEqual([]);
  });

  it('names errors through the error floor (the /errors subpath), not the middleware entry', () => {
    const offenders = sources.filter(file =>
      /from '@alaya-code\/ai-sdk-middleware'/.test(read(file)),
    );
    expect(offenders).toEqual([]);
  });

  it('documents every export of index.ts with TSDoc', () => {
    const names = [...read('index.ts').matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap(match =>
      match[1]!
        .split(',')
        .map(name => name.replace(/^\s*type\s+/, '').trim())
        .filter(Boolean),
    );
    expect(names.length).toBeGreaterThan(8);
    const undocumented = names.filter(
      name =>
        !sources.some(file =>
          new RegExp(`\\*/\\s*export (?:const|function|interface|type|class) ${name}\\b`).test(
            read(file),
          ),
        ),
    );
    expect(undocumented).toEqual([]);
  });
});
