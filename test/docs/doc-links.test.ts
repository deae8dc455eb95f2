/**
 * The pages link to what exists: every relative link of every checked page (READMEs and docs/)
 * names a file or folder of the repository, and its `#anchor`, if any, a heading of the page it
 * names; every page under docs/ is among the checked pages, so its `ts` blocks compile and its
 * commands are checked like a README's.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proseLines, REPO_ROOT, readmePaths } from '../support/readme-blocks';

type Link = { line: number; target: string; anchor: string | undefined };

/** The relative link targets of a page outside code (`[text](path#anchor)`; `#anchor` alone: the page itself). */
function relativeLinks(page: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(join(REPO_ROOT, page))) {
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const [target, anchor] = match[1]!.split('#') as [string, string | undefined];
      if (/^[a-z][\w+.-]*:/i.test(target)) continue; // a URL
      links.push({ line, target, anchor });
    }
  }
  return links;
}

/** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function headingAnchors(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of proseLines(file)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let unique = slug;
    for (let n = 1; anchors.has(unique); n++) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  return anchors;
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
    it(`${page}: every relative link names a file of the repository, and a heading of it`, () => {
      const broken = relativeLinks(page)
        .filter(({ target, anchor }) => {
          const file = join(REPO_ROOT, normalize(join(dirname(page), target || basename(page))));
          if (!existsSync(file)) return true;
          return anchor !== undefined && file.endsWith('.md') && !headingAnchors(file).has(anchor);
        })
        .map(({ line, target, anchor }) => `${page} line ${line}: ${target}#${anchor ?? ''}`);
      expect(broken).toEqual([]);
    });
  }
});
