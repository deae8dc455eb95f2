/**
 * The pages link to what exists: every relative link of every checked page (READMEs and docs/)
 * names a file or folder of the repository, and every page under docs/ is among the checked pages,
 * so its `ts` blocks compile and its commands are checked like a README's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readmePaths } from '../support/readme-blocks';

/** The relative link targets of a page outside code (`[text](path#anchor)`), without anchors. */
function relativeLinks(page: string): Array<{ line: number; target: string }> {
  const lines = readFileSync(join(REPO_ROOT, page), 'utf8').split('\n');
  const links: Array<{ line: number; target: string }> = [];
  let fence: string | undefined;
  lines.forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      return;
    }
    if (fence) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!.split('#')[0]!;
      if (target === '' || /^[a-z][\w+.-]*:/i.test(target)) continue; // an anchor, or a URL
      links.push({ line: i + 1, target });
    }
  });
  return links;
}

describe('the docs link to what exists', () => {
  const pages = readmePaths();

  it('checks the root README, the package READMEs and the docs/ pages', () => {
    expect(pages).toContain('README.md');
    expect(pages).toContain('packages/middleware/README.md');
    expect(pages).toContain('docs/performance.md');
    expect(pages).toContain('docs/middleware/options.md');
  });

  for (const page of pages) {
    it(`${page}: every relative link names a file of the repository`, () => {
      const broken = relativeLinks(page)
        .filter(
          ({ target }) => !existsSync(join(REPO_ROOT, normalize(join(dirname(page), target)))),
        )
        .map(({ line, target }) => `${page} line ${line}: ${target}`);
      expect(broken).toEqual([]);
    });
  }
});
