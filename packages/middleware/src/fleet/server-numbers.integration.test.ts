import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../test-support/emulator-fixture';
import { createFleetGuard } from './fleet-guard';

/**
 * Real HTTP: the emulator answers once with a rate-limit header of 309 digits (`Infinity` as a
 * number). The pacer must not learn a `NaN` bucket from it, which refused every later call without
 * sending it, so that no answer could ever correct it.
 */
const API_KEY = 'sk-server-numbers-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

describe('a rate-limit header too large for a number (real HTTP)', () => {
  it.each(['x-ratelimit-limit-requests', 'x-ratelimit-limit-tokens'])(
    'one 200 with a 309-digit %s: the next calls are still sent',
    async header => {
      fixture.emulator.enqueueFaults({ headers: { [header]: '9'.repeat(309) } });
      const wrapped = model({ guard: createFleetGuard({ pacing: true }), maxRetries: 0 });
      const first = await generateText({ model: wrapped, prompt: 'Hi', maxOutputTokens: 50 });
      expect(first.response.headers?.[header]).toBe('9'.repeat(309));
      for (let i = 0; i < 3; i++)
        await generateText({ model: wrapped, prompt: 'Hi', maxOutputTokens: 50 });
      expect(chat()).toHaveLength(4);
    },
  );
});
