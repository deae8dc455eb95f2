import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { banner, CLI_USAGE, parseCliArgs } from './cli-args';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/alaya-emulator.js', import.meta.url));

describe('parseCliArgs', () => {
  it('parses the plan, throttled mode and the rate-limit header switch', () => {
    expect(parseCliArgs(['--plan', 'pro', '--no-rate-limit-headers'])).toMatchObject({
      kind: 'start',
      options: { plan: 'pro', rateLimitHeaders: false, apiKeys: ['test-key'] },
    });
    expect(parseCliArgs(['--throttled', '--key', 'k'])).toMatchObject({
      kind: 'start',
      options: { quotaExhausted: 'throttle', apiKeys: [{ key: 'k', quotaTokens: 0 }] },
    });
    expect(parseCliArgs(['--plan', 'gold'])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('plan must be one of free, pro, team'),
    });
  });

  it('parses --error-style one-api, and refuses another style', () => {
    expect(parseCliArgs(['--error-style', 'one-api'])).toMatchObject({
      kind: 'start',
      options: { errorStyle: 'one-api' },
    });
    expect(parseCliArgs(['--error-style', 'alaya'])).toMatchObject({
      options: { errorStyle: 'alaya' },
    });
    expect(parseCliArgs([])).not.toHaveProperty('options.errorStyle');
    expect(parseCliArgs(['--error-style', 'new-api'])).toEqual({
      kind: 'error',
      message: '--error-style must be one of alaya, one-api, got "new-api"',
    });
    expect(CLI_USAGE).toContain('--error-style <style>');
  });

  it('lists every admin endpoint in --help, and prints every key in the banner', () => {
    for (const endpoint of [
      'GET    /__emulator/health',
      'GET    /__emulator/faults',
      'POST   /__emulator/faults',
      'DELETE /__emulator/faults',
      'GET    /__emulator/requests',
      'DELETE /__emulator/requests',
      'POST   /__emulator/reset',
      'GET    /__emulator/limits',
      'POST   /__emulator/limits',
    ]) {
      expect(CLI_USAGE).toContain(endpoint);
    }
    expect(CLI_USAGE).toContain('--plan');
    expect(banner('http://x/v1', ['a', 'b'])).toContain('API keys: a, b');
    expect(banner('http://x/v1', ['a'])).toContain('API key: a\n');
  });

  it('parses port, keys, limits and delays', () => {
    expect(
      parseCliArgs([
        '--port',
        '0',
        '--key',
        'a',
        '--key',
        'b',
        '--rpm',
        '5',
        '--tpm',
        '100',
        '--window-ms',
        '1000',
        '--chunk-delay-ms',
        '20',
        '--quiet',
      ]),
    ).toEqual({
      kind: 'start',
      quiet: true,
      options: {
        port: 0,
        apiKeys: ['a', 'b'],
        limits: { rpm: 5, tpm: 100, windowMs: 1000 },
        stream: { chunkDelayMs: 20 },
      },
    });
  });

  it('parses models, chunk size and first-byte delay', () => {
    expect(
      parseCliArgs([
        '--model',
        'm1',
        '--model',
        'm2',
        '--chunk-size',
        '4',
        '--first-byte-delay-ms',
        '250',
      ]),
    ).toMatchObject({
      kind: 'start',
      options: { models: ['m1', 'm2'], stream: { chunkSize: 4, firstByteDelayMs: 250 } },
    });
    expect(parseCliArgs(['--chunk-size', '0'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--chunk-size', '1.5'])).toMatchObject({ kind: 'error' });
  });

  it('defaults to port 4010 and the test key', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'start',
      quiet: false,
      options: { port: 4010, apiKeys: ['test-key'], limits: {} },
    });
  });

  it('recognises help and reports bad arguments', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--port', 'abc'])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('--port'),
    });
    expect(parseCliArgs(['--port', '70000'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--rpm', '0'])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('--rpm'),
    });
    expect(parseCliArgs(['--bogus'])).toMatchObject({ kind: 'error' });
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[], script = CLI): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', chunk => {
    output += chunk.toString();
  });
  child.stderr!.on('data', chunk => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function waitForUrl(output: () => string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(output());
    if (match) return match[1]!;
    if (Date.now() > deadline) throw new Error(`no URL printed: ${output()}`);
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', code => resolve(code));
  });
}

describe.skipIf(!existsSync(CLI))('alaya-emulator CLI (dist/cli.js)', () => {
  it('prints its URL and key, serves requests, and exits cleanly on SIGTERM', async () => {
    const { child, output } = start([
      '--port',
      '0',
      '--key',
      'cli-key',
      '--key',
      'second-key',
      '--rpm',
      '1',
    ]);
    const url = await waitForUrl(output);
    expect(output()).toContain('API keys: cli-key, second-key');
    const headers = { authorization: 'Bearer cli-key', 'content-type': 'application/json' };
    const models = await fetch(`${url}/models`, { headers });
    expect(models.status).toBe(200);
    expect((await models.json()).data[0].id).toBe('minimax-m2.5');
    const chat = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'glm-5.2', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
    const limited = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'glm-5.2', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(limited.status).toBe(429);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(output()).toContain('POST /v1/chat/completions 429');
    const requestLines = output().split('\n').slice(3).join('\n');
    expect(requestLines).toContain('GET /v1/models 200');
    expect(requestLines).not.toContain('cli-key');
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('serves the default embedding model bge-m3 and counts its tokens against --tpm', async () => {
    const { child, output } = start(['--port', '0', '--quiet', '--tpm', '60']);
    const url = await waitForUrl(output);
    const headers = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
    const ids = (await (await fetch(`${url}/models`, { headers })).json()).data.map(
      (model: { id: string }) => model.id,
    );
    expect(ids).toContain('bge-m3');
    const embed = () =>
      fetch(`${url}/embeddings`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'bge-m3', input: ['one chunk of text to embed'.repeat(6)] }),
      });
    const first = await embed();
    expect(first.status).toBe(200);
    expect((await first.json()).usage.prompt_tokens).toBeGreaterThan(30);
    const limited = await embed();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('--error-style one-api: its 429 is the One API saturation body', async () => {
    const { child, output } = start(['--port', '0', '--quiet', '--error-style', 'one-api']);
    const url = await waitForUrl(output);
    const limited = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer test-key',
        'content-type': 'application/json',
        'x-alaya-emulator-fault': '{"status":429}',
      },
      body: JSON.stringify({ model: 'glm-5.2', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(limited.status).toBe(429);
    const id = limited.headers.get('x-oneapi-request-id');
    expect(id).toMatch(/^\d{22}$/);
    expect((await limited.json()).error).toMatchObject({
      message: `当前分组上游负载已饱和，请稍后再试 (request id: ${id})`,
      type: 'insufficient_quota',
    });
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('runs through the bin shim and exits on SIGINT', async () => {
    const { child, output } = start(['--port', '0', '--quiet'], BIN);
    const url = await waitForUrl(output);
    expect(
      (await fetch(`${url}/models`, { headers: { authorization: 'Bearer test-key' } })).status,
    ).toBe(200);
    child.kill('SIGINT');
    expect(await exitOf(child)).toBe(0);
    expect(output()).not.toContain('GET /v1/models');
  });

  it('prints help, and exits 2 on bad arguments', async () => {
    const help = start(['--help']);
    expect(await exitOf(help.child)).toBe(0);
    expect(help.output()).toContain('Usage: alaya-emulator');
    const bad = start(['--port', 'nope']);
    expect(await exitOf(bad.child)).toBe(2);
    expect(bad.output()).toContain('--port expects');
  });
});
