/**
 * examples/node, in this process: each scene's example runs against an emulator of this test's own, and
 * the assertions are on what really happened (the emulator's log, the returned values, what was printed),
 * independently of the scene's own checks. Then the harness: it must fail a scene when a check, the
 * emulator or the example says so. demo.test.ts runs the whole demo as users do.
 */
import { InsufficientQuotaError } from '@alaya-code/ai-sdk-middleware';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScene } from '../../examples/node/src/harness/run-scene';
import { defineScene, type Scene } from '../../examples/node/src/harness/scene';
import abortScene from '../../examples/node/src/scenes/abort';
import embeddingsScene from '../../examples/node/src/scenes/embeddings';
import fallbackScene from '../../examples/node/src/scenes/fallback';
import generateTextScene from '../../examples/node/src/scenes/generate-text';
import ingestionScene from '../../examples/node/src/scenes/ingestion';
import listModelsScene from '../../examples/node/src/scenes/list-models';
import quotaScene from '../../examples/node/src/scenes/quota';
import retryAfterScene from '../../examples/node/src/scenes/retry-after';
import spanTreeScene from '../../examples/node/src/scenes/span-tree';
import stalledStreamScene from '../../examples/node/src/scenes/stalled-stream';
import streamTextScene from '../../examples/node/src/scenes/stream-text';
import structuredOutputScene from '../../examples/node/src/scenes/structured-output';
import toolLoopScene from '../../examples/node/src/scenes/tool-loop';

describe("each scene's example, run in this process against the emulator", () => {
  const saved = { key: process.env.ALAYA_API_KEY, url: process.env.ALAYA_BASE_URL };
  let emulator: Emulator;
  let printed: string[];
  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      apiKeys: ['scene-key'],
      models: ['glm-5.1', 'deepseek-v4-pro', 'bge-m3'],
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
    expect(await listModelsScene.run()).toEqual(['glm-5.1', 'deepseek-v4-pro', 'bge-m3']);
    expect(log()).toEqual(['/v1/models 200']);
  });

  it('generate-text, stream-text, tool-loop and structured-output answer on the first request', async () => {
    const generated = await generateTextScene.run();
    // Asked for one sentence on why to retry with jittered backoff: one sentence that names it.
    expect(generated.text).toMatch(/^[A-Z][^.!?]*jittered backoff[^.!?]*\.$/);
    expect(generated.finishReason).toBe('stop');

    const streamed = await streamTextScene.run();
    expect(streamed.chunks).toBeGreaterThan(1);
    expect(printed.join('')).toContain(streamed.text);

    const tools = await toolLoopScene.run();
    expect(tools.staticToolCalls.map(call => [call.toolName, typeof call.input.city])).toEqual([
      ['weather', 'string'],
    ]);
    expect(tools.steps).toHaveLength(2);

    const note = await structuredOutputScene.run();
    expect(['low', 'medium', 'high']).toContain(note.severity);
    expect(note.title).toBe('The retry middleware now honours Retry-After');
    expect(note.affectedPackages.length).toBeGreaterThan(0);
    // npm package names (lower case, no spaces), not words.
    for (const name of note.affectedPackages) expect(name).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
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
    expect(log()).toEqual(['bge-m3 200', 'bge-m3 200']);
    expect(printed[0]).toBe(
      `query: Where do cats sleep? (bge-m3, ${vectors[0]?.length} dimensions)`,
    );
  });

  it('ingestion: the 429s each run printed are the ones the emulator sent; with the shared guard fewer, and every chunk embedded', async () => {
    emulator.setLimits(ingestionScene.limits ?? {});
    let value: Awaited<ReturnType<typeof ingestionScene.run>>;
    try {
      value = await ingestionScene.run();
    } finally {
      emulator.setLimits({});
    }
    const { alone, shared } = value;
    const sent429 = (path: string) =>
      emulator.requests.filter(r => r.path === path && r.status === 429).length;
    expect(alone.embedding429s + shared.embedding429s).toBe(sent429('/v1/embeddings'));
    expect(alone.chat429s + shared.chat429s).toBe(sent429('/v1/chat/completions'));
    expect(alone.embedding429s).toBeGreaterThan(0);
    expect(shared.embedding429s + shared.chat429s).toBeLessThan(
      alone.embedding429s + alone.chat429s,
    );
    expect(shared.job).toBe('120 vectors');
    // Every chunk reached the service in a 200: 6 requests of 20 in the guarded run.
    const embedded = emulator.requests.filter(
      r => r.path === '/v1/embeddings' && r.status === 200 && r.model === 'bge-m3',
    );
    expect(embedded.length).toBeGreaterThanOrEqual(6);
    expect(printed[0]).toMatch(
      /^without a guard: job (failed: \w+|120 vectors); 429s: \d+ embeddings, \d+ chat; chat \d+\/\d+ answered, slowest \d+ ms$/,
    );
    expect(printed[1]).toMatch(
      /^one shared guard: job 120 vectors; 429s: \d+ embeddings, \d+ chat; chat \d+\/\d+ answered, slowest \d+ ms$/,
    );
  });

  it('retry-after: the retry reaches the server after the Retry-After second', async () => {
    emulator.enqueueFaults({ status: 429, retryAfter: '1' });
    expect((await retryAfterScene.run()).length).toBeGreaterThan(0);
    expect(log()).toEqual(['glm-5.1 429', 'glm-5.1 200']);
    const [limited, retried] = emulator.requests;
    expect(retried!.time - limited!.time).toBeGreaterThanOrEqual(999);
    expect(printed[0]).toMatch(/^attempt 1: 429 rate_limit; retrying in ([\d.]+) ms$/);
    expect(Number(printed[0]?.match(/in ([\d.]+) ms/)?.[1])).toBeGreaterThanOrEqual(1000);
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

  it('stalled-stream: the stream stalled after its headers is cut at 2 s, the retry answers once', async () => {
    emulator.enqueueFaults({ stall: 'after-headers', times: 1 });
    const { text, starts, finishReason } = await stalledStreamScene.run();
    expect([starts, finishReason]).toEqual([1, 'stop']);
    expect(log()).toEqual(['glm-5.1 200', 'glm-5.1 200']);
    const [stalled, retried] = emulator.requests;
    expect([stalled?.fault?.stall, stalled?.outcome, stalled?.chunks ?? 0]).toEqual([
      'after-headers',
      'aborted',
      0,
    ]);
    expect(retried!.time - stalled!.time).toBeGreaterThanOrEqual(1_999);
    expect(printed[0]).toMatch(
      /^attempt 1: AI_TimeoutError: No content within firstContentTimeoutMs \(2000 ms\); retrying in \d+ ms$/,
    );
    // The text printed once, as the reader saw it: no part of the cut attempt, nothing twice.
    expect(printed.slice(1, -1).join('')).toBe(text);
    expect(printed.at(-1)).toBe('\n(1 step, finish reason: stop)');
  });

  it('span-tree: prints the tree of the traced call, and no span holds the key or the prompt', async () => {
    emulator.enqueueFaults({ status: 429, retryAfter: '1' });
    const spans = await spanTreeScene.run();
    expect(log()).toEqual(['glm-5.1 429', 'glm-5.1 200']);
    expect(printed.map(line => line.replace(/\d+ ms/, 'N ms'))).toEqual([
      'invoke_agent glm-5.1  N ms',
      '  step 1  N ms',
      '    chat glm-5.1  N ms',
      '      alaya.attempt  N ms  error  alaya.attempt.number=1 http.response.status_code=429 alaya.error.kind=rate_limit alaya.retry.wait_reason=retry_after alaya.retry.wait_ms=1000',
      '      alaya.attempt  N ms  ok  alaya.attempt.number=2',
    ]);
    const recorded = JSON.stringify(spans.map(s => [s.name, s.attributes, s.events, s.status]));
    expect(recorded).not.toContain('scene-key');
    expect(recorded).not.toContain('Say hello');
    expect(recorded.toLowerCase()).not.toContain('authorization');
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
    const unauthorised = defineScene({
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
    const needsLimits = defineScene({
      title: 't',
      run: async () => 1,
      limits: { rpm: 1 },
      checks: () => ({ c: true }),
    });
    expect((await runScene('limits', needsLimits, service)).status).toBe('skip');
  });

  it("holds the key to a scene's limits while it runs, waives the all-200 check, and lifts them after", async () => {
    emulator.reset();
    const chat = () =>
      fetch(`${emulator.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer harness-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'glm-5.1', messages: [{ role: 'user', content: 'Hi' }] }),
      });
    const limited = defineScene({
      title: 't',
      run: async () => [(await chat()).status, (await chat()).status],
      limits: { rpm: 1, windowMs: 60_000 },
      checks: ({ value }) => ({ 'the second request was limited': value[1] === 429 }),
    });
    const result = await runScene('limited', limited, target());
    expect(result.status).toBe('pass');
    expect(result.checks).toEqual([['the second request was limited', true]]);
    expect((await chat()).status).toBe(200);
  });
});
