/**
 * README command 1 runs examples/node. The first block runs the demo as `pnpm start` does (a child Node
 * process with tsx, stdout a pipe) and asserts on its report and exit code; the real-service path is
 * exercised offline by pointing ALAYA_BASE_URL at an emulator started here. The second block runs each
 * scene's example in this process against an emulator of its own and asserts on what really happened
 * (the emulator's log, the returned values), independently of the scene's own checks. The third proves
 * that the harness fails a scene when a check, the emulator or the example says so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { InsufficientQuotaError } from '@alaya-code/ai-sdk-middleware';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadScenes } from '../../examples/node/src/harness/load-scenes';
import { runScene } from '../../examples/node/src/harness/run-scene';
import { defineScene, type Scene } from '../../examples/node/src/harness/scene';
import abortScene from '../../examples/node/src/scenes/abort';
import embeddingsScene from '../../examples/node/src/scenes/embeddings';
import fallbackScene from '../../examples/node/src/scenes/fallback';
import generateTextScene from '../../examples/node/src/scenes/generate-text';
import listModelsScene from '../../examples/node/src/scenes/list-models';
import quotaScene from '../../examples/node/src/scenes/quota';
import retryAfterScene from '../../examples/node/src/scenes/retry-after';
import streamTextScene from '../../examples/node/src/scenes/stream-text';
import structuredOutputScene from '../../examples/node/src/scenes/structured-output';
import toolLoopScene from '../../examples/node/src/scenes/tool-loop';
import { describeRun, type RunResult, run } from '../support/run.js';

const exampleDir = resolve(__dirname, '../../examples/node');
const scenes = await loadScenes();
const faultScenes = [...scenes].filter(([, scene]) => scene.faults).map(([name]) => name);

/** The example's `start` script (`tsx … src/main.ts`) as node arguments, so the test runs what users run. */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(exampleDir, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [bin, ...args] = pkg.scripts.start.split(' ');
  expect(bin).toBe('tsx');
  const tsxCli = createRequire(resolve(exampleDir, 'package.json')).resolve('tsx/cli');
  return [tsxCli, ...args];
}

/** The demo's environment: no key, no inherited ALAYA_* overrides. */
function demoEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ALAYA_')) delete env[name];
  return { ...env, ...extra };
}

function runDemo(args: readonly string[], env = demoEnv()): Promise<RunResult> {
  return run(process.execPath, [...startCommand(), ...args], {
    cwd: exampleDir,
    env,
    timeoutMs: 55_000,
  });
}

/** The summary line of one scene, e.g. `  PASS  retry-after   1.05 s`. */
function summaryLine(status: 'PASS' | 'FAIL' | 'SKIP', name: string): RegExp {
  return new RegExp(`^  ${status}  ${name}\\s+[\\d.]+ m?s$`, 'm');
}

describe('examples/node demo as `npm run demo` runs it', () => {
  it('finds every scene file, in the order of the report', () => {
    expect([...scenes.keys()].slice(0, 10)).toEqual([
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
    ]);
    expect(faultScenes).toEqual(
      expect.arrayContaining(['retry-after', 'fallback', 'quota', 'abort']),
    );
  });

  it('runs every scene against the in-process emulator, and every one passes', async () => {
    const result = await runDemo([]);
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
    // What the examples print.
    expect(stdout).toMatch(/^attempt 1: 429 rate_limit; retrying in \d{4} ms$/m);
    expect(stdout).toMatch(/^glm-5\.1 failed with 502; switching to deepseek-v4-pro$/m);
    expect(stdout).toMatch(/^AI_InsufficientQuotaError \(402\): .+\nhint: \S/m);
    expect(stdout).toMatch(/^stopped: AbortError$/m);
    expect(stdout).toMatch(/^\(\d+ chunks, finish reason: stop\)$/m);
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
      // Default models and no embedding model, like a plan without embeddings.
      service = await startEmulator({ port: 0, apiKeys: ['demo-test-key'] });
    });
    afterAll(async () => {
      await service?.close();
    });

    it('uses ALAYA_BASE_URL, runs the feature scenes and skips the fault scenes with a note', async () => {
      const result = await runDemo(
        [],
        demoEnv({ ALAYA_API_KEY: ' demo-test-key ', ALAYA_BASE_URL: service.url }),
      );
      expect(result.code, describeRun('demo with a key', result)).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(
        `Alaya demo: ALAYA_API_KEY is set, so the scenes talk to the Alaya service at ${service.url}`,
      );
      for (const name of scenes.keys()) {
        const skipped = faultScenes.includes(name) || name === 'embeddings';
        expect(result.stdout).toMatch(summaryLine(skipped ? 'SKIP' : 'PASS', name));
      }
      expect(
        result.stdout.match(/SKIP in \d+ ms: needs the emulator to script its faults/g),
      ).toHaveLength(faultScenes.length);
      expect(result.stdout).toMatch(
        /SKIP in \d+ ms: this service has no embedding model "embedding-3"; set ALAYA_EMBEDDING_MODEL .*\(AI_NotFoundError: /,
      );
      const passed = scenes.size - faultScenes.length - 1;
      expect(result.stdout).toMatch(
        new RegExp(`^${passed} passed, 0 failed, ${faultScenes.length + 1} skipped`, 'm'),
      );
      expect(result.stdout).not.toContain('demo-test-key');
      expect(service.requests.length).toBeGreaterThan(0);
      expect(service.requests.every(request => request.fault === undefined)).toBe(true);
    });
  });
});

describe("each scene's example, run in this process against the emulator", () => {
  const saved = { key: process.env.ALAYA_API_KEY, url: process.env.ALAYA_BASE_URL };
  let emulator: Emulator;
  let printed: string[];
  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      apiKeys: ['scene-key'],
      models: ['glm-5.1', 'deepseek-v4-pro', { id: 'embedding-3', reasoning: false }],
    });
    process.env.ALAYA_API_KEY = 'scene-key';
    process.env.ALAYA_BASE_URL = emulator.url;
  });
  afterAll(async () => {
    await emulator?.close();
    for (const [name, value] of [
      ['ALAYA_API_KEY', saved.key],
      ['ALAYA_BASE_URL', saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  beforeEach(() => {
    emulator.reset();
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      printed.push(String(chunk));
      return true;
    });
    return () => vi.restoreAllMocks();
  });
  const log = () => emulator.requests.map(r => `${r.model ?? r.path} ${r.status}`);

  it('list-models lists what the emulator serves', async () => {
    expect(await listModelsScene.run()).toEqual(['glm-5.1', 'deepseek-v4-pro', 'embedding-3']);
    expect(log()).toEqual(['/v1/models 200']);
  });

  it('generate-text, stream-text, tool-loop and structured-output answer on the first request', async () => {
    const generated = await generateTextScene.run();
    expect(generated.text.length).toBeGreaterThan(0);
    expect(generated.finishReason).toBe('stop');

    const streamed = await streamTextScene.run();
    expect(streamed.chunks).toBeGreaterThan(1);
    expect(printed.join('')).toContain(streamed.text);

    const tools = await toolLoopScene.run();
    expect(tools.staticToolCalls.map(call => [call.toolName, call.input.city])).toEqual([
      ['weather', 'Berlin'],
    ]);
    expect(tools.steps).toHaveLength(2);

    const note = await structuredOutputScene.run();
    expect(['low', 'medium', 'high']).toContain(note.severity);
    expect(log()).toEqual([
      'glm-5.1 200',
      'glm-5.1 200',
      'glm-5.1 200',
      'glm-5.1 200',
      'glm-5.1 200',
    ]);
    expect(emulator.requests[1]?.stream).toBe(true);
  });

  it('embeddings: one vector per document, scored', async () => {
    const { vectors, scores } = await embeddingsScene.run();
    expect(vectors).toHaveLength(2);
    expect(scores).toHaveLength(2);
    expect(log()).toEqual(['embedding-3 200', 'embedding-3 200']);
  });

  it('retry-after: the retry reaches the server after the Retry-After second', async () => {
    emulator.enqueueFaults({ status: 429, retryAfter: '1' });
    expect((await retryAfterScene.run()).length).toBeGreaterThan(0);
    expect(log()).toEqual(['glm-5.1 429', 'glm-5.1 200']);
    const [limited, retried] = emulator.requests;
    expect(retried!.time - limited!.time).toBeGreaterThanOrEqual(999);
    expect(printed[0]).toMatch(/^attempt 1: 429 rate_limit; retrying in (\d+) ms$/);
    expect(Number(printed[0]?.match(/in (\d+) ms/)?.[1])).toBeGreaterThanOrEqual(1000);
  });

  it('fallback: two 502s on glm-5.1, then deepseek-v4-pro answers', async () => {
    emulator.enqueueFaults({ status: 502, match: { model: 'glm-5.1' }, times: 5 });
    expect(await fallbackScene.run()).toBe('deepseek-v4-pro');
    expect(log()).toEqual(['glm-5.1 502', 'glm-5.1 502', 'deepseek-v4-pro 200']);
  });

  it('quota: a 402 returns the typed error after one request', async () => {
    emulator.enqueueFaults({ status: 402, times: 5 });
    const error = await quotaScene.run();
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    expect(error?.statusCode).toBe(402);
    expect(log()).toEqual(['glm-5.1 402']);
    expect(printed[1]).toMatch(/^hint: \S/);
  });

  it('abort: Stop during a 30 s wait ends the call at once, with no second request', async () => {
    emulator.enqueueFaults({ status: 429, retryAfter: '30', times: 5 });
    const started = performance.now();
    const error = await abortScene.run();
    const took = performance.now() - started;
    expect((error as Error).name).toBe('AbortError');
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(5_000);
    expect(log()).toEqual(['glm-5.1 429']);
  });
});

describe('the harness fails a scene when something is wrong', () => {
  let emulator: Emulator;
  const target = () => ({ emulator, banner: '', close: async () => {} });
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: ['harness-key'] });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const ping = () =>
    fetch(`${emulator.url}/models`, { headers: { authorization: 'Bearer harness-key' } });

  it('passes a scene whose checks hold, and fails one whose check does not', async () => {
    const scene = (ok: boolean) =>
      defineScene({
        title: 't',
        run: async () => (await ping()).status,
        checks: () => ({ c: ok }),
      });
    expect((await runScene('ok', scene(true), target())).status).toBe('pass');
    const failed = await runScene('bad', scene(false), target());
    expect(failed.status).toBe('fail');
    expect(failed.note).toBe('1 of 2 checks failed');
  });

  it('fails a fault-free scene that got a non-200, and one that leaves a fault unused', async () => {
    const unauthorised: Scene = defineScene({
      title: 't',
      run: () => fetch(`${emulator.url}/models`),
      checks: () => ({}),
    });
    const got401 = await runScene('401', unauthorised, target());
    expect(got401.checks).toEqual([['the emulator answered every request with 200', false]]);
    expect(got401.status).toBe('fail');

    const unused = defineScene({
      title: 't',
      run: async () => undefined,
      faults: [{ status: 500 }],
      checks: () => ({}),
    });
    const leftOver = await runScene('unused', unused, target());
    expect(leftOver.checks).toEqual([['every scripted fault was used', false]]);
    expect(emulator.pendingFaults()).toEqual([]);
  });

  it('fails a scene that throws, unless skipOn explains it; skips fault scenes without the emulator', async () => {
    const throwing = (skipOn?: Scene['skipOn']) =>
      defineScene({
        title: 't',
        run: async () => {
          throw new Error('boom');
        },
        checks: () => ({ c: true }),
        ...(skipOn && { skipOn }),
      });
    const thrown = await runScene('throws', throwing(), target());
    expect([thrown.status, thrown.note]).toEqual(['fail', 'threw Error: boom']);
    const skipped = await runScene(
      'explained',
      throwing(() => 'no such model'),
      target(),
    );
    expect([skipped.status, skipped.note]).toEqual(['skip', 'no such model (Error: boom)']);

    const service = { emulator: undefined, banner: '', close: async () => {} };
    const needsFaults = defineScene({
      title: 't',
      run: async () => 1,
      faults: [{ status: 429 }],
      checks: () => ({ c: true }),
    });
    expect((await runScene('faults', needsFaults, service)).status).toBe('skip');
  });
});
