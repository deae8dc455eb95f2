/** Reading the fenced code blocks of the repository's READMEs (for the docs suite). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ShellCommand, shellCommands } from './readme-commands';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One fenced block of a README. */
export type FencedBlock = {
  /** README path relative to the repository root. */
  readme: string;
  /** The fence's language (`ts`, `sh`, …; empty for a bare fence). */
  lang: string;
  /** 1-based index among the blocks of the same language in this README. */
  index: number;
  /** 1-based line of the block's first content line in the README. */
  line: number;
  code: string;
};

/** Every page the docs promise works: the READMEs (root, packages/*, examples/*, test/bench) and every `.md` under docs/. */
export function readmePaths(): string[] {
  const paths = ['README.md'];
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(join(REPO_ROOT, dir)).sort()) {
      if (existsSync(join(REPO_ROOT, dir, name, 'README.md')))
        paths.push(`${dir}/${name}/README.md`);
    }
  }
  paths.push('test/bench/README.md', ...markdownUnder('docs'));
  return paths.filter(p => existsSync(join(REPO_ROOT, p)));
}

/** The `.md` files under a folder of the repository, at any depth, sorted (none when it is missing). */
function markdownUnder(dir: string): string[] {
  if (!existsSync(join(REPO_ROOT, dir))) return [];
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.md'))
    .map(name => `${dir}/${name.split(sep).join('/')}`)
    .sort();
}

/** The fenced blocks of one README (```lang … ```), in order, with their positions. */
export function fencedBlocks(readme: string): FencedBlock[] {
  const lines = readFileSync(join(REPO_ROOT, readme), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const lang = open[3]!.toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trimStart().startsWith(fence)) body.push(lines[j++]!);
    const index = (counts.get(lang) ?? 0) + 1;
    counts.set(lang, index);
    blocks.push({ readme, lang, index, line: i + 2, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** A block's name in failure messages: `packages/provider/README.md, ts block 3 (line 120)`. */
export function blockName(block: FencedBlock): string {
  return `${block.readme}, ${block.lang} block ${block.index} (line ${block.line})`;
}

/**
 * Commands quoted in running text (outside fences): inline code that starts with `npx pnpm@`,
 * `pnpm `, `npm run ` or `npm test`. A `...` word (an elision, as in "`... dev -- --port 3001`") is
 * not a command and is skipped.
 */
export function inlineCommands(readme: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const { line, text } of proseLines(join(REPO_ROOT, readme))) {
    for (const match of text.matchAll(/`((?:npx pnpm@|pnpm |npm run |npm test)[^`]*)`/g)) {
      // The tool alone (`npx pnpm@10.34.8`) is a name, not a command.
      if (/^(npx pnpm@\S+|pnpm)$/.test(match[1]!.trim())) continue;
      const block: FencedBlock = { readme, lang: 'inline', index: 0, line, code: match[1]! };
      commands.push(...shellCommands(block).map(c => ({ ...c, line })));
    }
  }
  return commands;
}

/** The lines of a markdown file outside fenced code (the fence lines too are left out), 1-based. */
export function proseLines(file: string): Array<{ line: number; text: string }> {
  const prose: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
      if (marker && (!fence || marker.startsWith(fence))) {
        fence = fence ? undefined : marker;
        return;
      }
      if (!fence) prose.push({ line: i + 1, text });
    });
  return prose;
}

/** A path relative to the repository root, for messages. */
export function fromRoot(path: string): string {
  return relative(REPO_ROOT, path);
}
