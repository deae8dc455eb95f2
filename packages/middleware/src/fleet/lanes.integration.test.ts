import { InvalidArgumentError } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../errors/status-errors';
import { useEmulator } from '../test-support/emulator-fixture';
import { createFleetGuard, type FleetGuard } from './fleet-guard';
import type { StoreErrorEvent } from './guarded-store';
import { createMemoryStore } from './memory-store';
import type { PaceLane } from './resilience-store';

const API_KEY = 'sk-lanes-integration-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

/** 300 rpm stated, paced at 98 %: a slot every 204 ms. */
const RPM = 300;
const SLOT_MS = 60_000 / (RPM * 0.98);

interface CallOptions {
  lane?: PaceLane;
  tenant?: string;
  signal?: AbortSignal;
  deadlineMs?: number;
}

/** One call over HTTP through `guard`; resolves with its duration in ms (or the error). */
async function call(guard: FleetGuard, options: CallOptions = {}): Promise<number> {
  const start = Date.now();
  await generateText({
    model: model({ guard, ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}) }),
    prompt: 'Hi',
    maxRetries: 0,
    ...(options.signal ? { abortSignal: options.signal } : {}),
    providerOptions: {
      alayaMiddleware: {
        ...(options.lane ? { priority: options.lane } : {}),
        ...(options.tenant ? { tenant: options.tenant } : {}),
      },
    },
  });
  return Date.now() - start;
}

const pacedGuard = (options: Parameters<typeof createFleetGuard>[0] = {}) =>
  createFleetGuard({ pacing: { rpm: RPM }, cooldownSpreadMs: 0, ...options });

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** `count` background calls queued on `guard` (their promises, settled or not). */
function queueBackground(guard: FleetGuard, count: number, options: CallOptions = {}) {
  return Array.from({ length: count }, () =>
    call(guard, { lane: 'background', ...options }).catch((error: unknown) => error),
  );
}

describe('priority lanes over HTTP (emulator, 300 rpm stated)', () => {
  it('an interactive call waits about one slot while 24 background calls are queued; unmarked, it waits behind them', async () => {
    for (const lanes of [true, false]) {
      const guard = pacedGuard();
      const background = queueBackground(guard, 24, lanes ? {} : { lane: undefined });
      await sleep(3 * SLOT_MS);
      const waited = await call(guard, lanes ? { lane: 'interactive' } : {});
      if (lanes) {
        // Half a slot of background reserved ahead, its own slot, and the answer (a loaded machine).
        expect(waited).toBeLessThan(1.5 * SLOT_MS + 400);
      } else {
        expect(waited).toBeGreaterThan(15 * SLOT_MS);
      }
      const ended = await Promise.all(background);
      expect(ended.every(value => typeof value === 'number')).toBe(true);
    }
  }, 30_000);

  it('two tenants of 10 and 2 looping background callers get equal shares within 10 %', async () => {
    const guard = pacedGuard({ pacing: { rpm: RPM, maxWaitMs: 600_000 } });
    const done = { a: 0, b: 0 };
    let running = true;
    async function loop(tenant: 'a' | 'b') {
      while (running) {
        await call(guard, { lane: 'background', tenant });
        if (running) done[tenant]++;
      }
    }
    const loops = [
      ...Array.from({ length: 10 }, () => loop('a')),
      ...Array.from({ length: 2 }, () => loop('b')),
    ];
    await sleep(80 * SLOT_MS);
    const shares = { ...done };
    running = false;
    await Promise.all(loops);
    const mean = (shares.a + shares.b) / 2;
    expect(shares.a + shares.b).toBeGreaterThanOrEqual(70);
    expect(Math.abs(shares.a - shares.b), JSON.stringify(shares)).toBeLessThanOrEqual(0.1 * mean);
  }, 60_000);

  it('a parked background call aborted by its caller rejects at once, is never sent, and gives its place back', async () => {
    const guard = pacedGuard();
    const first = queueBackground(guard, 5);
    await sleep(SLOT_MS / 4);
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const aborted = controllers.map(controller =>
      call(guard, { lane: 'background', signal: controller.signal }).catch((e: unknown) => e),
    );
    await sleep(SLOT_MS / 4);
    const abortedAt = Date.now();
    for (const controller of controllers) controller.abort(new Error('stop button'));
    for (const result of await Promise.all(aborted)) {
      expect(result).toMatchObject({ message: 'stop button' });
    }
    expect(Date.now() - abortedAt).toBeLessThan(100);
    // A call queued now takes the aborted calls' places: after the first 5 (about 4.5 slots; 9 without
    // the places given back).
    const late = await call(guard, { lane: 'background' });
    expect(late).toBeLessThan(6 * SLOT_MS + 150);
    await Promise.all(first);
    expect(chat()).toHaveLength(6);
  }, 30_000);

  it('a background call whose turn is beyond its deadline fails fast with a RateLimitError, not sent', async () => {
    const guard = pacedGuard();
    const queued = queueBackground(guard, 20);
    await sleep(SLOT_MS / 2);
    const sent = chat().length;
    const start = Date.now();
    const error = await call(guard, { lane: 'background', deadlineMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - start).toBeLessThan(200);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).message).toContain('not sent');
    expect(chat().length).toBeLessThanOrEqual(sent + 1); // only a queued call's slot came meanwhile
    await Promise.all(queued);
  }, 30_000);

  it('a background call waits its turn past pacing.maxWaitMs (a batch job is patient); an unmarked one beyond it fails fast', async () => {
    // 12 calls at a slot every 204 ms: the last one's turn is ~2.2 s away, past maxWaitMs (1 s).
    const guard = pacedGuard({ pacing: { rpm: RPM, maxWaitMs: 1_000 } });
    const background = await Promise.all(queueBackground(guard, 12));
    expect(background.every(value => typeof value === 'number')).toBe(true);
    expect(Math.max(...(background as number[]))).toBeGreaterThan(1_000);

    const unmarked = await Promise.all(queueBackground(guard, 12, { lane: undefined }));
    const refused = unmarked.filter(value => RateLimitError.isInstance(value));
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as RateLimitError).message).toContain('pacing.maxWaitMs (1000ms)');
  }, 30_000);

  it('the store down: lanes go on in local order, never blocking, and onStoreError says so once', async () => {
    const errors: StoreErrorEvent[] = [];
    const down = createMemoryStore();
    for (const name of ['takeFromRateBucket', 'adjustRateBucket', 'getCooldown'] as const) {
      (down as unknown as Record<string, unknown>)[name] = () =>
        Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'));
    }
    const guard = pacedGuard({
      store: down,
      storeRetryMs: 60_000,
      onStoreError: event => errors.push(event),
    });
    const background = queueBackground(guard, 12);
    await sleep(3 * SLOT_MS);
    const waited = await call(guard, { lane: 'interactive' });
    expect(waited).toBeLessThan(1.5 * SLOT_MS + 400);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(Error);
    expect((await Promise.all(background)).every(value => typeof value === 'number')).toBe(true);
  }, 30_000);

  it('a bad priority or tenant is an InvalidArgumentError naming the field, for generate and stream, before anything is sent', async () => {
    const guard = pacedGuard();
    const bad = [
      { priority: 'urgent' },
      { tenant: '' },
      { tenant: 42 },
      { tenant: 'x'.repeat(257) },
    ];
    for (const alayaMiddleware of bad) {
      const field = 'priority' in alayaMiddleware ? 'priority' : 'tenant';
      const generated = await generateText({
        model: model({ guard }),
        prompt: 'Hi',
        providerOptions: { alayaMiddleware },
      }).catch((e: unknown) => e);
      let streamed: unknown;
      const result = streamText({
        model: model({ guard }),
        prompt: 'Hi',
        providerOptions: { alayaMiddleware },
        onError: ({ error }) => {
          streamed = error;
        },
      });
      await result.consumeStream();
      for (const error of [generated, streamed]) {
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain(`providerOptions.alayaMiddleware.${field}`);
      }
    }
    expect(chat()).toHaveLength(0);
  });
});
