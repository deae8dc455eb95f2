/**
 * Printing for the demo: TTY-aware colour with no dependency, timestamped step lines, check marks.
 *
 * Colour follows the usual conventions: `NO_COLOR` turns it off, `FORCE_COLOR=0` turns it off,
 * any other `FORCE_COLOR` turns it on, otherwise it is on only when stdout is a TTY (and not `TERM=dumb`).
 */

/** The subset of a writable stream the demo prints to. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

type Style = (text: string) => string;

/** Text styles; each is the identity when colour is off. */
export interface Styles {
  bold: Style;
  dim: Style;
  red: Style;
  green: Style;
  yellow: Style;
  cyan: Style;
  magenta: Style;
}

/** Decides whether to colour output written to `output`. */
export function shouldUseColor(output: Output, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return output.isTTY === true && env.TERM !== 'dumb';
}

function ansi(open: number, close: number): Style {
  return text => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity: Style = text => text;

/** Builds the style table: ANSI SGR codes when `color`, plain text otherwise. */
export function createStyles(color: boolean): Styles {
  if (!color) {
    return {
      bold: identity,
      dim: identity,
      red: identity,
      green: identity,
      yellow: identity,
      cyan: identity,
      magenta: identity,
    };
  }
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    red: ansi(31, 39),
    green: ansi(32, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
    magenta: ansi(35, 39),
  };
}

/** Formats a duration for humans: `840 ms`, `1.25 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Where and how the demo prints. */
export interface Ui {
  readonly color: boolean;
  readonly style: Styles;
  /** Writes text as it is (used for streamed tokens). */
  write(text: string): void;
  /** Writes one line. */
  line(text?: string): void;
}

/** Creates the printer for `output` (stdout by default). */
export function createUi(
  output: Output = process.stdout,
  env: Record<string, string | undefined> = process.env,
): Ui {
  const color = shouldUseColor(output, env);
  return {
    color,
    style: createStyles(color),
    write: text => {
      output.write(text);
    },
    line: (text = '') => {
      output.write(`${text}\n`);
    },
  };
}
