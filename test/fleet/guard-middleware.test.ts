import {
  alayaMiddleware,
  type BreakerStateChangeEvent,
  type BudgetExhaustedEvent,
  CircuitOpenError,
  createFleetGuard,
  createMemoryStore,
  type FleetGuard,
  type FleetOptions,
} from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
// The test package does not depend on the store package (yet): its source, run by tsx.
import { createRedisStore } from '@alaya-code/ai-sdk-store-redis';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, wrapLanguageModel } from 'ai';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findRedisServer, type RedisServer, startRedisServer } from '../support/redis-server';

const API_KEY = 'guard-test-key';
const PRIMARY = 'glm-5.2';
const FALLBACK = 'glm-5.1';

let emulator: Emulator;
const alaya = () => createAlaya({ apiKey: API_KEY, baseURL: emulator.url });

/** A model wrapped in alayaMiddleware with a fleet guard (the public wiring: the `guard` option). */
function guarded(guard: FleetGuard, options: Parameters<typeof alayaMiddleware>[0] = {}) {
  return wrapLanguageModel({
    model: alaya()(PRIMARY),
    middleware: alayaMiddleware({
      guard,
      apiKey: API_KEY,
      initialDelayMs: 10,
      jitter: 'none',
      ...options,
    }),
  });
}

const sent = (model: string) =>
  emulator.requests.filter(r => r.path === '/v1/chat/completions' && r.model === model);

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: [API_KEY] });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
});

describe('fleet guard through alayaMiddleware (real HTTP to the emulator)', () => {
  it('opens the breaker after repeated 502s: calls go straight to the fallback, then one probe closes it', async () => {
    const changes: BreakerStateChangeEvent[] = [];
    let openedAt = 0;
    // openMs long enough for 8 calls on a loaded machine; the probe then waits out the rest of it.
    const openMs = 2000;
    const guard = createFleetGuard({
      circuitBreaker: { failureThreshold: 3, openMs },
      onBreakerStateChange: event => {
        if (event.to === 'open') openedAt = Date.now();
        changes.push(event);
      },
    });
    const model = guarded(guard, { maxRetries: 0, fallbackModels: [alaya()(FALLBACK)] });
    emulator.enqueueFaults({ status: 502, times: 100, match: { model: PRIMARY } });

    for (let i = 0; i < 8; i++) {
      const { text } = await generateText({ model, prompt: `call ${i}`, maxRetries: 0 });
      expect(text.length).toBeGreaterThan(0);
    }
    expect(sent(PRIMARY)).toHaveLength(3); // the breaker opened after the third 502
    expect(sent(FALLBACK)).toHaveLength(8);
    expect(changes).toEqual([
      { modelId: PRIMARY, provider: 'alaya.chat', from: 'closed', to: 'open' },
    ]);
    expect((await guard.getState()).models.find(m => m.modelId === PRIMARY)).toMatchObject({
      breaker: 'open',
    });

    emulator.clearFaults();
    await new Promise(resolve => setTimeout(resolve, openedAt + openMs + 50 - Date.now()));
    await generateText({ model, prompt: 'probe', maxRetries: 0 });
    expect(sent(PRIMARY)).toHaveLength(4); // the probe went to the primary model and succeeded
    expect(changes.map(c => c.to)).toEqual(['open', 'half-open', 'closed']);
    await generateText({ model, prompt: 'after', maxRetries: 0 });
    expect(sent(PRIMARY)).toHaveLength(5);
  });

  it('fails fast with a typed CircuitOpenError when there is no fallback model', async () => {
    const guard = createFleetGuard({ circuitBreaker: { failureThreshold: 2, openMs: 60_000 } });
    const model = guarded(guard, { maxRetries: 0 });
    emulator.enqueueFaults({ status: 503, times: 100 });
    for (let i = 0; i < 2; i++) {
      await expect(generateText({ model, prompt: `x${i}`, maxRetries: 0 })).rejects.toMatchObject({
        statusCode: 503,
      });
    }
    const error = await generateText({ model, prompt: 'blocked', maxRetries: 0 }).catch(e => e);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'circuit_open', breakerState: 'open', modelId: PRIMARY });
    expect(sent(PRIMARY)).toHaveLength(2);
  });

  it('a retry budget keeps an outage from multiplying the requests', async () => {
    const run = async (retryBudget: FleetOptions['retryBudget']) => {
      emulator.reset();
      emulator.enqueueFaults({ status: 503, times: 1000 });
      const exhausted: BudgetExhaustedEvent[] = [];
      const guard = createFleetGuard({ retryBudget, onBudgetExhausted: e => exhausted.push(e) });
      const model = guarded(guard, { maxRetries: 2 });
      const errors = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          generateText({ model, prompt: `outage ${i}`, maxRetries: 0 }).catch(e => e),
        ),
      );
      return { requests: sent(PRIMARY).length, errors, exhausted };
    };

    const unlimited = await run(false);
    expect(unlimited.requests).toBe(60); // 3 attempts each: the outage triples the load
    const budgeted = await run({ capacity: 20, retryCost: 5 });
    expect(budgeted.requests).toBe(24); // 20 first attempts + the 4 retries the budget paid for
    expect(budgeted.errors.every(e => e.statusCode === 503)).toBe(true);
    // Every call ends on a refused retry (the 4 paid retries failed too), and says so.
    expect(budgeted.errors.every(e => e.exhaustedReason === 'retry_budget')).toBe(true);
    expect(unlimited.errors.every(e => e.exhaustedReason === 'max_retries')).toBe(true);
    expect(budgeted.exhausted).toHaveLength(1);
    expect(budgeted.exhausted[0]).toMatchObject({ modelId: PRIMARY, remaining: 0, cost: 5 });
  });

  it('two middleware instances on one memory store share a 429 cooldown', async () => {
    const store = createMemoryStore();
    const a = guarded(createFleetGuard({ store, apiKey: API_KEY, cooldownSpreadMs: 0 }), {
      maxRetries: 0,
    });
    const b = guarded(createFleetGuard({ store, apiKey: API_KEY, cooldownSpreadMs: 0 }), {
      maxRetries: 0,
    });
    emulator.enqueueFaults({ status: 429, retryAfterMs: 400 });
    await expect(generateText({ model: a, prompt: 'a', maxRetries: 0 })).rejects.toMatchObject({
      statusCode: 429,
    });
    await generateText({ model: b, prompt: 'b', maxRetries: 0 });
    const [limited, next] = sent(PRIMARY);
    expect(limited?.status).toBe(429);
    expect(next!.time - limited!.time).toBeGreaterThanOrEqual(400);
  });
});

describe('one guard given to several middlewares (the one way to configure the fleet)', () => {
  it('two middleware instances given one guard share its breaker', async () => {
    const changes: BreakerStateChangeEvent[] = [];
    const guard = createFleetGuard({
      store: createMemoryStore(),
      apiKey: API_KEY,
      circuitBreaker: { failureThreshold: 2, openMs: 60_000 },
      onBreakerStateChange: event => changes.push(event),
    });
    const options = { guard, apiKey: API_KEY, maxRetries: 0, fallbackModels: [alaya()(FALLBACK)] };
    const first = wrapLanguageModel({
      model: alaya()(PRIMARY),
      middleware: alayaMiddleware(options),
    });
    const second = wrapLanguageModel({
      model: alaya()(PRIMARY),
      middleware: alayaMiddleware(options),
    });
    emulator.enqueueFaults({ status: 502, times: 2, match: { model: PRIMARY } });
    await generateText({ model: first, prompt: 'one', maxRetries: 0 });
    await generateText({ model: first, prompt: 'two', maxRetries: 0 });
    await generateText({ model: second, prompt: 'three', maxRetries: 0 });
    expect(sent(PRIMARY)).toHaveLength(2);
    expect(sent(FALLBACK)).toHaveLength(3);
    expect(changes.map(c => c.to)).toEqual(['open']); // one guard: it saw it open once
  });

  it('refuses a fleet option given flat to alayaMiddleware, saying to build a guard', () => {
    expect(() => alayaMiddleware({ circuitBreaker: true } as never)).toThrow(
      /circuitBreaker is no longer an option of alayaMiddleware: build the fleet once with createFleetGuard/,
    );
  });
});

describe.skipIf(!findRedisServer())(
  'fleet guard with the Redis store through alayaMiddleware',
  () => {
    let redis: RedisServer;
    let client: ReturnType<typeof createClient>;

    beforeAll(async () => {
      redis = await startRedisServer();
      client = createClient({ url: redis.url, disableOfflineQueue: true });
      client.on('error', () => {});
      await client.connect();
    });
    afterAll(async () => {
      client?.destroy();
      await redis?.stop();
    });

    it('an open breaker in Redis sends another instance straight to its fallback model', async () => {
      const options: FleetOptions = { circuitBreaker: { failureThreshold: 2, openMs: 60_000 } };
      const first = createFleetGuard({
        ...options,
        store: createRedisStore({ client, prefix: 'mw1:' }),
      });
      const second = createFleetGuard({
        ...options,
        store: createRedisStore({ client, prefix: 'mw1:' }),
      });
      emulator.enqueueFaults({ status: 502, times: 2, match: { model: PRIMARY } });
      const a = guarded(first, { maxRetries: 0, fallbackModels: [alaya()(FALLBACK)] });
      await generateText({ model: a, prompt: 'one', maxRetries: 0 });
      await generateText({ model: a, prompt: 'two', maxRetries: 0 });
      expect(sent(PRIMARY)).toHaveLength(2);

      const b = guarded(second, { maxRetries: 0, fallbackModels: [alaya()(FALLBACK)] });
      const result = await generateText({ model: b, prompt: 'three', maxRetries: 0 });
      expect(result.text.length).toBeGreaterThan(0);
      expect(sent(PRIMARY)).toHaveLength(2); // the second instance never tried the open model
      expect(sent(FALLBACK)).toHaveLength(3);
    });
  },
);
