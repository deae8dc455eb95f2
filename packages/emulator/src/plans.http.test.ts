import { describe, expect, it } from 'vitest';
import { PLAN_LIMITS, THROTTLED_LIMITS } from './plans';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, get, post } from './test-http';

async function sendUntil429(emulator: Emulator, max: number, key?: string): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < max; i++) {
    const response = await post(emulator, '/chat/completions', chatBody(), key ? { key } : {});
    answers.push(response);
    if (response.status !== 200) break;
    await response.arrayBuffer();
  }
  return answers;
}

describe('served models', () => {
  it("serves Alaya's documented ids by default, and still the older ids", async () => {
    const emulator = await startEmulator();
    try {
      const ids = (await (await get(emulator, '/models')).json()).data.map((m: any) => m.id);
      for (const id of ['minimax-m2.5', 'minimax-m2.1', 'glm-5', 'glm-5.1', 'deepseek-v4-pro']) {
        expect(ids).toContain(id);
        expect((await post(emulator, '/chat/completions', chatBody({ model: id }))).status).toBe(
          200,
        );
      }
      expect(ids).toEqual(expect.arrayContaining(['glm-5.2', 'deepseek-v4-flash']));
    } finally {
      await emulator.close();
    }
  });
});

describe('plan limits', () => {
  it('holds each key to the free plan: the 61st request in a window gets 429 rate_limit_exceeded', async () => {
    const emulator = await startEmulator({ plan: 'free' });
    try {
      const answers = await sendUntil429(emulator, 70);
      expect(answers).toHaveLength(PLAN_LIMITS.free.rpm + 1);
      expect(answers[0]!.headers.get('x-ratelimit-limit-requests')).toBe('60');
      expect(answers[0]!.headers.get('x-ratelimit-limit-tokens')).toBe('30000');
      const limited = answers.at(-1)!;
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await limited.json()).error.code).toBe('rate_limit_exceeded');
    } finally {
      await emulator.close();
    }
  });

  it('uses the pro and team figures, and explicit limits override the plan field by field', async () => {
    const pro = await startEmulator({ plan: 'pro', limits: { windowMs: 1000 } });
    const team = await startEmulator({ plan: 'team', limits: { rpm: 3 } });
    try {
      const proAnswer = await post(pro, '/chat/completions', chatBody());
      // The plan's 300 / 150K per window, the window scaled to 1 s: stated per minute (× 60).
      expect(proAnswer.headers.get('x-ratelimit-limit-requests')).toBe('18000');
      expect(proAnswer.headers.get('x-ratelimit-limit-tokens')).toBe('9000000');
      const teamAnswer = await post(team, '/chat/completions', chatBody());
      expect(teamAnswer.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(teamAnswer.headers.get('x-ratelimit-limit-tokens')).toBe('500000');
    } finally {
      await Promise.all([pro.close(), team.close()]);
    }
  });

  it('rejects an unknown plan and a non-boolean rateLimitHeaders', async () => {
    await expect(startEmulator({ plan: 'gold' as never })).rejects.toThrow(/plan must be one of/);
    await expect(startEmulator({ rateLimitHeaders: 'no' as never })).rejects.toThrow(/boolean/);
    await expect(startEmulator({ quotaExhausted: 'x' as never })).rejects.toThrow(/quotaExhausted/);
  });

  it('omits x-ratelimit-* and retry-after-ms when told, keeping Retry-After on 429s', async () => {
    const emulator = await startEmulator({ limits: { rpm: 1 }, rateLimitHeaders: false });
    try {
      const [ok, limited] = await sendUntil429(emulator, 3);
      for (const response of [ok!, limited!]) {
        expect([...response.headers.keys()].filter(name => name.startsWith('x-ratelimit'))).toEqual(
          [],
        );
      }
      expect(limited!.status).toBe(429);
      expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited!.headers.get('retry-after-ms')).toBeNull();
    } finally {
      await emulator.close();
    }
  });
});

describe('quota used up', () => {
  const keys = [{ key: 'spent', quotaTokens: 0 }, { key: 'fresh' }];

  it('answers 402 by default (the error guide)', async () => {
    const emulator = await startEmulator({ apiKeys: keys });
    try {
      const answer = await post(emulator, '/chat/completions', chatBody(), { key: 'spent' });
      expect(answer.status).toBe(402);
    } finally {
      await emulator.close();
    }
  });

  it('serves in throttled mode (60 RPM / 30K TPM) with quotaExhausted: throttle (the docs)', async () => {
    const emulator = await startEmulator({ apiKeys: keys, quotaExhausted: 'throttle' });
    try {
      const answers = await sendUntil429(emulator, 70, 'spent');
      expect(answers).toHaveLength(THROTTLED_LIMITS.rpm + 1);
      expect(answers[0]!.headers.get('x-ratelimit-limit-requests')).toBe('60');
      expect(answers[0]!.headers.get('x-ratelimit-limit-tokens')).toBe('30000');
      expect((await answers.at(-1)!.json()).error.code).toBe('rate_limit_exceeded');
      // A key with quota left is not throttled.
      const fresh = await post(emulator, '/chat/completions', chatBody(), { key: 'fresh' });
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('x-ratelimit-limit-requests')).toBeNull();
    } finally {
      await emulator.close();
    }
  });

  it('switches a key to throttled mode once its quota is used', async () => {
    const emulator = await startEmulator({
      apiKeys: [{ key: 'small', quotaTokens: 1 }],
      quotaExhausted: 'throttle',
    });
    try {
      const first = await post(emulator, '/chat/completions', chatBody(), { key: 'small' });
      expect(first.headers.get('x-ratelimit-limit-requests')).toBeNull();
      const second = await post(emulator, '/chat/completions', chatBody(), { key: 'small' });
      expect(second.status).toBe(200);
      expect(second.headers.get('x-ratelimit-limit-requests')).toBe('60');
    } finally {
      await emulator.close();
    }
  });
});
