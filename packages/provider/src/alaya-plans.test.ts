import { InvalidArgumentError } from '@ai-sdk/provider';
import { alayaMiddleware, createFleetGuard } from '@alaya-code/ai-sdk-middleware';
import { type Emulator, PLAN_LIMITS, startEmulator } from '@alaya-code/emulator';
import { generateText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlayaPlan, alayaPacing } from './alaya-plans';
import { createAlaya } from './alaya-provider';

describe('alayaPacing', () => {
  it.each([
    ['free', { rpm: 60, tpm: 30_000 }],
    ['pro', { rpm: 300, tpm: 150_000 }],
    ['team', { rpm: 600, tpm: 500_000 }],
  ] as const)('%s: the published requests and tokens per minute, per key', (plan, limits) => {
    expect(alayaPacing(plan)).toEqual({ ...limits, per: 'key' });
    // The emulator holds a key on that plan to the same limits.
    const { rpm, tpm } = alayaPacing(plan);
    expect({ rpm, tpm }).toEqual(PLAN_LIMITS[plan]);
  });

  it('each call returns its own object: changing one changes no other call', () => {
    const pro = alayaPacing('pro');
    pro.rpm = 1;
    expect(alayaPacing('pro').rpm).toBe(300);
  });

  it.each([
    ['gold', /plan must be one of 'free', 'pro', 'team', got a string of 4 characters/],
    ['toString', /got a string of 8 characters/],
    [undefined, /got undefined/],
    [42, /got number/],
  ])(
    'refuses %s with an InvalidArgumentError naming the plans (never echoing the value)',
    (plan, message) => {
      const call = () => alayaPacing(plan as AlayaPlan);
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    },
  );
});

describe('alayaPacing with the middleware, over real HTTP to the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: ['test-key'], models: ['glm-5.1'] });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("the free plan's limits are the pacer's stated ceiling from the first call", async () => {
    const guard = createFleetGuard({ pacing: alayaPacing('free') });
    const model = wrapLanguageModel({
      model: createAlaya({ baseURL: emulator.url, apiKey: 'test-key' })('glm-5.1'),
      middleware: alayaMiddleware({ guard }),
    });
    await generateText({ model, prompt: 'Hi', maxRetries: 0 });
    const [pace] = (await guard.getState()).pacing;
    expect(pace).toMatchObject({ rpm: 60, tpm: 30_000, reason: 'stated_limit' });
  });
});
