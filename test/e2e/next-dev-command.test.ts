/**
 * The Next example's README commands, run as a person types them: `dev` with arguments for `next dev`
 * after `--` (pnpm passes the `--` on), with a pinned emulator port, and the README's `curl` fault
 * injection against it. Then the page as a phone shows it in dev mode: nothing (such as Next's dev
 * badge) over the composer. Bounded in time; the child process group is always stopped.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, VIEWPORTS } from '../support/chromium';
import { freePort } from '../support/free-port';
import { coveringElements, lineCount } from '../support/layout';
import { type NextApp, startCommand } from '../support/next-app';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '../..');
const OUTPUT_DIR = join(here, 'output');

let app: NextApp | undefined;
let browser: ChromiumSession | undefined;
let emulatorPort = 0;

describe('examples/next README: the dev command as written', () => {
  beforeAll(async () => {
    const port = await freePort();
    emulatorPort = await freePort();
    // README: ALAYA_EMULATOR_PORT=4010 npx pnpm@10.34.8 --filter @alaya-code/example-next dev -- --port 3001
    app = await startCommand(
      [
        'npx',
        'pnpm@10.34.8',
        '--filter',
        '@alaya-code/example-next',
        'dev',
        '--',
        '--port',
        String(port),
      ],
      {
        cwd: ROOT,
        env: { ALAYA_EMULATOR_PORT: String(emulatorPort) },
        url: `http://localhost:${port}`,
        // The first request compiles the page: give turbo's (cached) build and that compile time.
        timeoutMs: 240_000,
      },
    );
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, 60_000);

  it('serves the chat on the port given after `--`, against the emulator on the pinned port', async () => {
    if (!app) throw new Error('not started');
    const page = await fetch(app.url);
    expect(page.status, app.output().slice(-2000)).toBe(200);
    const html = await page.text();
    expect(html).toContain('Alaya chat');
    expect(html).toContain('local emulator');
    expect(app.output()).toContain(`http://127.0.0.1:${emulatorPort}/v1`);
    expect(app.output()).not.toMatch(/Invalid project directory/);
    expect((await fetch(`${app.url}/favicon.ico`)).status).toBe(200);

    // README: curl -X POST http://127.0.0.1:4010/__emulator/faults -H 'content-type: application/json' \
    //   -d '[{"status":402,"match":{"path":"/v1/chat/completions"}}]'
    const faults = `http://127.0.0.1:${emulatorPort}/__emulator/faults`;
    const injected = await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{"status":402,"match":{"path":"/v1/chat/completions"}}]',
    });
    expect(injected.status, await injected.clone().text()).toBeLessThan(300);
    expect((await fetch(faults, { method: 'DELETE' })).status).toBeLessThan(300);
  });

  it('shows nothing over the composer on a phone in dev mode (no dev badge)', async () => {
    if (!app) throw new Error('not started');
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.setViewportSize(VIEWPORTS.phone);
    await page.goto(app.url);
    await page.waitForSelector('[data-testid=chat][data-hydrated=true]', { timeout: 120_000 });
    // Next's dev tools mount after hydration; give them a moment to appear if they are on.
    await page.waitForTimeout(1_500);
    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'next-dev-390.png') });
    expect(await coveringElements(page, '[data-testid=chat-input]')).toEqual([]);
    expect(await coveringElements(page, '[data-testid=send]')).toEqual([]);
    expect(await lineCount(page, 'h1')).toBe(1);
  });
});
