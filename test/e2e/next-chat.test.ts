/**
 * Browser end-to-end test of examples/next: the emulator runs in-process, the example is built with
 * `next build` and served by `next start` on a free port, and Debian's Chromium (through playwright-core)
 * drives the chat page. Faults are injected over the emulator's HTTP admin endpoint, as an out-of-process
 * user would. Screenshots go to test/e2e/output/ (git-ignored).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { buildNextApp, type NextApp, startNextApp } from '../support/next-app';

const here = dirname(fileURLToPath(import.meta.url));
const APP_DIR = join(here, '../../examples/next');
const OUTPUT_DIR = join(here, 'output');
const API_KEY = 'sk-e2e-next-chat-3f9c';
const USAGE_URL = 'https://console.example.test/usage';
const CHAT_PATH = '/v1/chat/completions';

let emulator: Emulator | undefined;
let app: NextApp | undefined;
let browser: ChromiumSession | undefined;
let page: Page | undefined;
const timings: { scenario: string; ms: number }[] = [];

/** Queues faults through `POST /__emulator/faults`, the endpoint an out-of-process user has. */
async function injectFaults(faults: unknown[]): Promise<void> {
  const response = await fetch(`${emulatorOf().origin}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

function emulatorOf(): Emulator {
  if (!emulator) throw new Error('emulator not started');
  return emulator;
}

/** Chat completion requests the emulator has seen since `from` (an index into `requests`). */
function chatRequestsSince(from: number) {
  return emulatorOf()
    .requests.slice(from)
    .filter(request => request.path === CHAT_PATH);
}

async function openChat(): Promise<Page> {
  if (!browser || !app) throw new Error('not started');
  page = await browser.context.newPage();
  await page.goto(app.url);
  await page.waitForSelector('[data-testid=chat][data-hydrated=true]');
  return page;
}

async function send(current: Page, text: string): Promise<void> {
  await current.fill('[data-testid=chat-input]', text);
  await current.click('[data-testid=send]');
}

function lastAssistantText(current: Page): Promise<string> {
  return current
    .locator('[data-testid=message-assistant]')
    .last()
    .locator('[data-testid=message-text]')
    .allTextContents()
    .then(parts => parts.join('\n'));
}

/** Waits until the last assistant message has more text than `previous`, and returns it. */
async function waitForLongerAnswer(current: Page, previous: string): Promise<string> {
  await current.waitForFunction(length => {
    const messages = document.querySelectorAll('[data-testid=message-assistant]');
    const last = messages[messages.length - 1];
    const text = [...(last?.querySelectorAll('[data-testid=message-text]') ?? [])]
      .map(node => node.textContent ?? '')
      .join('\n');
    return text.length > length;
  }, previous.length);
  return lastAssistantText(current);
}

function waitForStatus(current: Page, status: 'ready' | 'error' | 'streaming') {
  return current.waitForSelector(`[data-testid=chat][data-status=${status}]`);
}

async function screenshot(current: Page, name: string): Promise<void> {
  await current.screenshot({ path: join(OUTPUT_DIR, `next-chat-${name}.png`), fullPage: true });
}

async function timed(scenario: string, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await run();
  timings.push({ scenario, ms: Math.round(performance.now() - started) });
}

describe('examples/next chat in Chromium', () => {
  beforeAll(async () => {
    await mkdir(OUTPUT_DIR, { recursive: true });
    await timed('setup: emulator + next build + next start + chromium', async () => {
      emulator = await startEmulator({ port: 0, apiKeys: [API_KEY] });
      await buildNextApp(APP_DIR);
      app = await startNextApp(APP_DIR, {
        ALAYA_API_KEY: API_KEY,
        ALAYA_BASE_URL: emulator.url,
        ALAYA_CONSOLE_USAGE_URL: USAGE_URL,
      });
      browser = await launchChromium();
    });
  }, 300_000);

  afterEach(async () => {
    await page?.close().catch(() => {});
    page = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emulator?.close();
    console.log(
      `next-chat timings:\n${timings.map(({ scenario, ms }) => `  ${scenario}: ${ms} ms`).join('\n')}`,
    );
  }, 60_000);

  it('lists the models and streams an answer that grows, with the reasoning collapsed', async () => {
    await timed('streamed answer', async () => {
      const current = await openChat();
      const options = await current.locator('[data-testid=model-select] option').allTextContents();
      expect(options).toEqual(['glm-5.2', 'glm-5.1', 'deepseek-v4-flash']);
      await current.selectOption('[data-testid=model-select]', 'glm-5.1');

      const before = emulatorOf().requests.length;
      await injectFaults([{ match: { path: CHAT_PATH }, chunkDelayMs: 40 }]);
      await send(current, 'Tell me about streaming answers.');
      await current.waitForSelector('[data-testid=message-user] >> text=Tell me about streaming');

      const first = await waitForLongerAnswer(current, '');
      const second = await waitForLongerAnswer(current, first);
      expect(second.startsWith(first)).toBe(true);
      await waitForStatus(current, 'ready');
      const final = await lastAssistantText(current);
      expect(final.length).toBeGreaterThan(second.length);
      expect(final).toContain('Echo: Tell me about streaming answers.');

      const reasoning = current.locator('[data-testid=reasoning]').last();
      expect(await reasoning.evaluate(node => (node as HTMLDetailsElement).open)).toBe(false);
      expect(await reasoning.locator('summary').textContent()).toBe('Reasoning');
      expect(await reasoning.locator('p').textContent()).toContain('The user asked');

      const requests = chatRequestsSince(before);
      expect(requests.map(request => [request.model, request.status])).toEqual([['glm-5.1', 200]]);
      await screenshot(current, 'streamed');
    });
  });

  it('renders a calculator tool call with its computed result, then the answer', async () => {
    await timed('tool call', async () => {
      const current = await openChat();
      const before = emulatorOf().requests.length;
      await send(current, 'Use the calculator: what is 12.5 and 8?');

      const tool = current.locator('[data-testid=tool-calculator][data-state=output-available]');
      await tool.waitFor();
      const input = (await tool.locator('[data-testid=tool-input]').textContent()) ?? '';
      const match = /^(-?[\d.]+) ([+−×÷]) (-?[\d.]+)$/.exec(input);
      expect(match, input).not.toBeNull();
      const [, a, symbol, b] = match as RegExpExecArray;
      expect([Number(a), Number(b)]).toEqual([12.5, 8]);
      const expected = { '+': 20.5, '−': 4.5, '×': 100, '÷': 1.5625 }[symbol as '+'];
      expect(await tool.locator('[data-testid=tool-output]').textContent()).toBe(`= ${expected}`);

      await waitForStatus(current, 'ready');
      expect(await lastAssistantText(current)).toContain(
        `The calculator tool returned: {"result":${expected}}`,
      );
      // Step 1 asked for the tool, step 2 answered with its result.
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([200, 200]);
      await screenshot(current, 'tool-call');
    });
  });

  it('recovers from an injected 429 and tells how many retries it took', async () => {
    await timed('429 retried', async () => {
      const current = await openChat();
      const before = emulatorOf().requests.length;
      await injectFaults([{ match: { path: CHAT_PATH }, status: 429, retryAfter: '1' }]);
      await send(current, 'Are you busy?');

      await waitForStatus(current, 'ready');
      expect(await lastAssistantText(current)).toContain('Echo: Are you busy?');
      expect(await current.locator('[data-testid=message-retries]').textContent()).toBe(
        'Recovered after 1 retry',
      );
      expect(await current.locator('[data-testid=chat-error]').count()).toBe(0);
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([429, 200]);
      await screenshot(current, 'rate-limit-recovered');
    });
  });

  it('shows the quota message with the Usage link on a 402, keeps the conversation, and retries', async () => {
    await timed('402 quota message', async () => {
      const current = await openChat();
      await send(current, 'First question.');
      await waitForStatus(current, 'ready');
      const firstAnswer = await lastAssistantText(current);

      const before = emulatorOf().requests.length;
      await injectFaults([{ match: { path: CHAT_PATH }, status: 402 }]);
      await send(current, 'Second question.');
      const banner = current.locator('[data-testid=chat-error]');
      await banner.waitFor();
      expect(await banner.getAttribute('data-kind')).toBe('insufficient_quota');
      const message =
        (await banner.locator('[data-testid=chat-error-message]').textContent()) ?? '';
      expect(message).toContain('quota is used up');
      expect(message).toContain('Usage page');
      const link = banner.locator('[data-testid=chat-error-link]');
      expect(await link.getAttribute('href')).toBe(USAGE_URL);
      expect(await link.textContent()).toContain('Usage page');
      const pageText = (await current.textContent('body')) ?? '';
      expect(pageText).not.toContain(API_KEY);
      expect(pageText).not.toMatch(/\bat .+:\d+:\d+|APICallError|Payment Required/);
      // Not retried: a 402 is not transient.
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([402]);

      // The conversation is still there, and the input still works.
      expect(await current.locator('[data-testid=message-user]').allTextContents()).toEqual([
        'First question.',
        'Second question.',
      ]);
      expect(
        await current
          .locator('[data-testid=message-assistant] [data-testid=message-text]')
          .first()
          .textContent(),
      ).toBe(firstAnswer);
      await screenshot(current, 'quota');

      await current.click('[data-testid=retry]');
      await waitForStatus(current, 'ready');
      expect(await banner.count()).toBe(0);
      expect(await lastAssistantText(current)).toContain('Echo: Second question.');
    });
  });

  it('stops a slow stream, keeps the partial answer, and accepts the next message', async () => {
    await timed('stop', async () => {
      const current = await openChat();
      const before = emulatorOf().requests.length;
      await injectFaults([{ match: { path: CHAT_PATH }, chunkDelayMs: 200 }]);
      await send(current, 'Write something long, slowly.');

      const partial = await waitForLongerAnswer(current, '');
      await current.click('[data-testid=stop]');
      await waitForStatus(current, 'ready');
      await current.waitForSelector('[data-testid=message-stopped]');
      const stoppedAt = await lastAssistantText(current);
      expect(stoppedAt.startsWith(partial)).toBe(true);
      // Nothing more arrives after the stop (the slow stream would add a chunk every 200 ms).
      await current.waitForTimeout(1_000);
      expect(await lastAssistantText(current)).toBe(stoppedAt);
      expect(await current.locator('[data-testid=stop]').count()).toBe(0);
      // The abort travelled browser -> route -> middleware -> provider: the emulator saw the client leave.
      await expect
        .poll(() => chatRequestsSince(before)[0]?.outcome, { timeout: 5_000 })
        .toBe('aborted');
      expect(await current.locator('[data-testid=chat-error]').count()).toBe(0);

      await send(current, 'Still there?');
      await waitForStatus(current, 'ready');
      expect(await lastAssistantText(current)).toContain('Echo: Still there?');
      await screenshot(current, 'final');
    });
  });
});
