/**
 * Every command in a README shell block runs as written, as far as CI can prove it: each `npm`,
 * `npx pnpm@…` and `pnpm` command names a package and a script that exist, with arguments the
 * program accepts (checked against its argument parser or its `--help`); `npx vitest --project`
 * names a project; `npm install` names published workspace packages; the emulator's curl examples
 * run against a real emulator. Commands this suite does not know fail it, so a new kind of command
 * in a README comes with its check.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '@alaya-code/emulator';
import { describe, expect, it } from 'vitest';
import { parseArgs as parseBenchArgs } from '../bench/lib/args';
import {
  blockName,
  fencedBlocks,
  inlineCommands,
  REPO_ROOT,
  readmePaths,
} from '../support/readme-blocks';
import { flagsOf, SHELL_LANGS, type ShellCommand, shellCommands } from '../support/readme-commands';

const exec = promisify(execFile);

type Pkg = { name: string; dir: string; scripts: Record<string, string>; private: boolean };
const readJson = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));
const root = readJson('package.json') as {
  packageManager: string;
  scripts: Record<string, string>;
};
const PNPM_VERSION = root.packageManager.replace(/^pnpm@/, '');

function workspacePackages(): Map<string, Pkg> {
  const dirs = ['test'];
  for (const parent of ['packages', 'examples']) {
    for (const name of readdirSync(join(REPO_ROOT, parent)).sort()) {
      if (existsSync(join(REPO_ROOT, parent, name, 'package.json'))) dirs.push(`${parent}/${name}`);
    }
  }
  const map = new Map<string, Pkg>();
  for (const dir of dirs) {
    const json = readJson(`${dir}/package.json`);
    map.set(json.name, {
      name: json.name,
      dir,
      scripts: json.scripts ?? {},
      private: !!json.private,
    });
  }
  return map;
}
const PACKAGES = workspacePackages();
const ROOT_PKG: Pkg = { name: '(root)', dir: '.', scripts: root.scripts, private: true };

function vitestProjects(): Set<string> {
  const configs = [
    ...readdirSync(join(REPO_ROOT, 'test'))
      .filter(f => /^vitest\..+\.config\.ts$/.test(f))
      .map(f => `test/${f}`),
    ...[...PACKAGES.values()].map(p => `${p.dir}/vitest.config.ts`),
  ].filter(f => existsSync(join(REPO_ROOT, f)));
  const names = configs.map(
    f => /name:\s*'([\w-]+)'/.exec(readFileSync(join(REPO_ROOT, f), 'utf8'))?.[1],
  );
  return new Set(names.filter((n): n is string => n !== undefined));
}

/** `--help` of the programs README commands pass flags to: each flag used must appear in it. */
const HELP: Record<string, { cwd: string; file: string; args: string[] }> = {
  'alaya-emulator': {
    cwd: '.',
    file: process.execPath,
    args: ['packages/emulator/bin/alaya-emulator.js', '--help'],
  },
  // The example's own `start` script, with --help; the root `demo` and `demo:run` run the same program.
  '@alaya-code/example-node:start': {
    cwd: 'examples/node',
    file: process.execPath,
    args: ['--import', './sources.mjs', 'src/main.ts', '--help'],
  },
  '(root):demo': {
    cwd: 'examples/node',
    file: process.execPath,
    args: ['--import', './sources.mjs', 'src/main.ts', '--help'],
  },
  '(root):demo:run': {
    cwd: 'examples/node',
    file: process.execPath,
    args: ['--import', './sources.mjs', 'src/main.ts', '--help'],
  },
  // Root scripts that are `turbo run <task>`: extra arguments go to turbo.
  'turbo run': { cwd: '.', file: 'node_modules/.bin/turbo', args: ['run', '--help'] },
  // `dev` runs scripts/dev.mjs, which hands its arguments to `next dev`.
  '@alaya-code/example-next:dev': {
    cwd: 'examples/next',
    file: process.execPath,
    args: ['node_modules/next/dist/bin/next', 'dev', '--help'],
  },
};
const helpCache = new Map<string, Promise<string>>();
function helpOf(program: string): Promise<string> {
  const spec = HELP[program];
  if (!spec)
    throw new Error(`no argument check for ${program}: add its --help (or parser) to HELP`);
  let help = helpCache.get(program);
  if (!help) {
    help = exec(spec.file, spec.args, {
      cwd: join(REPO_ROOT, spec.cwd),
      env: { ...process.env, NO_COLOR: '1', NEXT_TELEMETRY_DISABLED: '1' },
      timeout: 60_000,
    }).then(r => r.stdout + r.stderr);
    helpCache.set(program, help);
  }
  return help;
}

/** Checks the arguments a README passes to a script (after pnpm/npm drop a leading `--`). */
async function checkScriptArgs(pkg: Pkg, script: string, args: string[]): Promise<void> {
  const rest = args[0] === '--' ? args.slice(1) : args;
  if (rest.length === 0) return;
  if (script === 'bench' && (pkg === ROOT_PKG || pkg.name === '@alaya-code/test')) {
    parseBenchArgs(rest, {}); // throws on an argument the bench does not take
    return;
  }
  const command = pkg.scripts[script] ?? '';
  const turbo = command.startsWith('turbo run ') && !command.includes('&&');
  const help = await helpOf(turbo ? 'turbo run' : `${pkg.name}:${script}`);
  for (const flag of flagsOf(rest)) {
    expect(help, `${pkg.name} ${script} does not list ${flag} in its --help`).toContain(flag);
  }
}

const PNPM_BUILTINS = new Set(['install', 'i', 'add', 'exec', 'dlx', 'update', 'why', 'list']);

/**
 * The packages a command without `--filter` may run in: the README's own package (its commands may
 * be run in its folder) when it has the script, and the root.
 */
function packagesFor(readme: string, script: string): Pkg[] {
  const dir = readme.replace(/\/README\.md$/, '');
  const own = [...PACKAGES.values()].find(p => p.dir === dir || dir.startsWith(`${p.dir}/`));
  return own && script in own.scripts ? [own, ROOT_PKG] : [ROOT_PKG];
}

/** Passes when the check passes in one of the packages (the first failure is reported otherwise). */
async function inAnyOf(pkgs: Pkg[], check: (pkg: Pkg) => Promise<void>): Promise<void> {
  let first: unknown;
  for (const pkg of pkgs) {
    try {
      return await check(pkg);
    } catch (error) {
      first ??= error;
    }
  }
  throw first;
}

/** `pnpm [--filter <name>] <script> [args]` (after `npx pnpm@<v>`). */
async function checkPnpm(argv: string[], readme: string): Promise<void> {
  let pkg: Pkg | undefined;
  let i = 0;
  while (argv[i]?.startsWith('-') && argv[i] !== '--') {
    if (argv[i] === '--filter' || argv[i] === '-F') {
      const name = argv[i + 1]!;
      const found = PACKAGES.get(name);
      expect(found, `no workspace package named ${name}`).toBeDefined();
      pkg = found!;
      i += 2;
    } else i++;
  }
  let script = argv[i];
  if (script === 'run') script = argv[++i];
  expect(script, 'pnpm without a script').toBeDefined();
  const args = argv.slice(i + 1);
  await inAnyOf(pkg ? [pkg] : packagesFor(readme, script!), async candidate => {
    if (candidate === ROOT_PKG && PNPM_BUILTINS.has(script!)) return;
    // pnpm runs a package's binary when no script has the name: `pnpm vitest run --project x`.
    if (!(script! in candidate.scripts) && script === 'vitest') return checkVitest(args);
    expect(Object.keys(candidate.scripts), `${candidate.name} has no script "${script}"`).toContain(
      script,
    );
    await checkScriptArgs(candidate, script!, args);
  });
}

/** `vitest run --project <name> [files]`: the projects and files exist. */
function checkVitest(args: string[]): void {
  const projects = vitestProjects();
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--project') expect([...projects]).toContain(args[++i]);
    else if (/\.test\.tsx?$/.test(args[i]!))
      expect(existsSync(join(REPO_ROOT, args[i]!)), `${args[i]} exists`).toBe(true);
  }
}

async function checkCommand(command: ShellCommand): Promise<void> {
  const readme = command.block.readme;
  const synopsis = command.argv.find(a => a.startsWith('[-') || a.endsWith(']...'));
  if (synopsis) {
    throw new Error(
      `"${synopsis}" is a synopsis, not a command: write a command that runs, or use a text fence`,
    );
  }
  const [program, ...args] = command.argv;
  switch (program) {
    case 'npx': {
      const [tool, ...rest] = args.filter(a => a !== '-y');
      if (tool?.startsWith('pnpm@')) {
        expect(tool, 'pin the pnpm of packageManager').toBe(`pnpm@${PNPM_VERSION}`);
        return checkPnpm(rest, readme);
      }
      if (tool === 'vitest') return checkVitest(rest);
      if (tool === 'alaya-emulator') return checkProgramFlags('alaya-emulator', rest);
      if (tool === 'tsx') return checkTsx(command, rest);
      throw new Error(`unchecked npx tool ${tool}`);
    }
    case 'alaya-emulator':
      return checkProgramFlags('alaya-emulator', args);
    case 'pnpm':
      return checkPnpm(args, readme);
    case 'npm': {
      // npm's own flags (`npm run -s demo`: silent) are not the script's.
      const [sub, ...rest] = args.filter(
        (a, i) => i === 0 || !/^-[a-z]$|^--(silent|quiet)$/.test(a),
      );
      // Setting up a new project in the user's own folder: npm's own commands, nothing of ours.
      if (sub === 'init' || (sub === 'pkg' && rest[0] === 'set')) return;
      if (sub === 'install' || sub === 'i') {
        for (const spec of rest.filter(a => a.startsWith('@alaya-code/'))) {
          const name = spec.replace(/(.)@.*$/, '$1');
          expect(PACKAGES.get(name)?.private, `${name} is a published workspace package`).toBe(
            false,
          );
        }
        return;
      }
      const script = sub === 'run' ? rest.shift() : sub;
      return inAnyOf(packagesFor(readme, script!), async pkg => {
        expect(Object.keys(pkg.scripts), `${pkg.name} has no script "${script}"`).toContain(script);
        await checkScriptArgs(pkg, script!, rest);
      });
    }
    case 'bash':
      expect(existsSync(join(REPO_ROOT, args[0]!)), `${args[0]} exists`).toBe(true);
      return;
    case 'mkdir':
      return; // a new folder of the user's (then `cd` into it)
    case 'cd':
      if (madeEarlier(command, args[0]!)) return;
      expect(existsSync(join(REPO_ROOT, args[0]!)), `${args[0]} exists`).toBe(true);
      return;
    case 'export':
    case 'curl': // run for real below
      return;
    default:
      throw new Error(`no check for "${program}" commands: add one to readme-commands.test.ts`);
  }
}

/** The commands of the same page before this one (every shell block above it, and its own block up to it). */
function commandsBefore(command: ShellCommand): ShellCommand[] {
  return fencedBlocks(command.block.readme)
    .filter(block => SHELL_LANGS.has(block.lang) && block.line <= command.block.line)
    .flatMap(block => shellCommands(block))
    .filter(c => c.line < command.line || (c.line === command.line && c.text !== command.text));
}

/** `cd dir` into a folder a `mkdir dir` of the same page made before it. */
function madeEarlier(command: ShellCommand, dir: string): boolean {
  return commandsBefore(command).some(c => c.argv[0] === 'mkdir' && c.argv.includes(dir));
}

/**
 * `npx tsx file.ts`: runs a TypeScript file of the user's; the page must have installed tsx (an
 * `npm install` naming it) before, since `npx` would otherwise fetch whatever `tsx` the registry has.
 */
function checkTsx(command: ShellCommand, args: string[]): void {
  expect(args[0], 'npx tsx runs a .ts file').toMatch(/^[\w./-]+\.tsx?$/);
  const installs = commandsBefore(command).filter(
    c => c.argv[0] === 'npm' && (c.argv[1] === 'install' || c.argv[1] === 'i'),
  );
  expect(
    installs.some(c => c.argv.includes('tsx')),
    'an `npm install` that names tsx comes before `npx tsx` on the page',
  ).toBe(true);
}

async function checkProgramFlags(program: string, args: string[]): Promise<void> {
  const help = await helpOf(program);
  for (const flag of flagsOf(args)) expect(help, `${program} --help lists ${flag}`).toContain(flag);
}

const shellBlocks = readmePaths().flatMap(readme =>
  fencedBlocks(readme).filter(block => SHELL_LANGS.has(block.lang)),
);

describe('README commands name what exists, with arguments it accepts', () => {
  for (const block of shellBlocks) {
    const commands = shellCommands(block);
    if (commands.length === 0) continue;
    it(blockName(block), async () => {
      for (const command of commands) {
        await checkCommand(command).catch((error: Error) => {
          error.message = `${block.readme} line ${command.line}: \`${command.text}\`: ${error.message}`;
          throw error;
        });
      }
    }, 120_000);
  }
});

describe('README commands in running text name what exists', () => {
  for (const readme of readmePaths()) {
    const commands = inlineCommands(readme);
    if (commands.length === 0) continue;
    it(`${readme}: ${commands.length} inline commands`, async () => {
      for (const command of commands) {
        await checkCommand(command).catch((error: Error) => {
          error.message = `${readme} line ${command.line}: \`${command.text}\`: ${error.message}`;
          throw error;
        });
      }
    }, 120_000);
  }
});

describe('README curl examples run against a real emulator', () => {
  const curlBlocks = shellBlocks.filter(block =>
    shellCommands(block).some(c => c.argv[0] === 'curl'),
  );
  for (const block of curlBlocks) {
    it(blockName(block), async () => {
      const emulator = await startEmulator({ port: 0, apiKeys: ['test-key'] });
      try {
        const port = new URL(emulator.url).port;
        // The README's port (4010) becomes the test emulator's; each curl reports its status.
        const script = [
          'set -euo pipefail',
          `curl() { command curl -sS --max-time 30 -w '\\n[status %{http_code}]\\n' "$@"; }`,
          block.code.replaceAll('4010', port).replaceAll(':PORT', `:${port}`),
        ].join('\n');
        const { stdout } = await exec('bash', ['-c', script], { timeout: 60_000 });
        const statuses = [...stdout.matchAll(/\[status (\d+)\]/g)].map(m => Number(m[1]));
        expect(statuses.length).toBe(shellCommands(block).filter(c => c.argv[0] === 'curl').length);
        for (const status of statuses.filter(s => s >= 400)) {
          expect(block.code, `status ${status} is one the block asks for`).toContain(
            `"status":${status}`,
          );
        }
      } finally {
        await emulator.close();
      }
    }, 120_000);
  }
});
