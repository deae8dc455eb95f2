import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../test-support/emulator-fixture';
import { createFleetGuard } from './fleet-guard';

const API_KEY = 'sk-shared-cooldown-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

describe('a shared-cooldown wait over HTTP', () => {
  it("rethrows the caller's own abort reason, as backoff and pace waits do", async () => {
    const guard = createFleetGuard({ cooldownSpreadMs: 0 });
    fixture.emulator.enqueueFaults({ status: 429, retryAfterMs: '5000' });
    await expect(
      generateText({ model: model({ guard, maxRetries: 0 }), prompt: 'Hi', maxRetries: 0 }),
    ).rejects.toMatchObject({ kind: 'rate_limit' });
    // The next call waits out the 5 s cooldown that 429 shared, until its caller gives up.
    const controller = new AbortController();
    const reason = new Error('stop button');
    const call = generateText({
      model: model({ guard }),
      prompt: 'Hi',
      abortSignal: controller.signal,
      maxRetries: 0,
    }).catch((error: unknown) => error);
    await new Promise(resolve => setTimeout(resolve, 100));
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(chat()).toHaveLength(1);
  });
});
