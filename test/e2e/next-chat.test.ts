/**
 * Browser end-to-end test of examples/next: the emulator runs in-process, the example is built with
 * `next build` and served by `next start` on a free port, and Debian's Chromium (through playwright-core)
 * drives the chat page. Faults are injected over the emulator's HTTP admin endpoint, as an out-of-process
 * user would. The checks are about what a person sees: the latest message in view after an error, nothing
 * over the composer on a phone, one Reasoning section per answer, a readable tool result, an icon.
 * Screenshots (1280x800 and 390x844) go to test/e2e/output/ (git-ignored): look at them after a change.
 * The README's gallery, one PNG per state, goes to test/e2e/output/gallery/; with UPDATE_SCREENSHOTS=1 it
 * redraws the committed one (examples/next/docs/screenshots/) instead, so a test run leaves the checkout
 * clean. Fixed viewports, seeded emulator answers and no clock on the page keep the pictures stable.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../examples/next/lib/server-config';
import { type ChromiumSession, launchChromium, VIEWPORTS } from '../support/chromium';
import { coveringElements, lineCount, scrollState, visibility } from '../support/layout';
import { buildNextApp, type NextApp, startNextApp } from '../support/next-app';
import { CONSOLE_JARGON } from './plain-words';

const here = dirname(fileURLToPath(import.meta.url));
const APP_DIR = join(here, '../../examples/next');
const OUTPUT_DIR = join(here, 'output');
const GALLERY_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(APP_DIR, 'docs/screenshots')
  : join(OUTPUT_DIR, 'gallery');
/** A tall desktop screen, where a short conversation leaves most of the pane empty. */
const TALL = { width: 1280, height: 1400 } as const;
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

type Screen = keyof typeof VIEWPORTS;

async function openChat(
  screen: Screen | { width: number; height: number } = 'desktop',
): Promise<Page> {
  if (!browser || !app) throw new Error('not started');
  page = await browser.context.newPage();
  await page.setViewportSize(typeof screen === 'string' ? VIEWPORTS[screen] : screen);
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

/** What a person sees (the viewport, not the full page), at the page's current size. */
async function screenshot(current: Page, name: string): Promise<void> {
  const { width = 0 } = current.viewportSize() ?? {};
  await current.screenshot({ path: join(OUTPUT_DIR, `next-chat-${name}-${width}.png`) });
}

/**
 * The README gallery's picture of one state: `<state>.png` in {@link GALLERY_DIR}. No focus ring
 * and no hover (the pointer parked in a corner), so a run redraws the same pixels.
 */
async function galleryShot(current: Page, state: string): Promise<void> {
  await current.mouse.move(0, 0);
  await current.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await current.screenshot({
    path: join(GALLERY_DIR, `${state}.png`),
    animations: 'disabled',
    caret: 'hide',
  });
}

/**
 * How far below the bottom of the last user message (the one that failed) the error banner starts, in
 * CSS pixels: it belongs right after that message, wherever the screen puts the composer.
 */
function bannerGap(current: Page): Promise<number> {
  return current.evaluate(() => {
    const users = document.querySelectorAll('[data-testid=message-user]');
    const failed = users[users.length - 1]?.getBoundingClientRect();
    const banner = document.querySelector('[data-testid=chat-error]')?.getBoundingClientRect();
    if (!failed || !banner) throw new Error('no failed message or no banner');
    return Math.round(banner.top - failed.bottom);
  });
}

/** How many times `pattern` occurs in the text a person sees on the page. */
async function occurrences(current: Page, pattern: RegExp): Promise<number> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person sees
  const text = await current.locator('body').innerText();
  return text.match(new RegExp(pattern.source, 'gi'))?.length ?? 0;
}

/** Sends `text`, waits for the whole answer, and returns it. */
async function exchange(current: Page, text: string): Promise<string> {
  const answers = await current.locator('[data-testid=message-assistant]').count();
  await send(current, text);
  await current.locator('[data-testid=message-assistant]').nth(answers).waitFor();
  await waitForStatus(current, 'ready');
  return lastAssistantText(current);
}

/** The number of Reasoning sections in each assistant message. */
function reasoningPerAnswer(current: Page): Promise<number[]> {
  return current
    .locator('[data-testid=message-assistant]')
    .evaluateAll(nodes =>
      nodes.map(node => node.querySelectorAll('[data-testid=reasoning]').length),
    );
}

async function timed(scenario: string, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await run();
  timings.push({ scenario, ms: Math.round(performance.now() - started) });
}

describe('examples/next chat in Chromium', () => {
  beforeAll(async () => {
    await mkdir(OUTPUT_DIR, { recursive: true });
    await mkdir(GALLERY_DIR, { recursive: true });
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
      await galleryShot(current, 'empty');
      // The picker lists what the emulator serves (GET /v1/models), starting on the example's default.
      const served = await fetch(`${emulatorOf().url}/models`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      }).then(response => response.json() as Promise<{ data: { id: string }[] }>);
      const options = await current.locator('[data-testid=model-select] option').allTextContents();
      expect(options).toEqual(served.data.map(model => model.id));
      expect(await current.inputValue('[data-testid=model-select]')).toBe(DEFAULT_MODEL);
      const picked = options.find(id => id !== DEFAULT_MODEL) ?? '';
      await current.selectOption('[data-testid=model-select]', picked);

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

      const reasoning = current.locator('[data-testid=reasoning]').last();
      expect(await reasoning.evaluate(node => (node as HTMLDetailsElement).open)).toBe(false);
      expect(await reasoning.locator('summary').textContent()).toBe('Reasoning');
      expect((await reasoning.locator('p').allTextContents()).join('').length).toBeGreaterThan(0);
      expect(await reasoningPerAnswer(current)).toEqual([1]);

      const requests = chatRequestsSince(before);
      expect(requests.map(request => [request.model, request.status])).toEqual([[picked, 200]]);
      await screenshot(current, 'streamed');
      await galleryShot(current, 'answer');
      await reasoning.locator('summary').click();
      expect(await reasoning.evaluate(node => (node as HTMLDetailsElement).open)).toBe(true);
      await galleryShot(current, 'reasoning');
    });
  });

  it('renders a calculator call as arithmetic, with one Reasoning section and no raw JSON', async () => {
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
      // The model got the result as arithmetic (the tool's toModelOutput), so its answer quotes no JSON.
      const answer = await lastAssistantText(current);
      expect(answer).toContain(String(expected));
      const pageText = (await current.textContent('[data-testid=messages]')) ?? '';
      expect(pageText).not.toMatch(/[{}]|"result"/);
      // Two steps (the tool call, then the answer) each reason; the page shows one section.
      expect(await reasoningPerAnswer(current)).toEqual([1]);
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([200, 200]);
      await screenshot(current, 'tool-call');
      await galleryShot(current, 'tool');
    });
  });

  it('answers the suggestion "What is 12.5 times 8?" through the calculator: 12.5 × 8 = 100', async () => {
    await timed('suggestion', async () => {
      const current = await openChat();
      const before = emulatorOf().requests.length;
      await current.getByRole('button', { name: 'What is 12.5 times 8?' }).click();
      await current.waitForSelector('[data-testid=message-user] >> text=What is 12.5 times 8?');

      const tool = current.locator('[data-testid=tool-calculator][data-state=output-available]');
      await tool.waitFor();
      expect(await tool.locator('[data-testid=tool-input]').textContent()).toBe('12.5 × 8');
      expect(await tool.locator('[data-testid=tool-output]').textContent()).toBe('= 100');
      await waitForStatus(current, 'ready');
      expect(await lastAssistantText(current)).toContain('100');
      // One request for the tool call, one for the answer that uses its result.
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([200, 200]);
      await screenshot(current, 'suggestion');
    });
  });

  it('recovers from an injected 429 and tells how many retries it took', async () => {
    await timed('429 retried', async () => {
      const current = await openChat();
      const before = emulatorOf().requests.length;
      await injectFaults([{ match: { path: CHAT_PATH }, status: 429, retryAfter: '1' }]);
      await send(current, 'Are you busy?');

      await waitForStatus(current, 'ready');
      expect((await lastAssistantText(current)).length).toBeGreaterThan(0);
      expect(await current.locator('[data-testid=message-retries]').textContent()).toBe(
        'Recovered after 1 retry',
      );
      expect(await current.locator('[data-testid=chat-error]').count()).toBe(0);
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([429, 200]);
      await screenshot(current, 'rate-limit-recovered');
      await galleryShot(current, 'rate-limit-recovered');
    });
  });

  for (const screen of ['desktop', 'phone'] as const) {
    it(`on a 402 (${screen}), says in plain words the account has nothing left to spend, right after the failed message, and retries`, async () => {
      await timed(`402 quota message (${screen})`, async () => {
        const current = await openChat(screen);
        // Enough conversation to overflow the pane, so "scrolled to the latest message" can fail.
        const answers: string[] = [];
        for (let turn = 1; turn <= 8; turn++) {
          answers.push(await exchange(current, `Question ${turn}.`));
          const pane = await scrollState(current, '[data-testid=messages]');
          if (pane.scrollHeight > pane.clientHeight + 100) break;
        }
        const overflowing = await scrollState(current, '[data-testid=messages]');
        expect(overflowing.scrollHeight, 'the conversation overflows the pane').toBeGreaterThan(
          overflowing.clientHeight,
        );

        const before = emulatorOf().requests.length;
        await injectFaults([{ match: { path: CHAT_PATH }, status: 402 }]);
        await send(current, 'The failed question.');
        const banner = current.locator('[data-testid=chat-error]');
        await banner.waitFor();
        await waitForStatus(current, 'error');
        expect(await banner.getAttribute('data-kind')).toBe('insufficient_quota');
        const message =
          (await banner.locator('[data-testid=chat-error-message]').textContent()) ?? '';
        expect(message).toContain('has nothing left to spend');
        expect(message).toContain('then try again');
        expect(message).not.toMatch(CONSOLE_JARGON);
        const link = banner.locator('[data-testid=chat-error-link]');
        expect(await link.getAttribute('href')).toBe(USAGE_URL);
        expect(await link.textContent()).toBe('Check usage in the Alaya console');
        const pageText = (await current.textContent('body')) ?? '';
        expect(pageText).not.toContain(API_KEY);
        expect(pageText).not.toMatch(/\bat .+:\d+:\d+|APICallError|Payment Required/);
        // Not retried: a 402 is not transient.
        expect(chatRequestsSince(before).map(request => request.status)).toEqual([402]);

        // What a person sees: the pane is at its end, the failed message is entirely in view above the
        // banner, and the banner and the composer are not covered.
        await expect
          .poll(() => scrollState(current, '[data-testid=messages]').then(pane => pane.atBottom))
          .toBe(true);
        const failed = '[data-testid=message-user] >> nth=-1';
        expect(await current.locator(failed).textContent()).toBe('The failed question.');
        expect(await visibility(current, failed, '[data-testid=messages]')).toEqual({
          visible: true,
        });
        expect(await coveringElements(current, '[data-testid=chat-error]')).toEqual([]);
        expect(await coveringElements(current, '[data-testid=chat-input]')).toEqual([]);
        // The banner reads as belonging to the failed message: right below it.
        expect(await bannerGap(current)).toBeGreaterThanOrEqual(0);
        expect(await bannerGap(current)).toBeLessThanOrEqual(24);

        // The conversation is still there, and the input still works.
        const userTexts = await current.locator('[data-testid=message-user]').allTextContents();
        expect(userTexts.at(-1)).toBe('The failed question.');
        expect(userTexts).toHaveLength(answers.length + 1);
        const firstAnswer = await current
          .locator('[data-testid=message-assistant] >> nth=0')
          .locator('[data-testid=message-text]')
          .allTextContents();
        expect(firstAnswer.join('\n')).toBe(answers[0]);
        await screenshot(current, 'quota');
        if (screen === 'phone') await galleryShot(current, 'quota-phone');

        await current.click('[data-testid=retry]');
        await waitForStatus(current, 'ready');
        expect(await banner.count()).toBe(0);
        expect(await current.locator('[data-testid=message-assistant]').count()).toBe(
          answers.length + 1,
        );
        await expect
          .poll(() => scrollState(current, '[data-testid=messages]').then(pane => pane.atBottom))
          .toBe(true);
      });
    });
  }

  it('on a 502 that outlasts the retries (tall screen), keeps the failed message and shows the banner right after it', async () => {
    await timed('502 failed (tall)', async () => {
      const current = await openChat(TALL);
      const answer = await exchange(current, 'Hello there.');
      const before = emulatorOf().requests.length;
      await injectFaults([{ match: { path: CHAT_PATH }, status: 502, times: 3 }]);
      await send(current, 'The question that fails.');
      const banner = current.locator('[data-testid=chat-error]');
      await banner.waitFor();
      await waitForStatus(current, 'error');
      expect(await banner.getAttribute('data-kind')).toBe('bad_gateway');
      expect(await banner.locator('[data-testid=chat-error-message]').textContent()).toContain(
        'retried 2 times',
      );
      expect(chatRequestsSince(before).map(request => request.status)).toEqual([502, 502, 502]);

      // The failed message and the answer before it are kept.
      expect(await current.locator('[data-testid=message-user]').allTextContents()).toEqual([
        'Hello there.',
        'The question that fails.',
      ]);
      expect(await lastAssistantText(current)).toBe(answer);
      // The pane is mostly empty on this screen: the banner still sits right below the failed message,
      // not at the bottom of the pane next to the composer.
      const gap = await bannerGap(current);
      expect(gap, 'banner top minus failed message bottom (px)').toBeGreaterThanOrEqual(0);
      expect(gap, 'banner top minus failed message bottom (px)').toBeLessThanOrEqual(24);
      expect(await coveringElements(current, '[data-testid=chat-error]')).toEqual([]);
      await galleryShot(current, 'bad-gateway-failed');
    });
  });

  it('fits a phone: the title on one line, nothing over the composer, no sideways scroll', async () => {
    await timed('phone layout', async () => {
      const current = await openChat('phone');
      await screenshot(current, 'empty');
      expect(await lineCount(current, 'h1')).toBe(1);
      expect(await coveringElements(current, '[data-testid=chat-input]')).toEqual([]);
      expect(await coveringElements(current, '[data-testid=model-select]')).toEqual([]);
      const overflow = await current.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBe(0);

      await exchange(current, 'Use the calculator: what is 12.5 and 8?');
      await screenshot(current, 'tool-call');
      expect(await coveringElements(current, '[data-testid=chat-input]')).toEqual([]);
      expect(await coveringElements(current, '[data-testid=send]')).toEqual([]);
    });
  });

  it('serves an icon: /favicon.ico and the linked SVG icon', async () => {
    if (!app) throw new Error('not started');
    const favicon = await fetch(`${app.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toContain('image/');
    expect((await favicon.arrayBuffer()).byteLength).toBeGreaterThan(100);

    const current = await openChat();
    const icons = await current
      .locator('link[rel~=icon]')
      .evaluateAll(links => links.map(link => (link as HTMLLinkElement).href));
    expect(icons.length).toBeGreaterThan(0);
    for (const href of icons) expect((await fetch(href)).status, href).toBe(200);
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

      await galleryShot(current, 'stopped');

      const next = await exchange(current, 'Still there?');
      expect(next.length).toBeGreaterThan(0);
      await screenshot(current, 'final');
    });
  });

  // Last: it closes the emulator (and starts it again on the same port before it ends).
  it('with the emulator down, says "could not reach" once, after the failed message, and retries once it is back', async () => {
    await timed('emulator down', async () => {
      const { port } = emulatorOf();
      await emulatorOf().close();
      let down = true;
      const bringBack = async () => {
        if (!down) return;
        emulator = await startEmulator({ port, apiKeys: [API_KEY] });
        down = false;
      };
      try {
        const current = await openChat();
        // Before anything is sent, the page says it at the top (the model list could not be loaded).
        const notice = current.locator('[data-testid=models-error]');
        expect(await notice.textContent()).toContain('could not reach');
        expect(await occurrences(current, /could not reach/)).toBe(1);
        await screenshot(current, 'emulator-down-notice');

        await send(current, 'Is anyone there?');
        const banner = current.locator('[data-testid=chat-error]');
        await banner.waitFor();
        await waitForStatus(current, 'error');
        expect(await banner.getAttribute('data-kind')).toBe('connection');
        // Once a message failed, the banner after it says it, and only the banner.
        expect(await occurrences(current, /could not reach/)).toBe(1);
        expect(await banner.textContent()).toContain('could not reach');
        const gap = await bannerGap(current);
        expect(gap).toBeGreaterThanOrEqual(0);
        expect(gap).toBeLessThanOrEqual(24);
        await galleryShot(current, 'emulator-down');

        await bringBack();
        await current.click('[data-testid=retry]');
        await waitForStatus(current, 'ready');
        expect(await banner.count()).toBe(0);
        expect((await lastAssistantText(current)).length).toBeGreaterThan(0);
      } finally {
        await bringBack();
      }
    });
  });
});
