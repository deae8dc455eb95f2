import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, post } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: ['test-key', 'other-key', { key: 'slow-key', limits: { rpm: 1, windowMs: 60_000 } }],
  });
});
beforeEach(() => {
  emulator.reset();
  emulator.setLimits({});
});
afterAll(() => emulator.close());

describe('RPM window', () => {
  it('answers 429 with Retry-After and x-ratelimit headers, per key, and recovers', async () => {
    // A window wide enough that three requests on a loaded machine fall inside it.
    emulator.setLimits({ rpm: 2, windowMs: 1500 });
    const first = await post(emulator, '/chat/completions', chatBody());
    expect(first.status).toBe(200);
    // 2 per 1.5 s: the limit header states the per-minute rate of the scaled window.
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('80');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|[\d.]+s)$/);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
    const limited = await post(emulator, '/chat/completions', chatBody());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[12]$/);
    const retryAfterMs = Number(limited.headers.get('retry-after-ms'));
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1500);
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const { error } = await limited.json();
    expect(error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(error.message).toContain('RPM');
    expect(
      (await post(emulator, '/chat/completions', chatBody(), { key: 'other-key' })).status,
    ).toBe(200);
    await new Promise(resolve => setTimeout(resolve, retryAfterMs + 20));
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
  });

  it('rounds Retry-After up to whole seconds', async () => {
    emulator.setLimits({ rpm: 1, windowMs: 2500 });
    await post(emulator, '/chat/completions', chatBody());
    const limited = await post(emulator, '/chat/completions', chatBody());
    expect(limited.headers.get('retry-after')).toBe('3');
  });
});

describe('TPM window', () => {
  it('answers 429 once the window holds too many tokens', async () => {
    const probe = await (await post(emulator, '/chat/completions', chatBody())).json();
    const perRequest = probe.usage.total_tokens as number;
    emulator.reset();
    emulator.setLimits({ tpm: perRequest * 2, windowMs: 60_000 });
    const first = await post(emulator, '/chat/completions', chatBody());
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe(String(perRequest * 2));
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(perRequest));
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
    const limited = await post(emulator, '/chat/completions', chatBody());
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.message).toContain('TPM');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
  });
});

describe('per-key limits', () => {
  it("applies a key's own limits while other keys stay unlimited", async () => {
    expect(
      (await post(emulator, '/chat/completions', chatBody(), { key: 'slow-key' })).status,
    ).toBe(200);
    const limited = await post(emulator, '/chat/completions', chatBody(), { key: 'slow-key' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('1');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    const free = await post(emulator, '/chat/completions', chatBody());
    expect(free.status).toBe(200);
    expect(free.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });
});
