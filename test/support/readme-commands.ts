/** Splitting the shell blocks of the READMEs into commands the docs suite can check. */
import type { FencedBlock } from './readme-blocks';

export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

/** One command line of a shell block, without comments, prompts and leading `VAR=value` assignments. */
export type ShellCommand = { block: FencedBlock; line: number; text: string; argv: string[] };

/** Splits a command into words, honouring single and double quotes (no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let any = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (any || current) words.push(current);
      current = '';
      any = false;
    } else current += ch;
  }
  if (any || current) words.push(current);
  return words;
}

/** Drops a `# comment` that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** The commands of a shell block: continuation lines joined, `&&` and `;` split, assignments dropped. */
export function shellCommands(block: FencedBlock): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const lines = block.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = stripComment(lines[i]!.replace(/^\s*\$\s/, ''));
    while (/\\\s*$/.test(text) && i + 1 < lines.length) {
      text = `${text.replace(/\\\s*$/, ' ')}${stripComment(lines[++i]!)}`;
    }
    for (const part of text.split(/\s(?:&&|;)\s|;\s*$/)) {
      const argv = shellWords(part.trim());
      while (argv.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(argv[0]!)) argv.shift();
      if (argv.length > 0)
        commands.push({ block, line: block.line + start, text: part.trim(), argv });
    }
  }
  return commands;
}

/** The flags (`--name`, `-x`) among a command's arguments, without their values. */
export function flagsOf(args: readonly string[]): string[] {
  return args
    .filter(a => /^--?[a-zA-Z]/.test(a))
    .map(a => a.split('=')[0]!)
    .filter((a, i, all) => all.indexOf(a) === i);
}
