import { format } from 'node:util';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Captures everything written through `console.*` (formatted as Node prints it) until `restore()`.
 * Output is kept, not printed, so a test can search the log lines for secrets.
 */
export function captureConsole(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const originals = METHODS.map(method => [method, console[method]] as const);
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      lines.push(format(...args));
    };
  }
  return {
    lines,
    restore: () => {
      for (const [method, original] of originals) console[method] = original;
    },
  };
}
