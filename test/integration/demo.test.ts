/**
 * README command 1 runs examples/node. This runs the demo as `pnpm start` does (a child Node process with
 * tsx, stdout a pipe) and asserts on its report and exit code; the real-service path is exercised offline
 * by pointing ALAYA_BASE_URL at an emulator started here. demo-scenes.test.ts checks each scene's example
 * and the harness in this process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenes } from '../../examples/node/src/harness/load-scenes';
import { describeRun, type RunResult, run } from '../support/run.js';

const exampleDir = resolve(__dirname, '../../examples/node');
const scenes = await loadScenes();
const faultScenes = [...scenes].filter(([, scene]) => scene.faults).map(([name]) => name);
/** Scenes that need the emulator (faults or limits): skipped against the real service. */
const scriptedScenes = [...scenes]
  .filter(([, scene]) => scene.faults || scene.limits)
  .map(([name]) => name);

/** The example's `start` script (`node --import ./sources.mjs src/main.ts`), so the test runs what users run. */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(exampleDir, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [bin, ...args] = pkg.scripts.start.split(' ');
  expect(bin).toBe('node');
  return args;
}

/** The demo's environment: no key, no inherited ALAYA_* overrides. */
function demoEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ALAYA_')) delete env[name];
  return { ...env, ...extra };
}

function runDemo(
  args: readonly string[],
  env = demoEnv(),
  nodeArgs: string[] = [],
): Promise<RunResult> {
  return run(process.execPath, [...nodeArgs, ...startCommand(), ...args], {
    cwd: exampleDir,
    env,
    timeoutMs: 55_000,
  });
}

/** A module hook that throws when anything resolves into a package's `dist/`: the demo needs no build. */
const resolveHook =
  'export async function resolve(specifier, context, next) {' +
  ' const result = await next(specifier, context);' +
  ' if (/[\\/]packages[\\/][^\\/]+[\\/]dist[\\/]/.test(result.url))' +
  ' throw new Error("the demo resolved a build output: " + result.url);' +
  ' return result; }';
const forbidBuildOutput = [
  '--import',
  `data:text/javascript,${encodeURIComponent(
    `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(resolveHook)}`)});`,
  )}`,
];

/** The summary line of one scene, e.g. `  PASS  retry-after   1.05 s`. */
function summaryLine(status: 'PASS' | 'FAIL' | 'SKIP', name: string): RegExp {
  return new RegExp(`^  ${status}  ${name}\\s+[\\d.]+ m?s$`, 'm');
}

describe('examples/node demo as `npm run demo` runs it', () => {
  it('finds every scene file, in the order of the report', () => {
    expect([...scenes.keys()].slice(0, 13)).toEqual([
      'list-models',
      'generate-text',
      'stream-text',
      'tool-loop',
      'structured-output',
      'embeddings',
      'retry-after',
      'fallback',
      'quota',
      'abort',
      'stalled-stream',
      'span-tree',
      'ingestion',
    ]);
    expect(faultScenes).toEqual(
      expect.arrayContaining([
        'retry-after',
        'fallback',
        'quota',
        'abort',
        'stalled-stream',
        'span-tree',
      ]),
    );
  });

  it("runs every scene against the in-process emulator, from the packages' sources, and every one passes", async () => {
    const result = await runDemo([], demoEnv(), forbidBuildOutput);
    const { stdout } = result;
    expect(result.code, describeRun('demo', result)).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(
      /^Alaya demo: no ALAYA_API_KEY set, so the scenes talk to the Alaya emulator in-process at http:\/\/127\.0\.0\.1:\d+\/v1 \(offline\)$/,
    );
    for (const name of scenes.keys()) {
      expect(stdout).toContain(`── ${name}: ${scenes.get(name)?.title}  (src/scenes/${name}.ts)`);
      expect(stdout).toMatch(summaryLine('PASS', name));
    }
    expect(stdout).toMatch(new RegExp(`^${scenes.size} passed, 0 failed, 0 skipped in `, 'm'));
    expect(stdout).not.toContain('✗');
    expect(stdout.match(/emulator fault queued: \{/g)).toHaveLength(faultScenes.length);
    expect(stdout).toContain('   emulator limits set: {"tpm":2000,"windowMs":1000}');
    // What the examples print.
    expect(stdout).toMatch(/^attempt 1: 429 rate_limit; retrying in [\d.]+ ms$/m);
    expect(stdout).toMatch(/^glm-5\.1 failed with 502; switching to deepseek-v4-pro$/m);
    expect(stdout).toMatch(/^\w*InsufficientQuotaError \(402\): .+\nhint: \S/m);
    expect(stdout).toMatch(/^stopped: AbortError$/m);
    expect(stdout).toMatch(/^\(\d+ chunks, finish reason: stop\)$/m);
    expect(stdout).toMatch(/^query: Where do cats sleep\? \(bge-m3, \d+ dimensions\)$/m);
    expect(stdout).toMatch(/^one shared guard: job 120 vectors; 429s: \d+ embeddings, \d+ chat; /m);
    expect(stdout).toMatch(
      /^attempt 1: AI_TimeoutError: No content within firstContentTimeoutMs \(2000 ms\); retrying in \d+ ms\n.+\n\(1 step, finish reason: stop\)$/m,
    );
    expect(stdout).toMatch(
      /^invoke_agent glm-5\.1 {2}\d+ ms\n {2}step 1 {2}\d+ ms\n {4}chat glm-5\.1 {2}\d+ ms\n {6}alaya\.attempt {2}\d+ ms {2}error {2}alaya\.attempt\.number=1 http\.response\.status_code=429 alaya\.error\.kind=rate_limit alaya\.retry\.wait_reason=retry_after alaya\.retry\.wait_ms=1000\n {6}alaya\.attempt {2}\d+ ms {2}ok {2}alaya\.attempt\.number=2$/m,
    );
    expect(result.stderr).toBe('');
  });

  it('runs from the repository root as `npm run demo:run`, which `npm run demo` runs after installing', async () => {
    const root = resolve(exampleDir, '../..');
    const { scripts } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.demo).toBe(
      `npx -y pnpm@10.34.8 install --frozen-lockfile --reporter=silent && ${scripts['demo:run']}`,
    );
    const result = await run('npm', ['run', '--silent', 'demo:run', '--', 'quota'], {
      cwd: root,
      env: demoEnv(),
      timeoutMs: 55_000,
    });
    expect(result.code, describeRun('npm run demo:run -- quota', result)).toBe(0);
    expect(result.stdout).toMatch(/^Alaya demo: no ALAYA_API_KEY set/);
    expect(result.stdout).toMatch(/^1 passed, 0 failed, 0 skipped in /m);
    expect(result.stderr).toBe('');
  });

  it('runs the scenes named on the command line, also after a "--" from pnpm', async () => {
    const result = await runDemo(['--', 'quota', 'list-models']);
    expect(result.code, describeRun('demo quota list-models', result)).toBe(0);
    expect(result.stdout).toMatch(summaryLine('PASS', 'quota'));
    expect(result.stdout).toMatch(summaryLine('PASS', 'list-models'));
    expect(result.stdout).toMatch(/^2 passed, 0 failed, 0 skipped/m);
    expect(result.stdout).not.toContain('── stream-text');
  });

  it('prints usage for --help, and rejects an unknown scene with exit code 2', async () => {
    const help = await runDemo(['--help']);
    expect(help.code, describeRun('demo --help', help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run demo/);
    expect(help.stdout).toContain(`Scenes: ${[...scenes.keys()].join(', ')}`);
    expect(help.stdout).not.toContain('Alaya demo:');

    const unknown = await runDemo(['nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scene "nope"; choose from: list-models, ');
    expect(unknown.stdout).toBe('');
  });

  describe('with ALAYA_API_KEY set (the real-service path, pointed at an emulator here)', () => {
    let service: Emulator;
    beforeAll(async () => {
      service = await startEmulator({ port: 0, apiKeys: ['demo-test-key'], models: ['glm-5.1'] });
    });
    afterAll(async () => {
      await service?.close();
    });

    it('uses ALAYA_BASE_URL, runs the feature scenes and skips the fault scenes with a note', async () => {
      const result = await runDemo(
        [],
        // An embedding model this service does not serve, like a plan without embeddings.
        demoEnv({
          ALAYA_API_KEY: ' demo-test-key ',
          ALAYA_BASE_URL: service.url,
          ALAYA_EMBEDDING_MODEL: 'embedding-3',
        }),
      );
      expect(result.code, describeRun('demo with a key', result)).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(
        `Alaya demo: ALAYA_API_KEY is set, so the scenes talk to the Alaya service at ${service.url}`,
      );
      for (const name of scenes.keys()) {
        const skipped = scriptedScenes.includes(name) || name === 'embeddings';
        expect(result.stdout).toMatch(summaryLine(skipped ? 'SKIP' : 'PASS', name));
      }
      expect(
        result.stdout.match(/SKIP in \d+ ms: needs the emulator to script its faults/g),
      ).toHaveLength(scriptedScenes.length);
      expect(result.stdout).toMatch(
        /SKIP in \d+ ms: this service has no embedding model "embedding-3"; set ALAYA_EMBEDDING_MODEL .*\(\w*NotFoundError: /,
      );
      const passed = scenes.size - scriptedScenes.length - 1;
      expect(result.stdout).toMatch(
        new RegExp(`^${passed} passed, 0 failed, ${scriptedScenes.length + 1} skipped`, 'm'),
      );
      expect(result.stdout).not.toContain('demo-test-key');
      expect(service.requests.length).toBeGreaterThan(0);
      expect(service.requests.every(request => request.fault === undefined)).toBe(true);
    });
  });
});
