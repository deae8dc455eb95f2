/**
 * README command 1 runs examples/node. This runs it the same way a user does (a child Node process with
 * tsx, stdout a pipe, so no TTY), without ALAYA_API_KEY, and asserts on what it prints and its exit code.
 * The "real service" path is exercised offline by pointing ALAYA_BASE_URL at an emulator started here.
 */
import { resolve } from 'node:path';
import { startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, selectScenes, UsageError } from '../../examples/node/src/cli';
import { scenes } from '../../examples/node/src/scenes/index';
import { createUi, shouldUseColor } from '../../examples/node/src/ui';
import { describeRun, type RunResult, run } from '../support/run.js';

const exampleDir = resolve(__dirname, '../../examples/node');

/** Every scene as the demo labels it: id, title, `--scene` name. */
const SCENES = [
  ['1', 'listModels()', 'models'],
  ['2', 'generateText', 'generate'],
  ['3', 'streamText, token by token', 'stream'],
  ['4', 'tool-call loop (stopWhen) with a typed tool', 'tools'],
  ['5', 'structured output with zod', 'structured'],
  ['6', 'embedMany + cosine similarity', 'embed'],
  ['7a', 'resilience: 429 with Retry-After, retried', 'retry'],
  ['7b', 'resilience: 502, falls back to a second model', 'fallback'],
  ['7c', 'resilience: 402 as InsufficientQuotaError', 'quota'],
  ['7d', 'resilience: abort during backoff stops at once', 'abort'],
] as const;

/** The start of an ANSI escape sequence (CSI). */
const ESC = '\u001b[';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The summary line of one scene, e.g. `  PASS  3. streamText, token by token   120 ms`. */
function summaryLine(status: 'PASS' | 'FAIL' | 'SKIP', id: string, title: string): RegExp {
  return new RegExp(`^  ${status}  ${escapeRegExp(`${id}. ${title}`)}\\s+\\d`, 'm');
}

/** The demo's environment: no key, no colour overrides, no inherited model overrides. */
function demoEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('ALAYA_') || name === 'FORCE_COLOR' || name === 'NO_COLOR')
      delete env[name];
  }
  return { ...env, ...extra };
}

function runDemo(args: readonly string[], env = demoEnv()): Promise<RunResult> {
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: exampleDir,
    env,
    timeoutMs: 50_000,
  });
}

describe('examples/node demo (README command 1)', () => {
  it('runs every scene against the in-process emulator and passes', async () => {
    const result = await runDemo([]);
    const { stdout } = result;
    expect(result.code, describeRun('demo', result)).toBe(0);

    const [first] = stdout.split('\n');
    expect(first).toMatch(
      /no ALAYA_API_KEY set, so the Alaya emulator runs in-process at http:\/\/127\.0\.0\.1:\d+\/v1/,
    );
    expect(stdout).not.toContain(ESC);

    for (const [id, title, name] of SCENES) {
      expect(stdout).toContain(`${id}. ${title}  --scene ${name}`);
      expect(stdout).toMatch(summaryLine('PASS', id, title));
    }
    expect(stdout).toMatch(/^10 passed, 0 failed, 0 skipped in [\d.]+ (ms|s)$/m);
    expect(stdout).not.toContain('✗');

    // What the resilience scenes show, with their figures.
    expect(stdout).toMatch(/onRetry: attempt 1 failed with 429 .*next attempt in 1\.\d\d s/);
    expect(stdout).toMatch(
      /the retry reached the server 1\.\d\d s after the request that got the 429/,
    );
    expect(stdout).toMatch(/answered by glm-5\.1/);
    expect(stdout).toMatch(
      /caught InsufficientQuotaError \(kind "insufficient_quota", status 402\)/,
    );
    expect(stdout).toMatch(/hint: +\S/);
    expect(stdout).toMatch(/rejected with AbortError \d+ ms after abort\(\)/);
  });

  it('runs a single scene with --scene, also when pnpm passes a "--" through', async () => {
    const result = await runDemo(['--', '--scene', 'stream']);
    expect(result.code, describeRun('demo --scene stream', result)).toBe(0);
    expect(result.stdout.split('\n')[0]).toContain('emulator');
    expect(result.stdout).toMatch(summaryLine('PASS', '3', 'streamText, token by token'));
    expect(result.stdout).toMatch(/^1 passed, 0 failed, 0 skipped/m);
    expect(result.stdout).not.toContain('listModels()');
    expect(result.stdout).toMatch(/\d+ reasoning \+ \d+ text chunks; first text after \d+ ms/);
  });

  it('selects scenes by number and by group', async () => {
    const result = await runDemo(['--scene', '1,resilience']);
    expect(result.code, describeRun('demo --scene 1,resilience', result)).toBe(0);
    const ran = SCENES.filter(([id]) => id === '1' || id.startsWith('7'));
    for (const [id, title] of ran) expect(result.stdout).toMatch(summaryLine('PASS', id, title));
    expect(result.stdout).toMatch(/^5 passed, 0 failed, 0 skipped/m);
  });

  it('prints --help and --list without starting anything', async () => {
    const help = await runDemo(['--help']);
    expect(help.code, describeRun('demo --help', help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage:/m);
    expect(help.stdout).toContain('--scene');
    expect(help.stdout).not.toContain('emulator runs in-process');
    for (const [, , name] of SCENES) expect(help.stdout).toContain(name);

    const list = await runDemo(['--list']);
    expect(list.code, describeRun('demo --list', list)).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(SCENES.length);
  });

  it('rejects an unknown scene with exit code 2 and the valid names', async () => {
    const result = await runDemo(['--scene', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown scene "nope"');
    expect(result.stderr).toContain('stream');
    expect(result.stdout).toBe('');
  });

  it('colours its output when FORCE_COLOR asks for it', async () => {
    const result = await runDemo(['--scene', 'models'], demoEnv({ FORCE_COLOR: '1' }));
    expect(result.code, describeRun('demo FORCE_COLOR=1', result)).toBe(0);
    expect(result.stdout).toContain(ESC);
  });

  describe('with ALAYA_API_KEY set (the real-service path, pointed at an emulator here)', () => {
    let service: Awaited<ReturnType<typeof startEmulator>>;
    beforeAll(async () => {
      // Default models only: no embedding model, like a plan without embeddings.
      service = await startEmulator({ port: 0, apiKeys: ['demo-test-key'] });
    });
    afterAll(async () => {
      await service?.close();
    });

    it('uses ALAYA_BASE_URL, runs the feature scenes and skips the fault scenes with a note', async () => {
      const result = await runDemo(
        [],
        demoEnv({ ALAYA_API_KEY: '  demo-test-key ', ALAYA_BASE_URL: service.url }),
      );
      expect(result.code, describeRun('demo with a key', result)).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(
        `Alaya demo: ALAYA_API_KEY is set, so this talks to the real Alaya service at ${service.url}`,
      );
      for (const [id, title] of SCENES) {
        const skipped = id.startsWith('7') || id === '6';
        expect(result.stdout).toMatch(summaryLine(skipped ? 'SKIP' : 'PASS', id, title));
      }
      expect(result.stdout.match(/skipped: needs the emulator/g)).toHaveLength(4);
      // This service has no embedding model: a NotFoundError, shown as a skip that says what to set.
      expect(result.stdout).toMatch(
        /skipped: no embedding model "embedding-3" on this service; set ALAYA_EMBEDDING_MODEL/,
      );
      expect(result.stdout).toMatch(/^5 passed, 0 failed, 5 skipped/m);
      expect(result.stdout).not.toContain('demo-test-key');
      expect(service.requests.length).toBeGreaterThan(0);
    });
  });
});

describe('demo command line and colour rules', () => {
  it('colours a TTY only, and lets NO_COLOR and FORCE_COLOR decide first', () => {
    const tty = { write: () => true, isTTY: true };
    const pipe = { write: () => true };
    expect(shouldUseColor(tty, {})).toBe(true);
    expect(shouldUseColor(pipe, {})).toBe(false);
    expect(shouldUseColor(tty, { TERM: 'dumb' })).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);

    const written: string[] = [];
    const plain = createUi({ write: text => written.push(text) }, {});
    plain.line(plain.style.red(plain.style.bold('FAIL')));
    expect(written).toEqual(['FAIL\n']);
    const coloured = createUi({ write: () => true, isTTY: true }, {});
    expect(coloured.style.green('PASS')).toBe('\u001b[32mPASS\u001b[39m');
  });

  it('parses --scene in every spelling and keeps the demo order', () => {
    expect(parseCli([]).scenes).toEqual([]);
    expect(parseCli(['--', '--scene', 'stream']).scenes).toEqual(['stream']);
    expect(parseCli(['--scene=tools,embed', '-s', '1']).scenes).toEqual(['tools', 'embed', '1']);
    expect(parseCli(['-h']).help).toBe(true);
    expect(parseCli(['--list']).list).toBe(true);

    const names = (selectors: string[]) => selectScenes(scenes, selectors).map(scene => scene.name);
    expect(names(['abort', '1', 'STREAM'])).toEqual(['models', 'stream', 'abort']);
    expect(names(['resilience', '7a'])).toEqual(['retry', 'fallback', 'quota', 'abort']);
    expect(names([])).toHaveLength(SCENES.length);
    expect(scenes.map(scene => [scene.id, scene.title, scene.name])).toEqual(SCENES);
  });

  it('rejects what it does not understand with a UsageError', () => {
    expect(() => parseCli(['--sene', 'stream'])).toThrow(UsageError);
    expect(() => parseCli(['stream'])).toThrow(/did you mean --scene stream/);
    expect(() => parseCli(['--scene', ','])).toThrow(/needs a scene name/);
    expect(() => selectScenes(scenes, ['7e'])).toThrow(/unknown scene "7e"; choose from: models/);
  });
});
